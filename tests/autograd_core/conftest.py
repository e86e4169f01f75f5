"""Fixtures shared by the engine's tests."""

from __future__ import annotations

from collections.abc import Callable

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
