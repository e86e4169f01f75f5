"""Fixtures shared by the engine's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import autograd_core.value as value_module


@pytest.fixture
def wrong_scalar_op(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, float], None]:
    """A function that makes scalar op ``name`` record its local derivative times ``factor``
    for the rest of the test: the deliberate bug gradient checkers must catch.

    Value's methods use the op objects bound at import (``value._TANH``, ...), so both OPS and
    those names are patched.
    """

    def patch(name: str, factor: float) -> None:
        good = value_module.OPS[name]
        bad = value_module.ScalarOp(
            good.name, good.symbol, good.forward, lambda *args: tuple(factor * d for d in good.derivative(*args)),
            good.has_arg,
        )
        monkeypatch.setitem(value_module.OPS, name, bad)
        for attribute in dir(value_module):
            if getattr(value_module, attribute) is good:
                monkeypatch.setattr(value_module, attribute, bad)

    return patch
