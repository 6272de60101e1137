"""Writing an output file the way the user named it.

Every file storycheck writes for a user (``--html``, ``--csv``, ``-o``, ``--index``, bench results,
screenshots) goes through :func:`write_output`:

- a regular file, or a path that does not exist yet, is replaced atomically (a temporary file in the
  same folder, then a rename), so a failed write leaves the old file whole; an existing file keeps
  its mode, and its owner and group where we may set them;
- anything else is written through in place and never replaced: a character or block device
  (``/dev/null``), a FIFO, a socket, ``/dev/stdout`` and every path under ``/dev`` or ``/proc``
  (``/dev/stdout`` may lead to the very file the shell redirected stdout into), and ``-`` is stdout;
- a symbolic link is followed: its target is written (by the rules above) and the link stays;
- a regular file that we could not recreate as it was (another user's file we may not chown, a file
  with several hard links, a folder we may not create files in) is written through in place too:
  the file itself is kept, only its content changes.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_output", "write_output_with"]

#: Paths under these folders are never renamed over: they are devices or links to open descriptors.
_SPECIAL_ROOTS = ("/dev/", "/proc/")


def write_output(target: str | os.PathLike[str], data: str | bytes, *, newline: str | None = None) -> None:
    """Write ``data`` (text is UTF-8) to ``target``; ``-`` means stdout.

    ``newline=""`` keeps the line ends of ``data`` as they are (CSV's ``\\r\\n``); otherwise ``\\n``
    becomes the platform's line end, as ``open(..., "w")`` does. Raises ``OSError`` as ``open`` does.
    """
    raw = _encode(data, newline)
    write_output_with(target, lambda fh: fh.write(raw))


def write_output_with(target: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """As :func:`write_output`, for output too large to hold: ``write`` is given the open binary file."""
    name = os.fspath(target)
    if name == "-":
        _to_stdout(write)
        return
    path = Path(name)
    if _through_special(path):
        _write_in_place(path, write)
        return
    real = Path(os.path.realpath(path))  # a link is followed: its target is what the user means
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(real, write)  # device, FIFO, socket: never replaced by a file
        return
    if st is not None and not _can_recreate(st):
        _write_in_place(real, write)
        return
    try:
        _replace_atomically(real, write, st)
    except PermissionError:
        if st is None:
            raise
        _write_in_place(real, write)  # a folder we may not create in, but a file we may write


def _encode(data: str | bytes, newline: str | None) -> bytes:
    if isinstance(data, bytes):
        return data
    if newline is None and os.linesep != "\n":
        data = data.replace("\n", os.linesep)
    return data.encode("utf-8")


def _to_stdout(write: Callable[[BinaryIO], object]) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        write(buffer)
        buffer.flush()
    else:  # a text-only stream (a test's capture): decode what was written
        held = io.BytesIO()
        write(held)
        sys.stdout.write(held.getvalue().decode("utf-8"))
        sys.stdout.flush()


def _through_special(path: Path) -> bool:
    """The path, or a link on the way to its target, lies under /dev or /proc."""
    seen = 0
    current = Path(os.path.abspath(path))
    while True:
        if str(current).startswith(_SPECIAL_ROOTS):
            return True
        if not current.is_symlink() or seen > 40:
            break
        link = Path(os.readlink(current))
        current = Path(os.path.abspath(current.parent / link))
        seen += 1
    return str(Path(os.path.realpath(path))).startswith(_SPECIAL_ROOTS)


def _can_recreate(st: os.stat_result) -> bool:
    """A new file can stand in for this one: one link, and owned by us unless we may chown."""
    if st.st_nlink > 1:
        return False  # a rename would split the hard links: the other names keep the old text
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid() and os.geteuid() != 0:
        return False
    return True


def _write_in_place(path: Path, write: Callable[[BinaryIO], object]) -> None:
    with open(path, "wb") as fh:
        write(fh)


def _replace_atomically(path: Path, write: Callable[[BinaryIO], object], st: os.stat_result | None) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                except PermissionError:
                    pass  # not root: the group may not be ours to give; mode and content are kept
        else:
            os.chmod(tmp, 0o666 & ~_umask())  # what open(..., "w") would have made
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _owner(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
