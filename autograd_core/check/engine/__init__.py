"""Checking a learner's own micrograd-style engine (public as
:func:`autograd_core.testing.check_engine` and ``chainrule check-engine``).

- :mod:`.properties`: :func:`check_engine`, the property tests and the hypothesis search that
  shrinks a failure to the smallest example;
- :mod:`.probe`: the engine seen through chainrule's names (:class:`Engine`), the steps a check
  builds, and one small graph built, run backward and compared (:class:`Probe`);
- :mod:`.guard`: the learner's code run at arm's length (a worker thread, a time bound, every
  exception said in one line with the line of the learner's file);
- :mod:`.report` and :mod:`.words`: what was found, and the sentences, examples and hints that
  say it in the stepper's words;
- :mod:`.gradcheck`: ``assert_grad_close`` on another engine's values.

This package's face imports nothing: :mod:`.guard` serves the command line before it knows
whether the check itself (which needs hypothesis, the ``dev`` extra) will run.
"""
