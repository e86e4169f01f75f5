"""Every ``chainrule`` command's output, as a shell sees it: standard output that cannot be written,
output paths refused at the door, numbers that start with a minus, forward passes that overflow.

The commands run for real, in a subprocess, with standard output sent to ``/dev/full`` (every
write fails with ENOSPC) or closed by the shell (``>&-``).
"""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest

CHAINRULE = [sys.executable, "-m", "autograd_core.cli"]
FORMULA = ["y = x*2", "x=3"]


def shell(args: list[str], redirect: str, cwd=None) -> subprocess.CompletedProcess:
    """``chainrule ARGS`` with standard output redirected as a shell does (``> /dev/full``, ``>&-``)."""
    command = " ".join(shlex.quote(a) for a in [*CHAINRULE, *args]) + " " + redirect
    return subprocess.run(["sh", "-c", command], capture_output=False, stderr=subprocess.PIPE, text=True,
                          timeout=120, cwd=cwd)


def chainrule(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CHAINRULE, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def one_line(result: subprocess.CompletedProcess, status: int, command: str, *fragments: str) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("chainrule")]
    assert len(lines) == 1 and lines[0].startswith(f"{command}: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


# -- standard output that cannot be written ---------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["draw", *FORMULA, "-o", "-"], "chainrule draw"),
        (["steps", *FORMULA], "chainrule steps"),
        (["check", *FORMULA], "chainrule check"),
        (["--help"], "chainrule"),
        (["draw", "--help"], "chainrule draw"),
        (["--version"], "chainrule"),
    ],
)
def test_a_full_standard_output_is_one_line_and_status_1(args, command):
    one_line(shell(args, "> /dev/full"), 1, command, "cannot write to standard output: No space left on device")


@pytest.mark.parametrize(
    ("args", "command"),
    [(["draw", *FORMULA, "-o", "-"], "chainrule draw"), (["steps", *FORMULA], "chainrule steps"),
     (["--help"], "chainrule")],
)
def test_a_closed_standard_output_is_one_line_and_status_1(args, command):
    one_line(shell(args, ">&-"), 1, command, "cannot write to standard output: Bad file descriptor")


def test_a_closed_standard_output_stops_the_command_at_its_first_line(tmp_path):
    """``draw -o y.svg`` prints the figures before it renders: with nowhere to print them it stops
    there, one line, and leaves no file (whole or half) behind."""
    result = shell(["draw", *FORMULA, "-o", "y.svg"], ">&-", cwd=tmp_path)
    one_line(result, 1, "chainrule draw", "cannot write to standard output")
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_leaves_is_still_quiet_with_141():
    formula = "y = " + " + ".join(["x"] * 2000)  # pages of steps: more than a pipe holds
    command = " ".join(shlex.quote(a) for a in [*CHAINRULE, "steps", formula, "x=1"])
    result = subprocess.run(["bash", "-c", f"{command} | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}}"],
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "141" and result.stderr == ""


# -- output paths: one door, the same exit status for every command ---------------------------------
PATH_COMMANDS = [
    (["draw", *FORMULA], "chainrule draw", ".svg"),
    (["lecture", *FORMULA], "chainrule lecture", ".html"),
    (["playground", "--steps", "1", "--points", "4"], "chainrule playground", ".html"),
]


@pytest.mark.parametrize(("args", "command", "suffix"), PATH_COMMANDS)
def test_a_name_too_long_is_bad_input_refused_before_any_work(tmp_path, args, command, suffix):
    result = chainrule(*args, "-o", "n" * 300 + suffix, cwd=tmp_path)
    one_line(result, 2, command, f"is {300 + len(suffix)} bytes long, more than the 255 allowed here")
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "command", "suffix"), PATH_COMMANDS)
def test_a_link_to_nothing_is_refused_naming_the_link_and_its_target(tmp_path, args, command, suffix):
    link = tmp_path / f"dangling{suffix}"
    link.symlink_to(f"missing{suffix}")
    result = chainrule(*args, "-o", link.name, cwd=tmp_path)
    one_line(result, 2, command, f"-o dangling{suffix}: is a symbolic link to nothing (missing{suffix})")
    assert result.stdout == "" and link.is_symlink() and not (tmp_path / f"missing{suffix}").exists()


@pytest.mark.parametrize(("args", "command", "suffix"), PATH_COMMANDS[:2])
def test_a_link_to_a_file_is_followed_and_stays(tmp_path, args, command, suffix):
    target = tmp_path / f"real{suffix}"
    target.write_text("old")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(target.name)
    result = chainrule(*args, "-o", link.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_text() != "old"


def test_a_device_is_refused_not_replaced():
    """Renaming a file onto /dev/null would replace the device (for root): refused at the door."""
    one_line(chainrule("lecture", *FORMULA, "-o", "/dev/null"), 2, "chainrule lecture",
             "-o /dev/null: is not a regular file")


def test_train_refuses_a_dangling_link_as_the_others_do(tmp_path):
    (tmp_path / "out").symlink_to(tmp_path / "gone")
    result = chainrule("train", "--out", str(tmp_path / "out"))
    one_line(result, 2, "chainrule train", "is a symbolic link to nothing")


# -- numbers that start with a minus are values, for every command ----------------------------------
@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["draw", *FORMULA, "--grad", "-inf"], "chainrule draw", "--grad must be a finite number, got -inf"),
        (["steps", *FORMULA, "--grad", "-inf"], "chainrule steps", "--grad must be a finite number, got -inf"),
        (["lecture", *FORMULA, "--grad", "-nan"], "chainrule lecture", "--grad must be a finite number, got nan"),
        (["quiz", *FORMULA, "--grad", "-Infinity"], "chainrule quiz", "--grad must be a finite number, got -inf"),
        (["draw", *FORMULA, "--dpi", "-1e3", "-o", "-"], "chainrule draw", "dpi"),
        (["check", *FORMULA, "--eps", "-1e-3"], "chainrule check", "--eps must be a finite number above 0"),
        (["check", *FORMULA, "--atol", "-inf"], "chainrule check", "--atol must be a finite number"),
        (["check-engine", "x.py", "--timeout", "-inf"], "chainrule check-engine", "--timeout must be a number"),
        (["train", "--lr", "-1e3"], "chainrule train", "--lr must be a finite number"),
        (["train", "--dropout", "-inf"], "chainrule train", "--dropout must be a finite number"),
        (["playground", "--lr", "-1e-3"], "chainrule playground", "--lr must be a finite number > 0"),
        (["playground", "--noise", "-inf"], "chainrule playground", "--noise must be a finite number"),
    ],
)
def test_a_negative_number_in_any_spelling_reaches_the_commands_own_check(tmp_path, args, command, message):
    result = chainrule(*args, cwd=tmp_path)
    one_line(result, 2, command, message)
    assert "expected one argument" not in result.stderr


def test_a_flag_that_looks_like_a_number_is_still_refused_as_a_flag():
    one_line(chainrule("check", *FORMULA, "--eps", "-e"), 2, "chainrule check", "expected one argument")


# -- a forward pass that overflows is refused by every formula command ------------------------------
@pytest.mark.parametrize("command", ["draw", "steps", "lecture", "quiz", "check"])
def test_an_overflowing_forward_pass_is_bad_input_naming_the_node(tmp_path, command):
    result = chainrule(command, "h = x*1e300; y = h*h", "x=3", cwd=tmp_path)
    one_line(result, 2, f"chainrule {command}",
             "y = mul(3e300, 3e300) = inf at x=3: float64 overflows there; try smaller values")
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_an_overflowing_constant_is_named_too(tmp_path):
    one_line(chainrule("draw", "y = x*2.0**1024", "x=3", "-o", "o.svg", cwd=tmp_path), 2, "chainrule draw",
             "a constant (pow) = inf at x=3: float64 overflows there")
