"""Name scopes as every view reads them: a path of non-empty parts.

``name_scope("layer1")`` inside ``name_scope("net")`` gives the scope ``"net/layer1"``.  A scope
written with an empty part (``"a/"``, ``"a//b"``, ``"/"``) is read without it, so a box is never
drawn without a name (Graphviz refuses an empty label) and ``"a//b"`` is the box ``b`` inside ``a``.

>>> normal("a//b"), normal("a/"), normal("/"), normal(None), parts("layer1/neuron0")
('a/b', 'a', '', '', ['layer1', 'neuron0'])
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["normal", "parts", "scope_of", "top"]


@lru_cache(maxsize=65536)
def normal(scope: str | None) -> str:
    """``scope`` without empty parts ("" for none).  Remembered per scope: a graph has few scopes,
    each shared by many nodes, and a deeply nested one is a long string."""
    if not scope:
        return ""
    if "//" not in scope and not scope.startswith("/") and not scope.endswith("/"):
        return scope
    return "/".join(part for part in scope.split("/") if part)


def scope_of(node: Any) -> str:
    """The scope a node was made in, as a path of non-empty parts ("" for none)."""
    return normal(getattr(node, "scope", None))


def parts(scope: str) -> list[str]:
    """The parts of a (normal) scope path: ``[]`` for none."""
    return scope.split("/") if scope else []


def top(scope: str) -> str | None:
    """The outermost part of a (normal) scope path, or None.

    >>> top("layer1/neuron0"), top("")
    ('layer1', None)
    """
    return scope.split("/", 1)[0] if scope else None
