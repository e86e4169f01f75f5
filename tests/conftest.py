"""Shared test configuration: the hypothesis profiles shipped with autograd_core.testing
(dev by default, ci under CI, or HYPOTHESIS_PROFILE=thorough)."""

from __future__ import annotations

from autograd_core.testing import load_profile

load_profile()
