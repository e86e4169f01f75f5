"""Watch a network learn: a training page recorded from your own loop (see :mod:`viz.training.recorder`)."""
