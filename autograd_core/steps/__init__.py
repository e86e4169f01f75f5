"""Stepping through backprop by hand: the walk (:class:`Backprop`), its steps, the exercises on it,
and how it shows in a notebook.  Importing it makes ``node.backprop()`` start a walk."""

from .backprop import Backprop, GradientAccumulationWarning
from .step import Contribution, Step, StepList, Text

__all__ = ["Backprop", "Contribution", "GradientAccumulationWarning", "Step", "StepList", "Text"]
