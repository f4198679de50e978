"""Atomic file writes: a temp file in the same directory, then ``os.replace``.

A reader (or a crash) never sees a half-written file: until the new content
is complete and flushed, the old file (if any) stays in place, and when
anything fails the temp file is removed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

PathLike = str | os.PathLike[str]


def _new_file_mode(path: str) -> int:
    """Permissions for the written file: the old file's, else 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def atomic_open(path: PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temp file next to ``path`` for writing; on success it replaces ``path``.

    ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``.  If the body raises, the temp
    file is removed, ``path`` is left as it was and the exception propagates.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open() mode must be 'w' or 'wb', got {mode!r}")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        encoding = "utf-8" if mode == "w" else None
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
