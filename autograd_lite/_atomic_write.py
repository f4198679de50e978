"""Writing a file atomically: the data goes to a temporary file beside it, which then replaces it.

On any failure the target is untouched and no temporary file is left; an
error names the target, not the temporary file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it onto ``path``."""
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _path_error(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _path_error(exc, path) from None
        raise


def _path_error(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` rather than the temporary file (``[Errno 13] ...: 'path'``)."""
    if exc.errno is None or exc.strerror is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()
