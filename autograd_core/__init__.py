"""chainrule's engine: reverse-mode automatic differentiation you can see inside.

>>> from autograd_core import Value
>>> x = Value(2.0, name="x")
>>> y = x ** 3
>>> y.backward()
>>> x.grad
12.0
"""

from .check.gradcheck import (
    GradcheckError,
    GradcheckReport,
    GradcheckWarning,
    check_model,
    gradcheck,
    numerical_gradient,
)
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
from .ops import define_op
from .steps import Backprop
from .tensor import Tensor
from .tensor.define import TENSOR_OPS, TensorOp, define_tensor_op
from .tensor.elementwise import maximum, minimum, where
from .tensor.shape import concatenate, stack
from .tensor.softmax import softmax_cross_entropy
from .value import OPS, DomainError, Value

__all__ = [
    "OPS",
    "TENSOR_OPS",
    "Backprop",
    "DomainError",
    "GradcheckError",
    "GradcheckReport",
    "GradcheckWarning",
    "Node",
    "Tensor",
    "TensorOp",
    "Value",
    "backward",
    "check_model",
    "concatenate",
    "define_op",
    "define_tensor_op",
    "detect_anomaly",
    "enable_grad",
    "gradcheck",
    "is_grad_enabled",
    "maximum",
    "minimum",
    "name_scope",
    "no_grad",
    "numerical_gradient",
    "softmax_cross_entropy",
    "stack",
    "topological_order",
    "where",
    "zero_grad",
]
