"""`chainrule steps` and `chainrule lecture` from the command line."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from autograd_core.cli import main

APPLE = ["steps", "price = apple * count * tax", "apple=100", "count=2", "tax=1.1"]
ORANGE = [
    "steps",
    "price = (apple * apple_num + orange * orange_num) * tax",
    "apple=100",
    "apple_num=2",
    "orange=150",
    "orange_num=3",
    "tax=1.1",
]


def step_blocks(text: str) -> list[list[str]]:
    """Each step's lines: the header and its contribution lines."""
    blocks: list[list[str]] = []
    current = None
    for line in text.splitlines():
        if line.startswith("step "):
            current = [line]
            blocks.append(current)
        elif current is not None and line.startswith("  "):
            current.append(line)
        else:
            current = None
    return blocks


def test_steps_prints_the_whole_walk(capsys):
    assert main(APPLE) == 0
    out = capsys.readouterr().out
    assert "= mul(100, 2) = 200" in out and "= mul(200, 1.1) = 220" in out  # the forward pass
    blocks = step_blocks(out)
    assert [b[0].split()[1] for b in blocks] == ["1/2", "2/2"]
    # the textbook's numbers: dtax = 200 and d(apple price) = 1.1 in step 1, dapple 2.2 and dcount 110 in step 2
    assert re.search(r"d\(tax\)\s+\+= 1 x 200 .*-> 200$", "\n".join(blocks[0]), re.M)
    assert re.search(r"d\(apple\*count\)\s+\+= 1 x 1\.1 .*-> 1\.1$", "\n".join(blocks[0]), re.M)
    assert re.search(r"d\(apple\)\s+\+= 1\.1 x 2 .*-> 2\.2$", "\n".join(blocks[1]), re.M)
    assert re.search(r"d\(count\)\s+\+= 1\.1 x 100 .*-> 110$", "\n".join(blocks[1]), re.M)
    assert "110.0000" not in out  # no float noise
    final = out[out.index("every node after backprop"):]
    grads = {line.split()[1]: line.split()[4] for line in final.splitlines()[2:]}
    assert grads == {"apple": "2.2", "count": "110", "apple*count": "1.1", "tax": "200", "price": "1"}


@pytest.mark.parametrize("argv", [APPLE, ORANGE, ["steps", "y = tanh(w * x + b) * x", "w=0.5", "x=-2", "b=0.1"]])
def test_steps_output_is_aligned_and_fits_80_columns(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert all(len(line) <= 80 for line in out.splitlines()), max(out.splitlines(), key=len)
    blocks = step_blocks(out)
    assert blocks
    for block in blocks:
        contributions = [line for line in block if "+=" in line]
        assert contributions, block
        # the columns line up within a step: "+=" and "->" start at the same place on every line
        assert len({line.index("+=") for line in contributions}) == 1, block
        assert len({line.index("->") for line in contributions}) == 1, block


def test_apple_and_orange_walk_has_the_textbooks_numbers(capsys):
    assert main(ORANGE) == 0
    out = capsys.readouterr().out
    arrows = [a for a in re.findall(r"^  d\((\w+)\)\s+\+=.*-> (\S+)$", out, re.M) if a[0] != "sum"]
    assert dict(arrows) == {"tax": "650", "orange": "3.3", "orange_num": "165", "apple": "2.2", "apple_num": "110"}
    assert "mul(650, 1.1) = 715" in out  # forward: (200 + 450) x 1.1


def test_fan_out_shows_both_contributions(capsys):
    assert main(["steps", "a * a + a", "a=2"]) == 0
    out = capsys.readouterr().out
    assert "-> 1 + 2 = 3" in out and "-> 3 + 2 = 5" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["steps", "price = apple * count", "apple=100"], "unknown variable 'count'"),
        (["steps", "y = x.real", "x=1"], "attribute access is not allowed"),
        (["steps", "y = log(x)", "x=0"], "log"),
        (["steps", "y = x * 2", "x=abc"], "not a number"),
        (["lecture", "y = x * 2", "x=1", "-o", "slides.txt"], "ending in .html"),
        (["steps", "y = 2 * 3"], "does not depend on any input"),
    ],
)
def test_errors_name_the_problem(capsys, argv, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_lecture_command_writes_one_page(tmp_path, capsys):
    out = tmp_path / "apple.html"
    assert main(["lecture", *APPLE[1:], "-o", str(out)]) == 0
    page = out.read_text()
    assert page.count('class="frame"') == 4
    assert "<title>price = apple * count * tax</title>" in page
    assert "wrote" in capsys.readouterr().out


def test_the_installed_command_has_both_subcommands():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert re.search(r"^\s+steps\s", result.stdout, re.M) and re.search(r"^\s+lecture\s", result.stdout, re.M)


def test_an_output_that_is_an_input_has_no_steps(capsys):
    assert main(["steps", "y = x", "x=3"]) == 0
    out = capsys.readouterr().out
    assert "step " not in out and "(no operation" in out
