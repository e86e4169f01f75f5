"""Writing a file: one rule for every file chainrule writes (a diagram, a page, a deck, weights).

- **At the door**, :func:`check_writable` says whether a path can be written, before any work,
  with a ``ValueError`` naming the flag, the path and what is wrong (a command turns it into
  exit status 2): empty, a folder, a device or pipe, a symbolic link to nothing, a name or path
  longer than the file system allows, a folder that cannot be made or written in.
- **The write**, :func:`write_atomically`, makes the missing folders, writes the bytes to a
  temporary file beside the target, syncs it to disk and renames it into place: the file is
  whole or as it was, never half-written, also under Ctrl-C (the temporary file is removed on
  any exception).  A failure of the machine (a full disk) is one ``OSError`` line naming what was
  written and where.
- **Symbolic links**: a link whose target exists is followed, and the target is replaced, so
  the link stays a link; a link to nothing is refused, naming the link and its missing target.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomically(folder / "new" / "page.html", b"<!DOCTYPE html>", "lecture").read_bytes()
b'<!DOCTYPE html>'
>>> (folder / "link.html").symlink_to(folder / "gone.html")
>>> check_writable(folder / "link.html")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: -o .../link.html: is a symbolic link to nothing (.../gone.html)
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .interrupts import uninterrupted

__all__ = ["WriteError", "check_writable", "write_atomically"]

#: Characters of the file's name kept in its temporary file's name (which must fit the
#: file system's limit on a name even when the file's own name is as long as allowed).
TEMPORARY_NAME_CHARS = 32

#: Limits used where the file system does not say its own (``os.pathconf``).
DEFAULT_NAME_MAX, DEFAULT_PATH_MAX = 255, 4096


class WriteError(OSError):
    """A file could not be written: one line naming the writer, the file and why; ``errno`` is
    the system's code when there is one (``errno.ENOSPC`` for a full disk).

    >>> error = WriteError("render: cannot write 'a.svg': No space left on device", errno.ENOSPC)
    >>> str(error), error.errno == errno.ENOSPC
    ("render: cannot write 'a.svg': No space left on device", True)
    """

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.errno = code  # set after: OSError's own text would start with "[Errno n]"


class _Problem(Exception):
    """Why a path cannot be written; said by the door as bad input, by the writer as an OSError."""

    def __init__(self, message: str, code: int = errno.EINVAL) -> None:
        super().__init__(message)
        self.code = code


def _limit(folder: Path, name: str, default: int) -> int:
    try:
        value = os.pathconf(folder, name)
    except (OSError, ValueError, AttributeError):  # no such limit here, or no pathconf (Windows)
        return default
    return value if value > 0 else default


def _shown(name: str) -> str:
    return repr(name if len(name) <= 40 else name[:37] + "...")


def _shown_path(path: os.PathLike[str] | str) -> str:
    """The path as said in a message: a very long one cut in the middle, so the line stays readable."""
    text = os.fspath(path)
    return text if len(text) <= 120 else f"{text[:60]}...{text[-40:]}"


def _nearest_existing(folder: Path) -> Path:
    """The nearest folder above (or at) ``folder`` that exists; a link to nothing on the way is refused."""
    while not os.path.exists(folder):
        if os.path.islink(folder):
            raise _Problem(f"{folder} is a symbolic link to nothing ({os.readlink(folder)})", errno.ENOENT)
        folder = folder.parent
    if not os.path.isdir(folder):
        raise _Problem(f"cannot be written, {folder} is a file, not a folder", errno.ENOTDIR)
    return folder


def _target(path: os.PathLike[str] | str) -> tuple[Path, Path]:
    """The file a write to ``path`` replaces (a link followed to its target) and the nearest
    existing folder above it; a :class:`_Problem` if it cannot be written."""
    text = os.fspath(path)
    if not text.strip():
        raise _Problem("empty; give a file name", errno.ENOENT)
    if "\0" in text:
        raise _Problem("a NUL character in it")
    target = Path(os.path.abspath(path))
    if os.path.islink(target):
        if not os.path.exists(target):
            raise _Problem(f"is a symbolic link to nothing ({os.readlink(target)})", errno.ENOENT)
        target = Path(os.path.realpath(target))
    existing = _nearest_existing(target.parent)
    name_max = _limit(existing, "PC_NAME_MAX", DEFAULT_NAME_MAX)
    for name in target.relative_to(existing).parts:
        size = len(os.fsencode(name))
        if size > name_max:
            raise _Problem(f"the name {_shown(name)} is {size} bytes long, more than the {name_max} allowed here",
                           errno.ENAMETOOLONG)
    path_max = _limit(existing, "PC_PATH_MAX", DEFAULT_PATH_MAX)
    size = len(os.fsencode(str(target)))
    if size >= path_max:
        raise _Problem(f"a path of {size:,} bytes is too long (limit {path_max})", errno.ENAMETOOLONG)
    if os.path.isdir(target):
        raise _Problem("is a folder, not a file", errno.EISDIR)
    if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):
        raise _Problem("is not a regular file (a device, a pipe or a socket); give a file name")
    return target, existing


def check_writable(path: os.PathLike[str] | str, flag: str = "-o") -> Path:
    """``path`` once it is known that :func:`write_atomically` can write it: its folder exists
    or can be made, a probe file can be created in it (or in its nearest existing parent), and
    the path is none of what the module's rules refuse.  Otherwise a ``ValueError`` naming
    ``flag``, the path and what is wrong, said before any work is done.

    >>> check_writable("/proc/x.svg")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: -o /proc/x.svg: cannot write in /proc (...)
    """
    try:
        _, existing = _target(path)
        try:
            with tempfile.TemporaryFile(dir=existing):
                pass
        except OSError as error:
            raise _Problem(f"cannot write in {existing} ({error.strerror or error})") from None
    except _Problem as problem:
        raise ValueError(f"{flag} {_shown_path(path)}: {problem}") from None
    return Path(path)


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some systems cannot open a folder for this, and then it is skipped."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_atomically(path: os.PathLike[str] | str, data: bytes | Callable[[BinaryIO], object], what: str) -> Path:
    """Write ``data`` (bytes, or a function that writes into the open binary file it is given) to
    ``path`` by the module's rule; returns ``path``.  ``what`` names the writer in the
    :class:`WriteError` (an ``OSError``) a failure raises, one line:
    ``render: cannot write 'a.svg': No space left on device``.

    The file keeps its permissions when it is replaced; a new one gets the usual ``0o666`` less
    the umask.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomically(path, lambda f: f.write(b"written by a function"), "example").read_text()
    'written by a function'
    >>> write_atomically(path.parent, b"", "example")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd_core.files.WriteError: example: cannot write '...': is a folder, not a file
    """
    temporary: str | None = None
    try:
        try:
            target, _ = _target(path)
        except _Problem as problem:
            raise WriteError(f"{what}: cannot write {_shown_path(path)!r}: {problem}", problem.code) from None
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o666 & ~_umask()
        target.parent.mkdir(parents=True, exist_ok=True)
        with uninterrupted():  # the file made and its name known together: a Ctrl-C cannot leave it unnamed
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp",
                                                 prefix=f".{target.name[:TEMPORARY_NAME_CHARS]}.")
            file = os.fdopen(handle, "wb")
        with file:
            if callable(data):
                data(file)
            else:
                file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        temporary = None
    except BaseException as error:  # Ctrl-C included: no temporary file is left behind
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            message = f"{what}: cannot write {_shown_path(path)!r}: {error.strerror or error}"
            raise WriteError(message, error.errno) from None
        raise
    _sync_folder(target.parent)
    return Path(path)
