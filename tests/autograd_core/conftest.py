"""Fixtures shared by the engine's tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from autograd_core import OPS


@pytest.fixture
def wrong_scalar_op(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, float], None]:
    """A function that makes scalar op ``name`` record its local derivative times ``factor``
    for the rest of the test: the deliberate bug gradient checkers must catch.  The op's one
    record is patched: every node, method and view reads it.
    """

    def patch(name: str, factor: float) -> None:
        good = OPS[name].derivative
        monkeypatch.setattr(OPS[name], "derivative", lambda *args: tuple(factor * d for d in good(*args)))

    return patch


# -- engines under test (check_engine) ------------------------------------------------------------
#: The correct lecture-style engine every buggy copy is derived from.
LECTURE_ENGINE = Path(__file__).parent / "engines" / "lecture_engine.py"

#: One classic bug each: the text replaced in the correct engine, and what replaces it.
ENGINE_BUGS = {
    # mul's backward sets its first input's gradient instead of adding to it
    "assign": ("            self.grad += other.data * out.grad\n", "            self.grad = other.data * out.grad\n"),
    # tanh's local derivative written 1 - t instead of 1 - t**2
    "tanh": ("            self.grad += (1 - t**2) * out.grad\n", "            self.grad += (1 - t) * out.grad\n"),
    # backward walks the graph depth first from the output, running each node's backward when it is
    # first reached: no topological order, so a node shared by two paths sends its gradient too early
    "order": (
        "        order = []\n"
        "        seen = set()\n\n"
        "        def visit(node):\n"
        "            if node not in seen:\n"
        "                seen.add(node)\n"
        "                for child in node._prev:\n"
        "                    visit(child)\n"
        "                order.append(node)\n\n"
        "        visit(self)\n"
        "        self.grad = 1.0\n"
        "        for node in reversed(order):\n"
        "            node._backward()\n",
        "        seen = set()\n\n"
        "        def visit(node):\n"
        "            if node not in seen:\n"
        "                seen.add(node)\n"
        "                node._backward()\n"
        "                for child in node._prev:\n"
        "                    visit(child)\n\n"
        "        self.grad = 1.0\n"
        "        visit(self)\n",
    ),
}


def load_engine_file(path: Path) -> ModuleType:
    """Import a learner's engine file under a name of its own (registered, so that its classes'
    source file can be found, as for a file the command line loads)."""
    name = f"engine_under_test_{path.stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def engine_file(tmp_path: Path) -> Callable[..., Path]:
    """``engine_file(bug)``: a copy of the lecture engine carrying that one bug (None: correct),
    or ``engine_file(replacements=[(old, new), ...])`` for other edits; each old text must occur
    exactly once."""

    def make(bug: str | None = None, *, replacements: tuple = (), name: str | None = None) -> Path:
        text = LECTURE_ENGINE.read_text()
        edits = ([ENGINE_BUGS[bug]] if bug else []) + list(replacements)
        for old, new in edits:
            assert text.count(old) == 1, f"the edit must match exactly once: {old!r}"
            text = text.replace(old, new)
        path = tmp_path / f"{name or bug or 'lecture'}_engine.py"
        path.write_text(text)
        return path

    return make


@pytest.fixture
def engine_class(engine_file: Callable[..., Path]) -> Callable[..., type]:
    """``engine_class(bug)``: the Value class of :func:`engine_file`'s copy, loaded."""

    def make(bug: str | None = None, **options: Any) -> type:
        return load_engine_file(engine_file(bug, **options)).Value

    return make


@pytest.fixture(scope="session")
def lecture_copy(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], type]:
    """``lecture_copy(bug)``: the Value class of a copy carrying that bug, made once per session."""
    made: dict[str, type] = {}

    def get(bug: str) -> type:
        if bug not in made:
            old, new = ENGINE_BUGS[bug]
            text = LECTURE_ENGINE.read_text()
            assert text.count(old) == 1
            path = tmp_path_factory.mktemp("engines") / f"{bug}_engine.py"
            path.write_text(text.replace(old, new))
            made[bug] = load_engine_file(path).Value
        return made[bug]

    return get
