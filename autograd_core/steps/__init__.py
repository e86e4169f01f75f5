"""Stepping through backprop by hand: the walk (:class:`Backprop`), its steps, the exercises on it,
and how it shows in a notebook.  Importing it makes ``node.backprop()`` start a walk."""

from .backprop import Backprop, GradientAccumulationWarning
from .display import Table, Text
from .step import Contribution, Step, StepList

__all__ = ["Backprop", "Contribution", "GradientAccumulationWarning", "Step", "StepList", "Table", "Text"]
