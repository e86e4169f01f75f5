"""One rule for leaving the graph: a node that requires grad becomes a plain number or array only
when asked by name (``.item()``, ``.data``, ``.numpy()``, ``.tolist()``, ``.detach()``); every
other way (``float()``, math functions, NumPy asking for a number or an array) is refused, naming
the node.  Without a gradient to lose (no requires_grad, or under no_grad) everything converts."""

import math

import numpy as np
import pytest

from autograd_core import Tensor, Value, no_grad

SILENT_EXITS = {
    "float()": lambda t: float(t),
    "math.exp": lambda t: math.exp(t),
    "np.float64": lambda t: np.float64(t),
    "np.asarray": lambda t: np.asarray(t),
    "np.array": lambda t: np.array(t),
    "np.full_like": lambda t: np.full_like(np.zeros(2), t),
    "store in an array": lambda t: np.zeros(2).__setitem__(0, t),
    "np.fromiter": lambda t: np.fromiter(iter([t]), dtype=float),
}


def one_number():
    return Tensor([[1.5, 2.0]], requires_grad=True, name="t")[0, 0]


def failure_text(error: BaseException) -> str:
    """What the traceback shows: the error and the one it was raised from (NumPy re-raises a
    failed element conversion as 'setting an array element with a sequence', from ours)."""
    return f"{error} {error.__cause__ or ''}"


@pytest.mark.parametrize("exit_", SILENT_EXITS.values(), ids=SILENT_EXITS.keys())
def test_a_tensor_that_requires_grad_never_leaves_silently(exit_):
    with pytest.raises((TypeError, ValueError)) as caught:
        exit_(one_number())
    text = failure_text(caught.value)
    assert "getitem" in text and "requires grad" in text


@pytest.mark.parametrize("exit_", ["float()", "math.exp", "store in an array", "np.fromiter"])
def test_a_value_that_requires_grad_never_leaves_silently(exit_):
    with pytest.raises((TypeError, ValueError)) as caught:
        SILENT_EXITS[exit_](Value(1.5, name="v"))
    assert "Value leaf 'v', which requires grad" in failure_text(caught.value)


@pytest.mark.parametrize("exit_", SILENT_EXITS.values(), ids=SILENT_EXITS.keys())
def test_without_a_gradient_to_lose_everything_converts(exit_):
    with no_grad():
        exit_(one_number())
    exit_(Tensor(1.5))
    if exit_ not in (SILENT_EXITS["np.asarray"], SILENT_EXITS["np.array"], SILENT_EXITS["np.full_like"]):
        exit_(Value(1.5, requires_grad=False))


def test_the_named_ways_out_give_the_numbers():
    t = one_number()
    v = Value(1.5)
    assert t.item() == 1.5 and float(t.data) == 1.5 and t.tolist() == 1.5 and float(t.detach()) == 1.5
    assert v.item() == 1.5 and v.data == 1.5 and float(v.detach()) == 1.5


def test_a_format_spec_formats_a_one_element_node_for_the_eye():
    loss = (Tensor([1.0, 2.0], requires_grad=True) ** 2).sum()
    assert f"{loss:.3f}" == "5.000" and f"{Value(2.0) * 3:.1f}" == "6.0"
    assert f"{loss}" == str(loss)
    with pytest.raises(ValueError, match=r"shape \(2,\), not a single number"):
        f"{Tensor([1.0, 2.0]):.3f}"
