"""How an exercise asks, hints and reviews: the prompts of a quiz and the words of its hints.

A quiz asks for two kinds of number: a node's gradient (``dw = ?``) and an edge's local
derivative (``local d/dw of w*x = ?``, read from the op's own formula).  Every view that asks
(the REPL quiz, the lecture page) takes its prompts and hints from here, so they say the same.

>>> from autograd_core import Value
>>> w, x = Value(-2.0, name="w"), Value(0.5, name="x")
>>> y = w * x
>>> words = Captions(y)
>>> grad_prompt(w, words), local_prompt(y, 0, words)
('dw = ? ', 'local d/dw of w*x = ? ')
>>> print(local_hint(y, 0, 1, words))
w*x = mul(w, x): local d/dw = x (the value of x in the forward pass)
"""

from __future__ import annotations

from ..graph import Node
from .captions import Captions
from .formulas import local_parts, vjp_text

__all__ = ["grad_prompt", "grad_rule", "local_hint", "local_name", "local_prompt", "local_rule", "uses_note"]


def grad_prompt(node: Node, captions: Captions) -> str:
    """``dw = ? ``: the question for a node's gradient."""
    return f"{captions.grad_name(node)} = ? "


def local_name(node: Node, index: int, captions: Captions) -> str:
    """``local d/dw of w*x``: the local derivative of ``node`` with respect to input ``index``;
    an input used twice by the node says which use (``local d/da of a*a, input 2``)."""
    head = local_parts(node, index, captions)[0]
    name = f"{head} of {captions.label(node)}"
    parent = node.parents[index]
    if sum(1 for p in node.parents if p is parent) > 1:
        name += f", input {index + 1}"
    return name


def local_prompt(node: Node, index: int, captions: Captions) -> str:
    """``local d/dw of w*x = ? ``: the question for an edge's local derivative."""
    return f"{local_name(node, index, captions)} = ? "


def local_rule(node: Node, index: int, captions: Captions) -> str:
    """``w*x = mul(w, x): local d/dw = x``: the op's formula for this input, no numbers."""
    head, symbols, _, _ = local_parts(node, index, captions)
    label = captions.label(node)
    call = captions.call(node)
    where = label if call == label else f"{label} = {call}"
    return f"{where}: {head} = {symbols}"


def local_hint(node: Node, index: int, level: int, captions: Captions) -> str:
    """What helps find a local derivative: level 1 the op's formula, 2 the formula with the
    forward pass's numbers in it (never the value itself)."""
    head, symbols, numbers, value = local_parts(node, index, captions)
    rule = local_rule(node, index, captions)
    names_a_value = any(symbols == captions.label(n) for n in (*node.parents, node))
    if level <= 1 or numbers == value:
        if names_a_value:
            return f"{rule} (the value of {symbols} in the forward pass)"
        return rule
    return f"{rule} = {numbers}"


def uses_note(node: Node, uses: int, captions: Captions) -> str:
    """What a question for the gradient of a node used several times adds: its gradient is the
    sum over its uses."""
    label = captions.label(node)
    return f"({label} is used {uses} times: its gradient is the sum of what each use sends back)"


def grad_rule(node: Node, uses: list[tuple[Node, int]], captions: Captions) -> str:
    """How a node's gradient is found, in one line (what a quiz's review says): upstream times
    local for its one use, or the sum over its uses.

    >>> from autograd_core import Value
    >>> w, x = Value(-2.0, name="w"), Value(0.5, name="x")
    >>> y = w * x
    >>> grad_rule(w, [(y, 0)], Captions(y))
    'dw = upstream d(w*x) x local d/dw = x'
    """
    name = captions.grad_name(node)
    if len(uses) != 1:
        return f"{name}: {captions.label(node)} is used {len(uses)} times: add upstream x local over every use"
    user, k = uses[0]
    if getattr(user, "local", None) is None:
        return f"{name} = what {captions.label(user)} sends back: {vjp_text(user, k, captions)}"
    head, symbols, _, _ = local_parts(user, k, captions)
    return f"{name} = upstream {captions.grad_name(user)} x {head} = {symbols}"
