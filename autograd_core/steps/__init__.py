"""Stepping through backprop by hand: the walk, its steps, and the exercises on it."""

from .backprop import Backprop, Contribution, GradientAccumulationWarning, Step, Text, format_number

__all__ = ["Backprop", "Contribution", "GradientAccumulationWarning", "Step", "Text", "format_number"]
