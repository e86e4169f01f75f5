"""Hypothesis strategies and assertions for property-testing your own differentiable functions.

Everything here is public: the same strategies test chainrule itself (they live in
:mod:`autograd_core.check.strategies`).  Strategies stay away from domain edges and kinks *by
construction* (``log(1 + a**2)``, ``a / (1 + b**2)``, inputs of relu nudged away from 0) rather
than by throwing most examples away, so every drawn example is a meaningful check.

Paste this into a test file of your own::

    from hypothesis import given
    from autograd_core.testing import assert_grad_close, expressions, values

    @given(values(), values(min_value=0.1, max_value=3.0))
    def test_my_function_has_the_right_gradient(x, y):
        assert_grad_close(lambda x, y: (x * y).tanh() + y.log(), x, y)

    @given(expressions(ops=("mul", "tanh", "exp", "log")))
    def test_random_graphs(expression):
        assert_grad_close(expression, *expression.values())

and, in ``conftest.py``, ``from autograd_core.testing import load_profile; load_profile()`` to get
the profiles ``dev`` (20 examples), ``ci`` (100) and ``thorough`` (1000), chosen with the
environment variable ``HYPOTHESIS_PROFILE`` (``ci`` when ``CI`` is set, else ``dev``).

Your own micrograd-style engine: ``check_engine(Value)`` finds its ops and runs these strategies
against it, naming the op or the property that fails (:mod:`autograd_core.check.engine`).

Needs the ``hypothesis`` package (installed with ``pip install 'chainrule[dev]'``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .check.engine.gradcheck import gradcheck_engine_values, is_engine_value
from .check.engine.probe import EngineInputError
from .check.engine.properties import check_engine
from .check.engine.report import EngineCheckError, EngineReport
from .check.gradcheck import GradcheckReport, gradcheck
from .check.strategies import (
    DEFAULT_OPS,
    KINK_MARGIN,
    Expression,
    arrays,
    broadcastable_shapes,
    expressions,
    load_profile,
    register_profiles,
    tensors,
    values,
)

__all__ = [
    "DEFAULT_OPS",
    "KINK_MARGIN",
    "EngineCheckError",
    "EngineInputError",
    "EngineReport",
    "Expression",
    "arrays",
    "assert_grad_close",
    "broadcastable_shapes",
    "check_engine",
    "expressions",
    "load_profile",
    "register_profiles",
    "tensors",
    "values",
]


# -- assertions -----------------------------------------------------------------------------------
def assert_grad_close(fn: Callable[..., Any], *inputs: Any, **options: Any) -> GradcheckReport:
    """Assert that backprop agrees with central differences for ``fn`` at ``inputs``.

    A thin wrapper around :func:`autograd_core.check.gradcheck.gradcheck` (same options): raises a
    ``GradcheckError`` (an ``AssertionError``) whose message names the input (by ``fn``'s own
    parameter names) and, when a local derivative is wrong, the op; under pytest it shows that
    verdict alone, not chainrule's code.  Returns the report.  The inputs may also be the values
    of your own engine (``.data``, ``.grad``, ``.backward()``): backprop through it is checked
    against central differences with the options ``eps``, ``atol``, ``rtol`` and ``names``.

    >>> from autograd_core import Value
    >>> assert_grad_close(lambda x: x.tanh() * x, Value(0.7)).passed
    True
    """
    __tracebackhide__ = True
    options["raise_exception"] = True
    if inputs and all(is_engine_value(x) for x in inputs):
        unknown = sorted(set(options) - {"eps", "atol", "rtol", "names", "raise_exception"})
        if unknown:
            raise TypeError(f"assert_grad_close: {', '.join(unknown)} apply to chainrule's nodes, not your engine's")
        return gradcheck_engine_values(fn, *inputs, **options)
    return gradcheck(fn, *inputs, **options)
