"""The packages depend one way only, and no module imports another that imports it back.

Every import is read with ``ast`` from the source of ``autograd_core``, ``viz`` and ``nn``, those
inside functions included (an import placed in a function to dodge a cycle is still an arrow);
a package's ``__init__.py`` only hands names on, so its arrows are left out.  The oracle is the
graph search itself: a depth-first walk that reports the first loop it finds, with its path.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("autograd_core", "viz", "nn")


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()


def _known(name: str) -> str | None:
    """The longest module of the three packages that ``name`` (a dotted import) falls in."""
    parts = name.split(".")
    while parts and ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts) or None


def _imports(module: str) -> set[str]:
    """Every module of the three packages that ``module`` imports, anywhere in its source."""
    path, is_package = MODULES[module]
    here = module.split(".") if is_package else module.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            prefix = ".".join([*base, node.module] if node.module else base)
            # ``from . import words`` imports the module ``words``, ``from .x import f`` the module x
            names = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix for a in node.names]
        else:
            continue
        for name in names:
            known = _known(name)
            if known is not None and known != module:
                targets.add(known)
    return targets


ARROWS = {module: _imports(module) for module in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A loop of the graph as a path (first node repeated at the end), or None: an iterative
    depth-first search that colours a node grey while its descendants are walked."""
    colour: dict[str, str] = {}
    for start in sorted(graph):
        if start in colour:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        colour[start] = "grey"
        while stack:
            for target in stack[-1]:
                if colour.get(target) == "grey":
                    return path[path.index(target):] + [target]
                if target not in colour:
                    colour[target] = "grey"
                    path.append(target)
                    stack.append(iter(sorted(graph.get(target, ()))))
                    break
            else:
                colour[path.pop()] = "black"
                stack.pop()
    return None


def test_no_module_imports_one_that_imports_it_back() -> None:
    faces = {m for m, (_, is_package) in MODULES.items() if is_package}
    graph = {m: {t for t in targets if t not in faces} for m, targets in ARROWS.items() if m not in faces}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_engine_imports_no_view_and_no_network() -> None:
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in ARROWS.items()
        if module.split(".")[0] == "autograd_core"
        for target in targets
        if target.split(".")[0] in ("viz", "nn")
    )
    assert wrong == []


def test_the_interrupt_guard_imports_nothing_of_the_project() -> None:
    """``uninterrupted()`` is for every room, ``graph``'s mode switches included: it must sit below
    them all, and so imports no module of the three packages."""
    assert ARROWS["autograd_core.interrupts"] == set()
    assert "autograd_core.interrupts" in ARROWS["nn.loading"]  # the arrow reader sees who uses it


def test_the_search_finds_a_loop_and_reads_imports_inside_functions(tmp_path) -> None:
    """The two checks above can fail: a planted loop is found, and an import inside a function
    is an arrow (graph.py's backprop once imported the stepper from inside a method)."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from autograd_core.steps import backprop\n", encoding="utf-8")
    MODULES["autograd_core.planted"] = (source, False)
    try:
        assert _imports("autograd_core.planted") == {"autograd_core.steps.backprop"}
    finally:
        del MODULES["autograd_core.planted"]
