"""What ops are: one record per op (:mod:`.record`) and the built-in scalar ops (:mod:`.scalar`).

``exp``, ``log``, ``tanh``, ``sigmoid``, ``sin`` and ``cos`` take numbers and Values alike: write a
derivative with them (``define_op``) and ``backward(create_graph=True)`` differentiates it again.
"""

from .record import OPS, TENSOR_OPS, DomainError, Op, register
from .scalar import cos, exp, log, sigmoid, sin, tanh

__all__ = ["OPS", "TENSOR_OPS", "DomainError", "Op", "cos", "exp", "log", "register", "sigmoid", "sin", "tanh"]
