"""Optional dependencies: imported where a feature needs them, named with the extra that installs them.

The engine needs only NumPy and Graphviz.  Training (``tqdm``, ``matplotlib``, ``threadpoolctl``),
slides and worksheets (``pypdf``, ``pillow``) and the test helpers (``hypothesis``) come with
extras of the ``chainrule`` distribution; a feature used without its extra says, in one line,
what to install (``chainrule`` exits with status 1 and that line).

>>> require("math", "train", "chainrule train").pi > 3
True
>>> require("no_such_module", "slides", "viz.slides")
Traceback (most recent call last):
...
autograd_core.extras.MissingExtraError: viz.slides needs the no_such_module package: pip install 'chainrule[slides]'
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ImportError):
    """A feature was used without the optional package it needs; the message names the extra."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise :class:`MissingExtraError` naming the extra
    (``pip install 'chainrule[train]'``)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise MissingExtraError(
            f"{feature} needs the {package} package: pip install 'chainrule[{extra}]'"
        ) from None
