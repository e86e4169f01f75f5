"""chainrule's engine: reverse-mode automatic differentiation you can see inside.

>>> from autograd_core import Value
>>> x = Value(2.0, name="x")
>>> y = x ** 3
>>> y.backward()
>>> x.grad
12.0
"""

from .graph import (
    Node,
    backward,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    name_scope,
    no_grad,
    topological_order,
    zero_grad,
)
from .value import OPS, DomainError, Value

__all__ = [
    "OPS",
    "DomainError",
    "Node",
    "Value",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "is_grad_enabled",
    "name_scope",
    "no_grad",
    "topological_order",
    "zero_grad",
]
