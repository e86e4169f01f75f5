"""Stepping through backprop by hand: the walk (:class:`Backprop`), its steps, the exercises on it
(answers, the quiz), the sum over paths (:func:`paths`), and how it shows in a notebook.
Importing it makes ``node.backprop()`` start a walk."""

from .backprop import Backprop, GradientAccumulationWarning
from .display import Table, Text
from .quiz import Question, QuizPlan, Score
from .step import Contribution, Step, StepList
from .sum_over_paths import Path, Paths, TooManyPathsError, count_paths, paths

__all__ = [
    "Backprop",
    "Contribution",
    "GradientAccumulationWarning",
    "Path",
    "Paths",
    "Question",
    "QuizPlan",
    "Score",
    "Step",
    "StepList",
    "Table",
    "Text",
    "TooManyPathsError",
    "count_paths",
    "paths",
]
