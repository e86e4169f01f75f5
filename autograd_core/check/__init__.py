"""Checking gradients: gradcheck, its reports, the per-op check and models' checks."""

from .gradcheck import GradcheckError, GradcheckReport, GradcheckWarning, check_model, gradcheck, numerical_gradient

__all__ = ["GradcheckError", "GradcheckReport", "GradcheckWarning", "check_model", "gradcheck", "numerical_gradient"]
