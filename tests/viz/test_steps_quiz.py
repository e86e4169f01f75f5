"""`chainrule quiz` in a terminal (through stdin and through a pseudo-terminal) and `--grad` on
`chainrule steps`, `draw` and `lecture` (the textbook's figures 11 and 13: upstream 1.3)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd_core.cli import main

COMMAND = [sys.executable, "-m", "autograd_core.cli"]
ROOT = Path(__file__).resolve().parents[2]


def test_quiz_through_stdin():
    # dx = 1.3 x y = 6.5 (given as arithmetic), dy: first 12 (wrong: a hint), then 13
    result = subprocess.run(
        [*COMMAND, "quiz", "z = x * y", "x=10", "y=5", "--grad", "1.3"],
        input="1.3*5\n12\n13\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "right: dx = 6.5" in out and "not yet: dy is not 12" in out and "right: dy = 13" in out
    assert "upstream dz x local d/dy = x" in out  # the first hint: formulas, not the answer
    assert "score: 2/2 right, 1 at the first try" in out


def test_quiz_stops_cleanly_at_end_of_input():
    result = subprocess.run(
        [*COMMAND, "quiz", "price = apple * count * tax", "apple=100", "count=2", "tax=1.1"],
        input="1.1\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "right: d(apple*count) = 1.1" in result.stdout and "(quiz stopped: end of input)" in result.stdout
    assert "score: 1/1 right" in result.stdout


def _read_until(fd: int, pattern: str, seen: list[str], timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = "".join(seen)
        if re.search(pattern, text):
            return text
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen.append(os.read(fd, 4096).decode("utf-8", "replace"))
            except OSError:  # the child closed the terminal
                break
    raise AssertionError(f"no {pattern!r} in {''.join(seen)!r}")


def test_quiz_through_a_pseudo_terminal():
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [*COMMAND, "quiz", "z = x + y", "x=10", "y=5", "--grad", "1.3"],
        stdin=terminal, stdout=terminal, stderr=terminal, cwd=ROOT, close_fds=True,
    )
    os.close(terminal)
    seen: list[str] = []
    try:
        _read_until(controller, r"dx = \? ", seen)
        os.write(controller, b"1.3\n")
        _read_until(controller, r"dy = \? ", seen)
        os.write(controller, b"1\n")  # wrong: the add node passes 1.3 through
        _read_until(controller, r"not yet.*\n(.*\n)*.*dy = \? ", seen)
        os.write(controller, b"1.3\n")
        text = _read_until(controller, r"score: .*", seen)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    assert "1.3\r\n" in text  # the terminal echoed what was typed
    assert "right: dx = 1.3" in text and "score: 2/2 right, 1 at the first try" in text


def test_steps_with_an_upstream_gradient_gives_the_textbooks_numbers(capsys):
    assert main(["steps", "z = x * y", "x=10", "y=5", "--grad", "1.3"]) == 0
    out = capsys.readouterr().out
    # figure 13: upstream 1.3 through a mul node at 10 and 5 -> 1.3 x 5 = 6.5 and 1.3 x 10 = 13
    assert "upstream dz = 1.3" in out
    assert re.search(r"d\(x\) \+= 1\.3 x 5 .*-> 6\.5", out) and re.search(r"d\(y\) \+= 1\.3 x 10 .*-> 13", out)
    assert main(["steps", "z = x + y", "x=10", "y=5", "--grad", "1.3"]) == 0
    out = capsys.readouterr().out  # figure 11: an add node passes 1.3 to both inputs
    assert re.search(r"d\(x\) \+= 1\.3 x 1 .*-> 1\.3", out) and re.search(r"d\(y\) \+= 1\.3 x 1 .*-> 1\.3", out)


def test_draw_and_lecture_with_an_upstream_gradient(tmp_path, capsys):
    assert main(["draw", "z = x * y", "x=10", "y=5", "--grad", "1.3", "-o", str(tmp_path / "z.dot")]) == 0
    out = capsys.readouterr().out
    assert "dz/dx = 6.5" in out and "dz/dy = 13" in out
    dot = (tmp_path / "z.dot").read_text()
    assert "grad 6.5" in dot and "grad 13" in dot and "grad 1.3" in dot
    page = tmp_path / "z.html"
    assert main(["lecture", "z = x * y", "x=10", "y=5", "--grad", "1.3", "-o", str(page)]) == 0
    html = page.read_text()
    assert "1.3 × 5 = 6.5" in html and "1.3 × 10 = 13" in html


@pytest.mark.parametrize("command", ["steps", "quiz", "draw", "lecture"])
def test_a_bad_grad_is_one_line_and_status_2(command, capsys):
    assert main([command, "z = x * y", "x=10", "y=5", "--grad", "nan"]) == 2
    err = capsys.readouterr().err
    assert "--grad must be a finite number" in err and "Traceback" not in err
