"""The one rule for writing files (autograd_core.files): atomic replace, symlinks, folders, errors in one line."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from autograd_core import files
from autograd_core.files import WriteError, check_writable, write_atomically


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_is_written_whole_in_a_folder_made_for_it(tmp_path):
    path = tmp_path / "a" / "b" / "page.html"
    assert write_atomically(path, b"<html>", "lecture") == path
    assert path.read_bytes() == b"<html>" and leftovers(path.parent) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~files._umask()  # not mkstemp's 0o600


def test_a_writer_function_gets_the_open_file_and_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "w.bin"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomically(path, lambda f: f.write(b"new"), "save_weights")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_link_to_an_existing_file_is_followed_and_stays_a_link(tmp_path):
    target = tmp_path / "real" / "a.svg"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "link.svg"
    link.symlink_to(target)
    write_atomically(link, b"new", "render")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert leftovers(tmp_path) == [] and leftovers(target.parent) == []


def test_a_link_to_nothing_is_refused_by_the_door_and_by_the_writer(tmp_path):
    link = tmp_path / "dangling.svg"
    link.symlink_to(tmp_path / "missing.svg")
    with pytest.raises(ValueError, match=r"^-o .*dangling.svg: is a symbolic link to nothing \(.*missing.svg\)$"):
        check_writable(link)
    with pytest.raises(WriteError, match=r"^render: cannot write '.*dangling.svg': is a symbolic link to nothing") as e:
        write_atomically(link, b"x", "render")
    assert e.value.errno == errno.ENOENT
    assert link.is_symlink() and not (tmp_path / "missing.svg").exists()
    under = tmp_path / "gone-folder"
    under.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="gone-folder is a symbolic link to nothing"):
        check_writable(under / "x.svg")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "empty; give a file name"),
        ("a\0b", "a NUL character in it"),
        ("x" * 300 + ".svg", "is 304 bytes long, more than the 255 allowed here"),
        ("/".join(["d" * 200] * 25), "bytes is too long"),
        (".", "is a folder, not a file"),
        ("/dev/null", "is not a regular file"),
        ("/proc/x.svg", "cannot write in /proc"),
        ("a-file/x.svg", "cannot be written, "),
    ],
)
def test_the_door_names_what_is_wrong_before_any_work(tmp_path, monkeypatch, name, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("a file, not a folder")
    with pytest.raises(ValueError, match="^--flag ") as error:
        check_writable(name, "--flag")
    assert words in str(error.value) and "\n" not in str(error.value)
    if name != "":  # the writer refuses the same paths, as one-line OSErrors, and leaves nothing behind
        with pytest.raises(OSError, match="^what: cannot write "):
            write_atomically(name, b"x", "what")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_name_of_the_longest_length_allowed_is_written(tmp_path):
    """The temporary file's name keeps only the start of the name, so it fits where the name fits."""
    path = tmp_path / ("n" * 251 + ".svg")
    write_atomically(path, b"ok", "render")
    assert path.read_bytes() == b"ok"


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError(errno.ENOSPC, "No space left on device")])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, failure):
    path = tmp_path / "w.npz"
    path.write_bytes(b"old")

    def writer(f):
        f.write(b"half a file")
        raise failure

    expected = KeyboardInterrupt if failure is KeyboardInterrupt else WriteError
    with pytest.raises(expected) as error:
        write_atomically(path, writer, "save_weights")
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []
    if expected is WriteError:
        assert str(error.value) == f"save_weights: cannot write {str(path)!r}: No space left on device"
        assert error.value.errno == errno.ENOSPC


def test_a_failed_sync_is_one_line_too(tmp_path, monkeypatch):
    def no_space(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(files.os, "fsync", no_space)
    with pytest.raises(WriteError, match=r"^render: cannot write '.*a.svg': Input/output error$"):
        write_atomically(tmp_path / "a.svg", b"x", "render")
    assert list(tmp_path.iterdir()) == []


def test_a_write_interrupted_anywhere_leaves_the_old_file_or_the_new_one_and_nothing_else(tmp_path):
    from tests.interrupts import interrupt_everywhere

    runs = iter(range(10_000))

    def make():
        folder = tmp_path / f"run{next(runs)}"
        folder.mkdir()
        (folder / "page.html").write_bytes(b"old")
        return folder / "page.html"

    def files(path):
        return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())}

    report = interrupt_everywhere(make, lambda path: write_atomically(path, b"new", "lecture"), files,
                                  ["autograd_core.files"], granularity="delivery")
    assert report.points > 50 and not report.failures
