"""Every Tensor op's forward value and vector-Jacobian product, on random shapes and values from
hypothesis, against two independent oracles:

- central finite differences of the op written in plain NumPy (float64);
- the HIPS ``autograd`` package, differentiating that same NumPy formula.

For an op ``f`` and a random upstream gradient ``w`` of the output's shape, our
``f(*tensors).backward(grad=w)`` must give, for every input, the gradient of ``sum(w * f(...))``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as hips_grad
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

from autograd_core import Tensor, concatenate, softmax_cross_entropy, stack

# -- value generators: random normal values, pushed away from each op's kinks and domain edges ----


def normal(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return np.asarray(rng.standard_normal(shape))


def away_from_zero(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """|x| >= 0.3: finite differences with eps 1e-6 never straddle the kink of relu/abs at 0, and
    divisors stay well conditioned."""
    x = rng.standard_normal(shape)
    return np.asarray(np.sign(x + (x == 0)) * (0.3 + np.abs(x)))


def positive(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """In [0.5, 2.5): inside the domain of log, sqrt and non-integer powers."""
    return np.asarray(0.5 + 2 * rng.random(shape))


def distinct(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """All entries at least 0.05 apart: no ties for max, which finite differences cannot handle."""
    size = int(np.prod(shape, dtype=int))
    return (rng.permutation(size) * 0.05 + rng.random() * 0.01).reshape(shape) - size * 0.025


@dataclass
class Case:
    """One op on concrete inputs: ours on Tensors, the same formula on NumPy/autograd arrays."""

    ours: Callable
    theirs: Callable
    inputs: list[np.ndarray]

    def __post_init__(self) -> None:
        self.inputs = [np.asarray(a, dtype=np.float64) for a in self.inputs]


def oracle_vjps(case: Case, upstream: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(finite differences, HIPS autograd) gradients of sum(upstream * theirs(*inputs))."""
    def objective(*arrays):
        return anp.sum(upstream * case.theirs(*arrays))

    eps = 1e-6
    numeric = []
    for index in range(len(case.inputs)):
        arrays = [a.copy() for a in case.inputs]
        moving = arrays[index]
        gradient = np.zeros_like(moving)
        for i in np.ndindex(moving.shape):
            old = moving[i]
            moving[i] = old + eps
            plus = objective(*arrays)
            moving[i] = old - eps
            minus = objective(*arrays)
            moving[i] = old
            gradient[i] = (plus - minus) / (2 * eps)
        numeric.append(gradient)
    automatic = [np.asarray(hips_grad(objective, i)(*[a.copy() for a in case.inputs])) for i in range(len(case.inputs))]
    return numeric, automatic


def check(case: Case, seed: int) -> None:
    expected = np.asarray(case.theirs(*case.inputs))
    tensors = [Tensor(a.copy(), requires_grad=True, name=f"in{i}") for i, a in enumerate(case.inputs)]
    out = case.ours(*tensors)
    # Forward: the same formula in NumPy; only rounding may differ.
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    assert out.shape == expected.shape
    upstream = np.random.default_rng(seed).standard_normal(expected.shape)
    out.backward(grad=upstream)
    numeric, automatic = oracle_vjps(case, upstream)
    for tensor, fd, ad in zip(tensors, numeric, automatic):
        assert tensor.grad.shape == tensor.shape and tensor.grad.dtype == np.float64
        # Central differences (eps 1e-6) on values of order 1 carry ~1e-9 of rounding and
        # truncation error per entry: 1e-6 absolute plus 1e-5 relative leaves a wide margin.
        np.testing.assert_allclose(tensor.grad, fd, rtol=1e-5, atol=1e-6)
        # HIPS autograd computes the same analytic gradient: only rounding may differ.
        np.testing.assert_allclose(tensor.grad, ad, rtol=1e-9, atol=1e-12)


shapes = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
seeds = st.integers(0, 2**32 - 1)


# -- elementwise binary ops with broadcasting ---------------------------------------------------
BINARY = {
    "add": (lambda a, b: a + b, normal, normal),
    "sub": (lambda a, b: a - b, normal, normal),
    "mul": (lambda a, b: a * b, normal, normal),
    "div": (lambda a, b: a / b, normal, away_from_zero),
    "pow": (lambda a, b: a**b, positive, normal),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(pair=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4), seed=seeds)
def test_binary_ops_broadcast(name, pair, seed):
    fn, left, right = BINARY[name]
    rng = np.random.default_rng(seed)
    shape_a, shape_b = pair.input_shapes
    check(Case(fn, fn, [left(rng, shape_a), right(rng, shape_b)]), seed)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div"])
@given(shape=shapes, number=st.floats(0.5, 3.0), seed=seeds)
def test_binary_ops_with_numbers_and_arrays_on_either_side(name, shape, number, seed):
    fn, left, right = BINARY[name]
    rng = np.random.default_rng(seed)
    constant_array = right(rng, shape)
    # A number or a plain array on either side is a constant: only the Tensor gets a gradient.
    check(Case(lambda a: fn(a, number), lambda a: fn(a, number), [left(rng, shape)]), seed)
    check(Case(lambda b: fn(number, b), lambda b: fn(number, b), [right(rng, shape)]), seed)
    check(Case(lambda a: fn(a, constant_array), lambda a: fn(a, constant_array), [left(rng, shape)]), seed)
    check(Case(lambda b: fn(constant_array, b), lambda b: fn(constant_array, b), [right(rng, shape)]), seed)


@given(shape=shapes, exponent=st.sampled_from([2, 3, -1, 0.5, 1.5, -2.5, 1, 0]), seed=seeds)
def test_power_with_number_exponent(shape, exponent, seed):
    rng = np.random.default_rng(seed)
    check(Case(lambda a: a**exponent, lambda a: a**exponent, [positive(rng, shape)]), seed)


@given(shape=shapes, seed=seeds)
def test_number_base_to_tensor_power(shape, seed):
    rng = np.random.default_rng(seed)
    check(Case(lambda b: 2.5**b, lambda b: 2.5**b, [normal(rng, shape)]), seed)


# -- elementwise unary ops ------------------------------------------------------------------------
UNARY = {
    "neg": (lambda a: -a, lambda a: -a, normal),
    "exp": (lambda a: a.exp(), anp.exp, normal),
    "log": (lambda a: a.log(), anp.log, positive),
    "tanh": (lambda a: a.tanh(), anp.tanh, normal),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: 1 / (1 + anp.exp(-a)), normal),
    "relu": (lambda a: a.relu(), lambda a: anp.maximum(a, 0.0), away_from_zero),
    "sqrt": (lambda a: a.sqrt(), anp.sqrt, positive),
    "abs": (lambda a: abs(a), anp.abs, away_from_zero),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=shapes, seed=seeds)
def test_unary_ops(name, shape, seed):
    ours, theirs, values = UNARY[name]
    check(Case(ours, theirs, [values(np.random.default_rng(seed), shape)]), seed)


# -- matmul: 1-D, 2-D and batched ------------------------------------------------------------------
@st.composite
def matmul_shapes(draw):
    m, k, n = (draw(st.integers(1, 4)) for _ in range(3))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    kind = draw(st.sampled_from(["vv", "vm", "mv", "mm", "batched", "broadcast", "vb", "bv"]))
    b = tuple(batch) or (2,)
    return {
        "vv": ((k,), (k,)),
        "vm": ((k,), (k, n)),
        "mv": ((m, k), (k,)),
        "mm": ((m, k), (k, n)),
        "batched": (b + (m, k), b + (k, n)),
        "broadcast": ((1,) + b[1:] + (m, k), b + (k, n)) if draw(st.booleans()) else ((m, k), b + (k, n)),
        "vb": ((k,), b + (k, n)),
        "bv": (b + (m, k), (k,)),
    }[kind]


@given(pair=matmul_shapes(), seed=seeds)
def test_matmul(pair, seed):
    rng = np.random.default_rng(seed)
    check(Case(lambda a, b: a @ b, anp.matmul, [normal(rng, pair[0]), normal(rng, pair[1])]), seed)


# -- reductions ---------------------------------------------------------------------------------------
@st.composite
def shape_and_axis(draw, min_dims=0):
    shape = draw(array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=4))
    ndim = len(shape)
    choice = draw(st.sampled_from(["none", "int", "negative", "tuple"]))
    if choice == "none" or ndim == 0:
        axis = None
    elif choice == "int":
        axis = draw(st.integers(0, ndim - 1))
    elif choice == "negative":
        axis = draw(st.integers(-ndim, -1))
    else:
        axis = tuple(sorted(draw(st.sets(st.integers(0, ndim - 1), min_size=1))))
    return shape, axis, draw(st.booleans())


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@given(spec=shape_and_axis(), seed=seeds)
def test_reductions(name, spec, seed):
    shape, axis, keepdims = spec
    rng = np.random.default_rng(seed)
    ours = lambda a: getattr(a, name)(axis=axis, keepdims=keepdims)  # noqa: E731
    theirs = lambda a: getattr(anp, name)(a, axis=axis, keepdims=keepdims)  # noqa: E731
    check(Case(ours, theirs, [distinct(rng, shape)]), seed)


# -- shapes and indexing ------------------------------------------------------------------------------
@given(shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), seed=seeds, data=st.data())
def test_reshape_and_transpose(shape, seed, data):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    new_shape = data.draw(st.sampled_from([(size,), (1, size), (size, 1), (-1,)]))
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    x = normal(rng, shape)
    check(Case(lambda a: a.reshape(new_shape), lambda a: anp.reshape(a, new_shape), [x]), seed)
    check(Case(lambda a: a.transpose(*axes), lambda a: anp.transpose(a, axes), [x]), seed)
    check(Case(lambda a: a.T, lambda a: anp.transpose(a), [x]), seed)


@st.composite
def shape_and_index(draw):
    shape = draw(array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    kind = draw(st.sampled_from(["int", "slice", "int array", "repeated", "mask", "tuple", "negative"]))
    n = shape[0]
    if kind == "int":
        index = draw(st.integers(0, n - 1))
    elif kind == "negative":
        index = draw(st.integers(-n, -1))
    elif kind == "slice":
        start = draw(st.integers(0, n - 1))
        index = slice(start, None, draw(st.integers(1, 2)))
    elif kind in ("int array", "repeated"):
        picks = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6))
        if kind == "repeated":
            picks = picks + picks[:1]  # at least one entry picked twice
        index = np.array(picks)
    elif kind == "mask":
        index = np.array(draw(st.lists(st.booleans(), min_size=shape[0], max_size=shape[0])))
    else:
        rows = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
        index = (rows, slice(None)) if len(shape) > 1 else (rows,)
    return shape, index


@given(spec=shape_and_index(), seed=seeds)
def test_getitem(spec, seed):
    shape, index = spec
    rng = np.random.default_rng(seed)
    check(Case(lambda a: a[index], lambda a: a[index], [normal(rng, shape)]), seed)


@given(
    shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3),
    count=st.integers(1, 3),
    seed=seeds,
    data=st.data(),
)
def test_concatenate_and_stack(shape, count, seed, data):
    rng = np.random.default_rng(seed)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    # concatenate: the pieces may differ in length along the axis
    pieces = []
    for _ in range(count):
        piece_shape = list(shape)
        piece_shape[axis] = data.draw(st.integers(1, 3))
        pieces.append(normal(rng, tuple(piece_shape)))
    check(Case(lambda *t: concatenate(list(t), axis=axis), lambda *a: anp.concatenate(a, axis=axis), pieces), seed)
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    same = [normal(rng, shape) for _ in range(count)]
    check(Case(lambda *t: stack(t, axis=new_axis), lambda *a: anp.stack(a, axis=new_axis), same), seed)


# -- softmax family -------------------------------------------------------------------------------------
def hips_log_softmax(a, axis):
    shifted = a - anp.max(a, axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


@given(spec=shape_and_axis(min_dims=1), seed=seeds)
def test_softmax_and_log_softmax(spec, seed):
    shape, axis, _ = spec
    axis = -1 if axis is None or isinstance(axis, tuple) else axis
    x = 3 * normal(np.random.default_rng(seed), shape)
    check(Case(lambda a: a.log_softmax(axis), lambda a: hips_log_softmax(a, axis), [x]), seed)
    check(Case(lambda a: a.softmax(axis), lambda a: anp.exp(hips_log_softmax(a, axis)), [x]), seed)


@given(batch=st.integers(1, 6), classes=st.integers(1, 5), one_hot=st.booleans(), seed=seeds)
def test_softmax_cross_entropy(batch, classes, one_hot, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, batch)
    target = np.eye(classes)[labels]

    def theirs(a):
        return -anp.sum(target * hips_log_softmax(a, 1)) / batch

    given_labels = target if one_hot else labels
    check(Case(lambda a: softmax_cross_entropy(a, given_labels), theirs, [3 * normal(rng, (batch, classes))]), seed)


@given(classes=st.integers(2, 5), seed=seeds)
def test_softmax_cross_entropy_soft_targets_get_their_own_gradient(classes, seed):
    # Labels as a Tensor that requires a gradient (e.g. a learned target distribution).
    rng = np.random.default_rng(seed)

    def theirs(a, t):
        return -anp.sum(t * hips_log_softmax(a, 1)) / a.shape[0]

    check(Case(softmax_cross_entropy, theirs, [normal(rng, (3, classes)), rng.random((3, classes))]), seed)
