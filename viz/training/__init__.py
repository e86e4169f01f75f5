"""Watch a network learn: a training page recorded from your own loop.

``viz.TrainingPage(model, X, y, watch=[0, 17])`` before the loop, ``page.record(loss)`` after
each update, ``page.save("train.html")`` at the end (:mod:`viz.training.recorder`).  The page is
the walk model of the lecture page with one frame per training step (:mod:`viz.training.drawing`),
drawn by its own script with the plane, the curves and the table of weights
(:mod:`viz.training.page`).
"""

from .recorder import TrainingPage, TrainingPageFile

__all__ = ["TrainingPage", "TrainingPageFile"]
