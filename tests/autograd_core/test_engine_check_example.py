"""examples/broken_engine.py is the lecture engine with one bug, and the README shows the real
report of ``chainrule check-engine`` on it (at the default number of examples)."""

from __future__ import annotations

import re
from pathlib import Path

from autograd_core.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "broken_engine.py"
FIXTURE = Path(__file__).parent / "engines" / "lecture_engine.py"


def code_lines(path: Path) -> list[str]:
    """The file's lines after its module docstring."""
    text = path.read_text()
    return text[text.index('"""', 3) + 3 :].splitlines()


def test_the_broken_example_is_the_lecture_engine_with_one_line_changed():
    example, fixture = code_lines(EXAMPLE), code_lines(FIXTURE)
    assert len(example) == len(fixture)
    changed = [(a, b) for a, b in zip(fixture, example) if a != b]
    bug = ("            self.grad += other.data * out.grad", "            self.grad = other.data * out.grad")
    assert changed == [bug]


def without_times(text: str) -> str:
    return re.sub(r"\d+\.\d s\b", "N s", text).rstrip()


def test_the_readme_shows_the_real_report(capsys, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"chainrule check-engine examples/broken_engine.py[^\n]*\n```\n\n```text\n(.*?)```", readme, re.S)
    assert match, "the README shows the command and its output"
    monkeypatch.chdir(ROOT)
    status = main(["check-engine", "examples/broken_engine.py"])
    assert status == 1
    assert without_times(capsys.readouterr().out) == without_times(match.group(1))
