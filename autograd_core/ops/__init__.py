"""The op door: every op is defined once, here, and every view reads its record."""

from .scalar import OPS, ScalarOp, apply_op, arity, define_op, exp, log, sigmoid, tanh

__all__ = ["OPS", "ScalarOp", "apply_op", "arity", "define_op", "exp", "log", "sigmoid", "tanh"]
