"""``chainrule check-engine``: the same verdicts as check_engine, exit 0 / 1, and bad input
refused in one line with exit 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_core.cli import main
from autograd_core.testing import check_engine

EXAMPLES = "10"


def same_words(headline: str) -> str:
    return re.sub(r" is \S+, should be", " is N, should be", headline)


def run(capsys, *args: str) -> tuple[int, str, str]:
    """The status, stdout and stderr of ``chainrule check-engine ARGS``."""
    status = main(["check-engine", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("bug", [None, "assign", "tanh", "order"])
def test_the_command_gives_the_same_verdict_as_check_engine(engine_file, capsys, bug):
    from importlib.util import module_from_spec, spec_from_file_location

    path = engine_file(bug)
    status, out, err = run(capsys, f"{path}:Value", "--max-examples", EXAMPLES)
    assert err == ""
    spec = spec_from_file_location(f"cli_same_{bug}", path)
    module = module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    report = check_engine(module.Value, max_examples=int(EXAMPLES), raise_exception=False)
    assert status == (0 if report.passed else 1)
    if report.passed:
        assert out.startswith(f"check_engine passed: Value from {path.name}")
    else:
        # The same first failure, word for word (the check is deterministic; only the order bug's wrong
        # number depends on the order of a set in the engine).
        assert same_words(out.splitlines()[0]) == same_words(str(report).splitlines()[0])
        assert report.first_failure.example.splitlines()[0] in out


def test_the_class_defaults_to_value_and_a_module_can_be_named(engine_file, capsys):
    status, out, _ = run(capsys, str(engine_file("tanh")), "--max-examples", "5")
    assert status == 1 and "your tanh" in out.splitlines()[0]
    status, out, _ = run(capsys, "micrograd.engine:Value", "--max-examples", "5")
    assert status == 0 and out.startswith("check_engine passed: Value from engine.py")


def test_adapter_and_strict_flags(engine_file, capsys):
    renamed = engine_file(replacements=[("    def tanh(self):\n", "    def th(self):\n")], name="renamed")
    status, out, _ = run(capsys, str(renamed), "--adapter", "tanh=th,exp=exp", "--max-examples", "5")
    assert status == 0 and "a.th()" in out
    status, out, _ = run(capsys, "micrograd.engine:Value", "--strict", "--max-examples", "5")
    assert status == 1 and "36" in out.splitlines()[0]


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda t: ["nowhere/engine.py"], "nowhere/engine.py: no such file"),
        (lambda t: [str(t)], "not a file"),
        (lambda t: [_write(t, "e.py", "class Other:\n    pass\n") + ":Value"], "no class Value; its classes: Other"),
        (lambda t: [_write(t, "e.py", "class Value:\n    pass\n")], "Value is not a Value-like class"),
        (lambda t: [_write(t, "e.py", "def f(:\n")], "a syntax error at line 1"),
        (lambda t: [_write(t, "e.py", "import nothing_of_that_name\n")], "raised ModuleNotFoundError"),
        (lambda t: [_write(t, "e.py", "print('demo')\nraise SystemExit(3)\n")], "raised SystemExit"),
        (lambda t: ["no_such_module_here:Value"], "no_such_module_here: no such file or module"),
        (lambda t: ["math:pi"], "pi is a float, not a class"),
        (lambda t: ["micrograd.engine:Value", "--max-examples", "0"], "--max-examples must be a whole number"),
        (lambda t: ["micrograd.engine:Value", "--max-examples", "many"], "--max-examples must be a whole number"),
        (lambda t: ["micrograd.engine:Value", "--timeout", "-1"], "--timeout must be a number of seconds"),
        (lambda t: ["micrograd.engine:Value", "--adapter", "tahn=th"], "'tahn' is not one of"),
        (lambda t: ["micrograd.engine:Value", "--adapter", "tanh"], "--adapter takes NAME=SPELLING"),
        (lambda t: ["micrograd.engine:Value", "--adapter", "tanh=th"], "has no method th"),
        (lambda t: ["micrograd.engine:Value", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_is_refused_in_one_line_with_status_2(tmp_path, capsys, make_args, message):
    status, out, err = run(capsys, *make_args(tmp_path))
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("chainrule check-engine: error: ") and message in lines[0], lines[0]


def test_the_installed_command_exits_1_on_a_bug_and_2_on_a_bad_flag(engine_file):
    command = [sys.executable, "-m", "autograd_core.cli", "check-engine"]
    found = subprocess.run([*command, str(engine_file("assign")), "--max-examples", "10"],
                           capture_output=True, text=True, timeout=300)
    assert found.returncode == 1, found.stderr
    assert found.stdout.startswith("check_engine FAILED: Value from assign_engine.py: your * on a node used twice")
    bad = subprocess.run([*command, "micrograd.engine:Value", "--max-examples", "-3"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and bad.stdout == ""


def test_without_hypothesis_the_command_names_its_extra_and_the_others_still_run():
    # A fresh interpreter where importing hypothesis fails, as in an install without the dev extra.
    hide = (
        "import sys\n"
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'hypothesis':\n"
        "            raise ImportError('No module named hypothesis (hidden by the test)')\n"
        "sys.meta_path.insert(0, Hide())\n"
        "from autograd_core.cli import main\n"
    )
    engine = subprocess.run([sys.executable, "-c", hide + "raise SystemExit(main(['check-engine', 'engine.py']))"],
                            capture_output=True, text=True, timeout=120)
    assert engine.returncode == 1 and engine.stdout == ""
    lines = engine.stderr.splitlines()
    assert len(lines) == 1, engine.stderr
    needs = "chainrule check-engine needs the hypothesis package: pip install 'chainrule[dev]'"
    assert lines == [f"chainrule check-engine: error: {needs}"]
    other = subprocess.run([sys.executable, "-c", hide + "raise SystemExit(main(['check', 'y = x*x', 'x=3']))"],
                           capture_output=True, text=True, timeout=120)
    assert other.returncode == 0 and "agree" in other.stdout, other.stderr
