"""The distribution: the engine needs numpy and graphviz only, everything else is an extra that a
feature names in one line when it is missing; a LICENSE, classifiers and py.typed ship.

The missing packages are hidden from a fresh interpreter by an import hook (the oracle is that
interpreter's own ImportError), so the test needs no second environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OPTIONAL = ("tqdm", "matplotlib", "threadpoolctl", "pypdf", "PIL", "hypothesis")

HIDE = f"""
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {OPTIONAL!r}:
            raise ImportError(f"No module named {{name!r}} (hidden by the test)")
sys.meta_path.insert(0, Hide())
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", HIDE + code], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def test_the_engine_needs_numpy_and_graphviz_only():
    assert sorted(d.split(">")[0] for d in PYPROJECT["project"]["dependencies"]) == ["graphviz", "numpy"]
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"train", "slides", "notebook", "torch", "dev", "bench"} <= set(extras)
    listed = " ".join(" ".join(extras[name]) for name in ("train", "slides"))
    for package in ("tqdm", "matplotlib", "threadpoolctl", "pypdf", "pillow"):
        assert package in listed
    # users take any PyTorch 2; the tests pin the release whose CPU build the test machines install
    assert extras["torch"] == ["torch>=2.0"] and "torch==2.13.0" in extras["dev"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "'.[dev,bench,train,slides,notebook,torch]'" in makefile  # what the README's two commands need


def test_everything_imports_without_the_extras_and_a_feature_names_its_extra():
    result = _run(
        "import autograd_core, viz, nn, nn.textbook\n"
        "from autograd_core import Value\n"
        "y = Value(2.0) * 3; y.backward()\n"
        "import importlib\n"
        "slides = importlib.import_module('viz.slides')  # the module (viz.slides is the function)\n"
        "try:\n"
        "    slides._join_pdf([])\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    assert result.returncode == 0, result.stderr
    expected = "MissingExtraError viz.slides needs the pypdf package: pip install 'chainrule[slides]'"
    assert result.stdout.strip() == expected


def test_a_command_without_its_extra_says_so_in_one_line_and_exits_1():
    result = _run("from autograd_core.cli import main\nraise SystemExit(main(['train', '--epochs', '1']))\n")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "chainrule train: error: chainrule train needs the threadpoolctl package: pip install 'chainrule[train]'"
    )


def test_a_licence_classifiers_and_type_information_ship():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "chainrule authors" in licence
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "Typing :: Typed" in project["classifiers"]
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package in ("autograd_core", "viz", "nn"):
        assert (ROOT / package / "py.typed").exists() and data[package] == ["py.typed"]


def test_ci_runs_ruff_then_the_tests():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[-2:] == ["make lint", "make test"]


def test_every_package_of_the_tree_ships():
    """A new sub-package (a room of the engine, a view) is found by the package list, not forgotten in it."""
    from setuptools import find_packages

    found = set(find_packages(where=ROOT, **PYPROJECT["tool"]["setuptools"]["packages"]["find"]))
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("autograd_core", "viz", "nn")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert {"autograd_core.torch_mirror", "autograd_core.check.engine"} <= on_disk
    assert on_disk == found


def test_every_asset_of_the_packages_ships():
    """The pages' scripts and style sheets (the lecture page's, the training page's) are named in the
    package data: a page built from an installed wheel has them."""
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    shipped = set()
    for package, patterns in data.items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            shipped |= {path.relative_to(ROOT) for path in folder.glob(pattern)}
    assets = {path.relative_to(ROOT) for top in ("autograd_core", "viz", "nn") for path in (ROOT / top).rglob("*")
              if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    assert {Path("viz/training/assets/training.js"), Path("viz/lecture_assets/lecture.js")} <= assets
    assert assets <= shipped, sorted(assets - shipped)
