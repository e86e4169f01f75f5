"""Checking gradients: :func:`gradcheck` (backprop against central differences, and each op on
its own), :func:`check_model` (a model's parameters), the one :func:`numerical_gradient`, the
reports, and the hypothesis strategies of :mod:`autograd_core.testing`; :mod:`.engine` checks a
learner's own micrograd-style engine (``check_engine``, imported from ``autograd_core.testing``:
it needs hypothesis, so this face does not load it)."""

from .gradcheck import gradcheck
from .model import HandWrittenModel, check_model, register_model_kind
from .numerical import numerical_gradient
from .report import GradcheckError, GradcheckReport, GradcheckWarning, GradientRow, LocalMismatch

__all__ = [
    "GradcheckError",
    "GradcheckReport",
    "GradcheckWarning",
    "GradientRow",
    "HandWrittenModel",
    "LocalMismatch",
    "check_model",
    "gradcheck",
    "numerical_gradient",
    "register_model_kind",
]
