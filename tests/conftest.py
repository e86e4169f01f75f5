"""Shared test configuration: the hypothesis profiles shipped with autograd_core.testing
(dev by default, ci under CI, or HYPOTHESIS_PROFILE=thorough), and the shared helper modules of
this folder made importable by name (``from interrupts import interrupt_everywhere``,
``from mlp_oracle import mlp_point_oracle``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from autograd_core.testing import load_profile

load_profile()

#: Helper modules of this folder that any test may import by name.
HELPERS = ("interrupts", "mlp_oracle")


def _register_helper(name: str) -> None:
    """Load ``tests/<name>.py`` as the module ``<name>``.  Not by putting this folder on ``sys.path``:
    there ``tests/nn`` (a folder without ``__init__``) could shadow the ``nn`` package."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


for _name in HELPERS:
    if _name not in sys.modules:
        _register_helper(_name)
