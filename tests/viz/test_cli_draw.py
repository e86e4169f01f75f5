"""``chainrule draw``: the happy path and every error, with its message."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_core.cli import main

APPLE = ["draw", "price = apple * count * tax", "apple=100", "count=2", "tax=1.1"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_happy_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "apple.svg"
    status, out, err = run([*APPLE, "-o", str(target)], capsys)
    assert status == 0, err
    # The textbook's numbers: 220; d/dapple 2.2, d/dcount 110, d/dtax 200.
    assert out.splitlines() == [
        "price = 220",
        "dprice/dapple = 2.2",
        "dprice/dcount = 110",
        "dprice/dtax   = 200",
        f"wrote {target}",
    ]
    texts = ["".join(t.itertext()) for t in ET.parse(target).iter("{http://www.w3.org/2000/svg}text")]
    assert "grad 2.2" in texts and "local 1.1" in texts


def test_statements_and_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    formula = "apple_price = apple * count; price = apple_price * tax"
    target = tmp_path / "slide"
    status, out, _ = run(
        ["draw", formula, "apple=100", "count=2", "tax=1.1", "-o", str(target), "--format", "dot",
         "--rankdir", "TB", "--no-grad", "--no-local", "--title", "Before backward", "--digits", "2"],
        capsys,
    )
    assert status == 0
    assert "dprice/dapple_price = 1.1" in out
    source = (tmp_path / "slide.dot").read_text()
    assert "rankdir=TB" in source and "Before backward" in source
    assert "grad" not in source and "local" not in source and "<b>apple_price</b>" in source


def test_default_output_name(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(["draw", "y = 2 * x", "x=3", "--format", "dot"], capsys)
    assert status == 0 and out.splitlines()[-1] == "wrote y.dot" and (tmp_path / "y.dot").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draw", "price = apple * cnt * tax", "apple=100", "count=2", "tax=1.1"],
         "unknown variable 'cnt'; known variables: apple, count, tax\n"
         "  price = apple * cnt * tax\n                  ^"),
        (["draw", "price = apple * * tax", "apple=1", "tax=1"],
         "syntax error: invalid syntax\n  price = apple * * tax\n                  ^"),
        (["draw", "y = x.real", "x=1"], "attribute access is not allowed in a formula"),
        (["draw", "y = open(x)", "x=1"], "calling 'open' is not allowed; the functions are: exp, log, tanh"),
        (["draw", "y = (lambda: x)()", "x=1"], "lambda is not allowed"),
        (["draw", "import os", "x=1"], "import is not allowed"),
        (["draw", "y = x * 2", "x"], "expected name=value, got 'x'"),
        (["draw", "y = x * 2", "x=two"], "the value of 'x' is not a number: 'two'"),
        (["draw", "y = x * 2", "x=1", "z=2"], "a value was given for 'z', which the formula does not use"),
        (["draw", "y = log(x)", "x=-1"], "log"),
        (["draw", "y = x * 2", "x=1", "-o", "y.svg", "--format", "png"], "-o y.svg asks for SVG but --format says PNG"),
        (["draw", "y = x * 2", "x=1", "-o", "y.jpg"], "unknown suffix '.jpg'"),
        (["draw", "y = x * 2", "x=1", "--digits", "0"], "--digits must be from 1 to 17"),
    ],
)
def test_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(args, capsys)
    assert status == 2
    assert err.startswith("chainrule draw: error: ")
    assert message in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_too_many_nodes(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(["draw", "y = tanh(tanh(tanh(x)))", "x=1", "--max-nodes", "3"], capsys)
    assert status == 2 and "4 nodes, more than max_nodes=3" in err


def test_missing_graphviz(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    status, out, err = run([*APPLE, "-o", "apple.svg"], capsys)
    assert status == 1 and "dprice/dapple = 2.2" in out
    assert "apt-get install graphviz" in err


def test_installed_command(tmp_path: Path) -> None:
    """The console script, as a user runs it."""
    command = Path(sys.executable).with_name("chainrule")
    result = subprocess.run(
        [str(command), *APPLE, "-o", "apple.png"], capture_output=True, text=True, cwd=tmp_path, env=os.environ
    )
    assert result.returncode == 0, result.stderr
    assert "dprice/dtax   = 200" in result.stdout
    assert (tmp_path / "apple.png").read_bytes().startswith(b"\x89PNG")


# -- every formula command refuses bad input the same way ----------------------------------------
FORMULA_COMMANDS = ("check", "draw", "steps", "lecture")


@pytest.mark.parametrize(
    ("formula", "values", "message"),
    [
        ("f = x * y", ["x=1"], "unknown variable 'y'; known variables: x\n  f = x * y\n          ^"),
        ("f = x +", ["x=1"], "syntax error: invalid syntax\n  f = x +\n         ^"),
        ("f = x * 2", ["x:1"], "expected name=value, got 'x:1'"),
        ("f = x * 2", ["x=one"], "the value of 'x' is not a number: 'one'"),
        ("f = log(x)", ["x=0"], "log: log of a non-positive number"),
        ("f = x / y", ["x=1", "y=0"], "div: division by zero"),
    ],
)
def test_every_formula_command_reports_bad_input_alike(
    formula: str, values: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    messages = {}
    for command in FORMULA_COMMANDS:
        status, out, err = run([command, formula, *values], capsys)
        assert status == 2, (command, out, err)
        assert out == ""
        prefix = f"chainrule {command}: error: "
        assert err.startswith(prefix) and err.endswith("\n"), (command, err)
        messages[command] = err[len(prefix) :]
    assert len(set(messages.values())) == 1, messages  # one message, whichever command
    assert message in messages["check"]
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("command", FORMULA_COMMANDS)
@pytest.mark.parametrize("error", [ValueError("no such value"), ArithmeticError("overflow in the forward pass")])
def test_every_formula_command_catches_the_same_errors(
    command: str, error: Exception, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    """Any error that building the graph can raise (not only the parser's own) is one line and status 2."""
    import autograd_core.expr

    def failing(self, values):
        raise error

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(autograd_core.expr.Program, "evaluate", failing)
    status, out, err = run([command, "f = x * 2", "x=1"], capsys)
    assert (status, out, err) == (2, "", f"chainrule {command}: error: {error}\n")


# -- standard output, closed pipes, the version, a missing dot: as a user runs the command ---------
def chainrule(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "autograd_core.cli", *args]
    return subprocess.run(command, capture_output=True, cwd=cwd, env=env, timeout=120)


def test_dash_output_writes_svg_to_standard_output(tmp_path: Path) -> None:
    result = chainrule(*APPLE, "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(result.stdout)  # the whole of standard output is one SVG document
    assert root.tag.endswith("svg")
    assert b"price = 220" in result.stderr  # the figures moved out of the diagram's way
    assert list(tmp_path.iterdir()) == []  # no file named '-.svg'


def test_dash_output_follows_format(tmp_path: Path) -> None:
    png = chainrule(*APPLE, "-o", "-", "--format", "png", cwd=tmp_path)
    assert png.returncode == 0 and png.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    dot = chainrule(*APPLE, "-o", "-", "--format", "dot", cwd=tmp_path)
    assert dot.returncode == 0 and dot.stdout.startswith(b"digraph")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "first_line"),
    [([], b"y0 = x * x"), (["-o", "-", "--format", "dot", "--max-nodes", "100000"], b"digraph chainrule {")],
    ids=["steps", "draw -o -"],
)
def test_a_reader_that_stops_early_gets_no_traceback(arguments: list[str], first_line: bytes, tmp_path: Path) -> None:
    """``chainrule steps ... | head -1``: the output (hundreds of KB) outgrows the pipe, the reader leaves."""
    formula = "; ".join(["y0 = x * x", *(f"y{i} = y{i - 1} * x" for i in range(1, 800))])
    command_name = "draw" if arguments else "steps"
    command = [sys.executable, "-m", "autograd_core.cli", command_name, formula, "x=1.0001", *arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as head does after its line
    errors = process.stderr.read().decode()
    status = process.wait(timeout=120)
    assert first.startswith(first_line)
    assert "Traceback" not in errors and "Error" not in errors, errors
    assert status == 141  # 128 + SIGPIPE, silent (draw's figures on stderr are expected)


def test_version_comes_from_the_installed_distribution() -> None:
    from importlib.metadata import version

    result = chainrule("--version")
    assert result.returncode == 0 and result.stdout.decode().strip() == f"chainrule {version('chainrule')}"


@pytest.mark.parametrize("command", ["draw", "lecture"])
def test_a_missing_dot_is_one_line_with_the_install_hint(command: str, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no `dot` on PATH
    output = "out.svg" if command == "draw" else "out.html"
    result = chainrule(command, "y = x * x", "x=3", "-o", output, cwd=tmp_path, env=env)
    errors = result.stderr.decode().splitlines()
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert len(errors) == 1 and errors[0].startswith(f"chainrule {command}: error: ")
    assert "apt-get install graphviz" in errors[0]


@pytest.mark.parametrize("command", ["draw", "lecture"])
@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("under_a_file/z.{suffix}", "is a file, not a folder"),
        (".", "is a folder"),
        ("/proc/z.{suffix}", "cannot write in /proc"),
    ],
)
def test_an_output_path_that_cannot_be_written_is_refused_before_any_work(tmp_path, capsys, target, words, command):
    (tmp_path / "under_a_file").write_text("a file, not a folder")
    target = target.format(suffix="png" if command == "draw" else "html")
    path = target if target.startswith("/") else str(tmp_path / target)
    status, out, err = run([command, "z = x * y", "x=1", "y=2", "-o", path], capsys)
    assert status == 2 and words in err and len(err.strip().splitlines()) == 1
    assert err.startswith(f"chainrule {command}: error: -o ")
    assert "dz/dx" not in out and "wrote" not in out  # refused before the gradients were computed


def test_max_nodes_must_be_positive(capsys):
    status, _, err = run(["draw", "y = x * x", "x=1", "--max-nodes", "0"], capsys)
    assert status == 2 and "--max-nodes must be at least 1" in err
