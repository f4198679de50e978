"""Files written atomically and files read with limits.

Writing (:func:`atomic_open`, :func:`write_atomic`): the content goes to a
temp file in the target's directory, is flushed and synced, and only then
replaces the target with ``os.replace``.  A reader (or a crash) never sees a
half-written file: until the new content is complete, the old file (if any)
stays in place.

* The temp name is short and fixed in form (``.autograd-lite-HOST-PID-XXXXXXXX.tmp``,
  about 40 bytes), so any legal target name works, even one of 255 bytes.
* On any failure, ``KeyboardInterrupt`` included, the temp file is removed.
  A process killed outright (``kill -9``) cannot clean up; the next write into
  the same directory recognises such leftovers by their prefix (same host,
  a process id that no longer runs) and removes them.
* Writing through a symbolic link writes the file the link points to; the
  link itself stays.
* An ``OSError`` (no space left, permission denied, ...) names the target
  path, not the temp file.

Reading (:func:`read_limited`): regular files only -- a FIFO, a device such as
``/dev/zero`` or a socket is refused at once, without blocking -- and at most
``max_bytes`` bytes, checked before the content is read.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Union

PathLike = Union[str, "os.PathLike[str]"]

#: The start of every temp file name; leftovers of killed processes are found by it.
TEMP_PREFIX = ".autograd-lite-"
_TEMP_SUFFIX = ".tmp"
_HOST = f"{zlib.crc32(socket.gethostname().encode('utf-8', 'surrogateescape')):08x}"


def path_error(exc: OSError, path: PathLike) -> OSError:
    """``exc`` naming ``path`` (``[Errno 28] No space left on device: 'model.json'``).

    Keeps the exception's type (``FileNotFoundError`` stays one); an error
    without an errno is returned unchanged.
    """
    if exc.errno is None or exc.strerror is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, os.fspath(path))


def _read_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _UMASK_AT_IMPORT


def _umask_at_import() -> int:
    # Setting the umask to read it is process-wide: done once, at import, never
    # while other threads may be creating files.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_IMPORT = _umask_at_import()


def _new_file_mode(path: str) -> int:
    """Permissions for the written file: the old file's, else 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_read_umask()


def _pid_running(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def stale_temp_files(directory: str) -> list[str]:
    """Temp files in ``directory`` left by killed processes of this host, as paths.

    A temp file of this module is stale when its name carries this host's tag
    and the id of a process that is no longer running.  Files of other users
    or other hosts are never listed.
    """
    if os.name != "posix":  # os.kill(pid, 0) is not a probe elsewhere
        return []
    me = os.getpid()
    uid = os.geteuid()
    stale = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if not (name.startswith(TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX)):
            continue
        parts = name[len(TEMP_PREFIX) :].split("-")
        if len(parts) < 3 or parts[0] != _HOST or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
            continue
        if pid != me and not _pid_running(pid):
            stale.append(entry.path)
    return stale


def _remove_stale(directory: str) -> None:
    """Remove the leftovers of killed processes from ``directory`` (best effort)."""
    for path in stale_temp_files(directory):
        try:
            os.unlink(path)
        except OSError:
            pass


def resolve_target(path: PathLike) -> str:
    """The file a write to ``path`` should replace: a symbolic link's target, else ``path``."""
    path = os.fspath(path)
    if os.path.islink(path):
        return os.path.realpath(path)
    return path


def _sync_directory(directory: str) -> None:
    """Make the rename durable (best effort: not every system can sync a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_open(path: PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temp file next to ``path`` for writing; on success it replaces ``path``.

    ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``.  If the body raises, the temp
    file is removed, ``path`` is left as it was and the exception propagates
    (an ``OSError`` then names ``path``).  A symbolic link ``path`` keeps
    pointing where it did; the file it points to is replaced.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open() mode must be 'w' or 'wb', got {mode!r}")
    shown = os.fspath(path)
    target = resolve_target(path)
    directory = os.path.dirname(os.path.abspath(target))
    _remove_stale(directory)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=directory, prefix=f"{TEMP_PREFIX}{_HOST}-{os.getpid()}-", suffix=_TEMP_SUFFIX
        )
    except OSError as exc:
        raise path_error(exc, shown) from None
    try:
        encoding = "utf-8" if mode == "w" else None
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename in (None, tmp):
            raise path_error(exc, shown) from None
        raise
    _sync_directory(directory)


def write_atomic(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, "wb") as f:
        f.write(data)


def _kind(mode: int) -> str:
    """What a non-regular file is, for an error message."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_limited(path: PathLike, max_bytes: int, where: str, how_to_raise: str) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else or anything too big.

    Opens without blocking (``O_NONBLOCK``: a FIFO with no writer does not
    hang) and checks the opened file itself (no race with a swapped name):
    a directory is ``IsADirectoryError``; a FIFO, device or socket is a
    ``ValueError``; a file of more than ``max_bytes`` bytes is a ``ValueError``
    (before reading it; a file that grows while read is cut off at
    ``max_bytes + 1`` bytes and refused too).  ``where`` starts each message
    ("model file 'm.json'"); ``how_to_raise`` ends the size message, with
    ``{size}`` replaced by a limit that would let the file through.
    """
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise path_error(exc, path) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{where} is {_kind(st.st_mode)}, not a regular file")
        if st.st_size > max_bytes:
            raise ValueError(_too_big(where, st.st_size, max_bytes, how_to_raise))
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise ValueError(_too_big(where, total, max_bytes, how_to_raise, growing=True))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_big(where: str, size: int, limit: int, how_to_raise: str, growing: bool = False) -> str:
    amount = f"more than {limit:,} bytes (it grew while being read)" if growing else f"{size:,} bytes"
    return f"{where} is {amount}, over the limit of {limit:,} bytes; " + how_to_raise.format(
        size=size if not growing else 2 * limit
    )
