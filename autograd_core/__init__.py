"""chainrule's engine: reverse-mode automatic differentiation you can see inside.

>>> from autograd_core import Value
>>> x = Value(2.0, name="x")
>>> y = x ** 3
>>> y.backward()
>>> x.grad
12.0
"""

from .check import (
    GradcheckError,
    GradcheckReport,
    GradcheckWarning,
    check_model,
    gradcheck,
    numerical_gradient,
)
from .define import define_op, define_tensor_op
from .graph import (
    DataChangedError,
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
from .ops.record import OPS, TENSOR_OPS, DomainError, Op
from .steps import Backprop, count_paths, paths
from .tensor import (
    Tensor,
    avg_pool2d,
    batch_norm,
    concatenate,
    conv2d,
    max_pool2d,
    maximum,
    minimum,
    softmax_cross_entropy,
    stack,
    where,
)
from .torch_mirror import compare_with_torch, from_torch
from .value import Value

__all__ = [
    "OPS",
    "TENSOR_OPS",
    "Backprop",
    "DataChangedError",
    "DomainError",
    "GradcheckError",
    "GradcheckReport",
    "GradcheckWarning",
    "Node",
    "Op",
    "Tensor",
    "Value",
    "avg_pool2d",
    "backward",
    "batch_norm",
    "check_model",
    "compare_with_torch",
    "concatenate",
    "conv2d",
    "count_paths",
    "define_op",
    "define_tensor_op",
    "detect_anomaly",
    "enable_grad",
    "from_torch",
    "gradcheck",
    "is_grad_enabled",
    "max_pool2d",
    "maximum",
    "minimum",
    "name_scope",
    "no_grad",
    "numerical_gradient",
    "paths",
    "softmax_cross_entropy",
    "stack",
    "topological_order",
    "where",
    "zero_grad",
]
