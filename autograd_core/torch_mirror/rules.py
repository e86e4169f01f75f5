"""What each PyTorch backward node means in chainrule's own ops: one rule per node type.

A rule says which saved argument each of the node's inputs is (``("self", "other")``: an input
that needs no gradient has no edge in PyTorch's graph, and its value is read from the node's
``_saved_self`` / ``_saved_other``) and how to compute the node's output from its inputs with
chainrule's public ops (``a + b``, ``x.tanh()``, ``conv2d``, ...), reading the node's other saved
arguments (``dim``, ``stride``, ``alpha``).  The result is a chainrule graph node of the same
meaning: drawn, stepped, checked like any other.  A rule raises :class:`Unsupported` for a case it
does not cover (a dilated convolution, ``ceil_mode``); the node is then mirrored opaque.

``solve`` (add and subtract) recovers a constant input PyTorch did not keep (``x + 2``
saves nothing of the 2) from the node's output, when PyTorch kept that.

Example:
    >>> RULES["MulBackward0"].inputs
    ('self', 'other')
    >>> len(RULES) >= 60
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..tensor import Tensor, avg_pool2d, batch_norm, concatenate, conv2d, max_pool2d, maximum, minimum, stack, where
from .read import MISSING, TorchNode, Unsupported, to_array


class Rule(NamedTuple):
    """``inputs``: the saved argument behind each input (None: a list of tensors, all edges);
    ``build(node, args, nr)``: the chainrule node for output ``nr``; ``solve(node, args, out)``:
    the missing constant input (an array), or None."""

    inputs: tuple[str, ...] | None
    build: Callable[..., Tensor]
    solve: Callable[..., Any] | None = None
    optional: tuple[int, ...] = ()


RULES: dict[str, Rule] = {}


def rule(
    names: str | tuple[str, ...], inputs: tuple[str, ...] | None, solve: Callable | None = None,
    optional: tuple[int, ...] = (),
) -> Callable:
    """Register the decorated builder for one or more PyTorch node names; ``optional`` lists the
    inputs that may be absent (a convolution's bias), handed to the builder as None."""

    def register(build: Callable) -> Callable:
        for name in (names,) if isinstance(names, str) else names:
            RULES[name] = Rule(inputs, build, solve, optional)
        return build

    return register


def _number(node: TorchNode, attr: str, default: Any = MISSING) -> Any:
    """A saved number (a 0-d tensor read as one); :class:`Unsupported` if the node saved none."""
    value = node.saved(attr, default)
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 else value


def _scaled(node: TorchNode, b: Any) -> Any:
    alpha = _number(node, "alpha", 1)
    return b if alpha == 1 else b * alpha


# -- arithmetic ------------------------------------------------------------------------------------
def _solve_add(node: TorchNode, args: list, out: np.ndarray) -> Any:
    a, b = args
    alpha = _number(node, "alpha", 1)
    if b is None and a is not None:
        return _exact_constant(out - _values(a), lambda c: _values(a) + c * alpha == out, alpha)
    if a is None and b is not None:
        return _exact_constant(out - alpha * _values(b), lambda c: c + alpha * _values(b) == out, 1)
    return None


def _solve_sub(node: TorchNode, args: list, out: np.ndarray) -> Any:
    a, b = args
    alpha = _number(node, "alpha", 1)
    if b is None and a is not None:
        return _exact_constant(_values(a) - out, lambda c: _values(a) - c * alpha == out, alpha)
    if a is None and b is not None:
        return _exact_constant(out + alpha * _values(b), lambda c: c - alpha * _values(b) == out, 1)
    return None


def _values(x: Any) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _exact_constant(candidate: np.ndarray, reproduces: Callable, scale: float) -> np.ndarray:
    """One number if a single one reproduces PyTorch's output exactly (``x + 2``), else the array."""
    candidate = np.asarray(candidate) / scale if scale != 1 else np.asarray(candidate)
    if candidate.size:
        single = np.median(candidate).astype(candidate.dtype)
        if np.all(reproduces(single)):
            return single
    return candidate


@rule("AddBackward0", ("self", "other"), _solve_add)
def _add(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    return a + _scaled(node, b)


@rule("SubBackward0", ("self", "other"), _solve_sub)
def _sub(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    return a - _scaled(node, b)


@rule("RsubBackward0", ("self", "other"))
def _rsub(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    return b - _scaled(node, a)


@rule("MulBackward0", ("self", "other"))
def _mul(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    return a * b


@rule("MulBackward1", ("self",))
def _mul_scalar(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0] * _number(node, "other")


@rule("DivBackward0", ("self", "other"))
def _div(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    return a / b


@rule("DivBackward1", ("self",))
def _div_scalar(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0] / _number(node, "other")


@rule("NegBackward0", ("self",))
def _neg(node: TorchNode, args: list, nr: int) -> Tensor:
    return -args[0]


@rule("ReciprocalBackward0", ("self",))
def _reciprocal(node: TorchNode, args: list, nr: int) -> Tensor:
    return 1.0 / args[0]


@rule("PowBackward0", ("self",))
def _pow_number(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0] ** _number(node, "exponent")


@rule("PowBackward1", ("self", "exponent"))
def _pow_tensor(node: TorchNode, args: list, nr: int) -> Tensor:
    base, exponent = args
    if not isinstance(base, Tensor):
        return exponent.__rpow__(base)
    return base ** (exponent if isinstance(exponent, Tensor) else Tensor(exponent, dtype=base.dtype))


@rule("PowBackward2", ("exponent",))
def _pow_of_number(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].__rpow__(_number(node, "self"))


# -- elementwise functions ---------------------------------------------------------------------------
def _method(name: str) -> Callable:
    def build(node: TorchNode, args: list, nr: int) -> Tensor:
        return getattr(args[0], name)()

    return build


for _name, _torch_name in (
    ("exp", "Exp"), ("log", "Log"), ("tanh", "Tanh"), ("sigmoid", "Sigmoid"), ("relu", "Relu"),
    ("sqrt", "Sqrt"), ("abs", "Abs"), ("sin", "Sin"), ("cos", "Cos"),
):
    rule(f"{_torch_name}Backward0", ("self",))(_method(_name))


@rule("LeakyReluBackward0", ("self",))
def _leaky_relu(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].leaky_relu(_number(node, "negative_slope"))


@rule(("ClampBackward1", "ClampMinBackward0", "ClampMaxBackward0"), ("self",))
def _clamp(node: TorchNode, args: list, nr: int) -> Tensor:
    low, high = _number(node, "min", None), _number(node, "max", None)
    return args[0].clip(low, high)


@rule("MaximumBackward0", ("self", "other"))
def _maximum(node: TorchNode, args: list, nr: int) -> Tensor:
    return maximum(*args)


@rule("MinimumBackward0", ("self", "other"))
def _minimum(node: TorchNode, args: list, nr: int) -> Tensor:
    return minimum(*args)


@rule("WhereBackward0", ("self", "other"))
def _where(node: TorchNode, args: list, nr: int) -> Tensor:
    return where(to_array(node.saved("condition")).astype(bool), *args)


@rule("ToCopyBackward0", ("self",))
def _to_copy(node: TorchNode, args: list, nr: int) -> Tensor:
    dtype = node.output_dtype(0)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise Unsupported(f"a copy to {dtype}")
    return args[0] if args[0].dtype == dtype else args[0].astype(dtype)


@rule(("CloneBackward0", "AliasBackward0"), ("self",))
def _identity(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0]


# -- matrix products -------------------------------------------------------------------------------
@rule(("MmBackward0", "BmmBackward0"), ("self", "mat2"))
@rule("MvBackward0", ("self", "vec"))
@rule("DotBackward0", ("self", "tensor"))
def _matmul(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    return a @ b


@rule("AddmmBackward0", ("self", "mat1", "mat2"))
def _addmm(node: TorchNode, args: list, nr: int) -> Tensor:
    bias, a, b = args
    alpha, beta = _number(node, "alpha", 1), _number(node, "beta", 1)
    product = a @ b
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return product
    return product + (bias if beta == 1 else bias * beta)


# -- reductions ------------------------------------------------------------------------------------
def _axes(node: TorchNode) -> Any:
    dims = node.saved("dim", None)
    if dims is None:
        return None
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return dims or None  # sum(dim=[]) sums everything, as no dim does


@rule("SumBackward0", ("self",))
def _sum(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].sum()


@rule("SumBackward1", ("self",))
def _sum_dim(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].sum(axis=_axes(node), keepdims=bool(node.saved("keepdim", False)))


@rule("MeanBackward0", ("self",))
def _mean(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].mean()


@rule("MeanBackward1", ("self",))
def _mean_dim(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].mean(axis=_axes(node), keepdims=bool(node.saved("keepdim", False)))


@rule(("VarBackward0", "StdBackward0"), ("self",))
def _var(node: TorchNode, args: list, nr: int) -> Tensor:
    correction = node.saved("correction", 1)
    ddof = 1 if correction is None else correction
    if float(ddof) != int(ddof):
        raise Unsupported(f"a fractional correction {ddof}")
    spread = args[0].var if node.name.startswith("Var") else args[0].std
    return spread(axis=_axes(node), keepdims=bool(node.saved("keepdim", False)), ddof=int(ddof))


# max()/min() of everything and amax/amin share the gradient between tied entries, as chainrule's max does.
@rule(("MaxBackward1", "MinBackward1"), ("self",))
def _extreme_all(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].max() if node.name.startswith("Max") else args[0].min()


@rule(("AmaxBackward0", "AminBackward0"), ("self",))
def _extreme_axes(node: TorchNode, args: list, nr: int) -> Tensor:
    axes, keep = _axes(node), bool(node.saved("keepdim", False))
    extreme = args[0].max if node.name.startswith("Amax") else args[0].min
    return extreme(axis=axes, keepdims=keep)


@rule(("MaxBackward0", "MinBackward0"), ("self",))
def _extreme_dim(node: TorchNode, args: list, nr: int) -> Tensor:
    """max(x, dim) sends the gradient to the one index PyTorch picked: chainrule's max where no
    entries tie, else the entries at PyTorch's indices (a gather), so a tie goes where PyTorch sends it."""
    x = args[0]
    dim, keep = int(node.saved("dim")), bool(node.saved("keepdim", False))
    extreme = x.max(axis=dim, keepdims=keep) if node.name.startswith("Max") else x.min(axis=dim, keepdims=keep)
    peak = np.expand_dims(extreme.data, dim) if not keep else extreme.data
    if np.count_nonzero(x.data == peak) == peak.size:
        return extreme
    indices = to_array(node.saved("indices"))
    if not keep:
        indices = np.expand_dims(indices, dim)
    grid = list(np.indices(indices.shape, sparse=True))
    grid[dim % x.ndim] = indices
    picked = x[tuple(grid)]
    return picked.squeeze(dim) if not keep else picked


# -- shapes ----------------------------------------------------------------------------------------
@rule(
    ("ViewBackward0", "UnsafeViewBackward0", "ReshapeAliasBackward0", "UnsqueezeBackward0", "SqueezeBackward0",
     "SqueezeBackward1", "SqueezeBackward2", "SqueezeBackward3", "SqueezeBackward4"),
    ("self",),
)
def _reshape(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].reshape(node.output_shape(0))


@rule("TBackward0", ("self",))
def _t(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].T


@rule("TransposeBackward0", ("self",))
def _transpose(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].swapaxes(int(node.saved("dim0")), int(node.saved("dim1")))


@rule("PermuteBackward0", ("self",))
def _permute(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].transpose(tuple(int(d) for d in node.saved("dims")))


@rule("ExpandBackward0", ("self",))
def _expand(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].broadcast_to(node.output_shape(0))


def _at(dim: int, ndim: int, index: Any) -> tuple:
    return (slice(None),) * (dim % ndim) + (index,)


@rule("SelectBackward0", ("self",))
def _select(node: TorchNode, args: list, nr: int) -> Tensor:
    x = args[0]
    return x[_at(int(node.saved("dim")), x.ndim, int(node.saved("index")))]


@rule("SliceBackward0", ("self",))
def _slice(node: TorchNode, args: list, nr: int) -> Tensor:
    x = args[0]
    dim = int(node.saved("dim"))
    size = x.shape[dim]
    start, end, step = node.saved("start", None), node.saved("end", None), int(node.saved("step", 1))
    start = 0 if start is None else max(min(int(start), size), -size)
    end = size if end is None else max(min(int(end), size), -size)
    return x[_at(dim, x.ndim, slice(start, end, step))]


@rule("IndexSelectBackward0", ("self",))
def _index_select(node: TorchNode, args: list, nr: int) -> Tensor:
    x = args[0]
    return x[_at(int(node.saved("dim")), x.ndim, to_array(node.saved("index")).astype(np.intp))]


@rule("FlipBackward0", ("self",))
def _flip(node: TorchNode, args: list, nr: int) -> Tensor:
    x = args[0]
    dims = {int(d) % x.ndim for d in node.saved("dims")}
    return x[tuple(slice(None, None, -1) if axis in dims else slice(None) for axis in range(x.ndim))]


@rule("RollBackward0", ("self",))
def _roll(node: TorchNode, args: list, nr: int) -> Tensor:
    shifts, dims = tuple(int(s) for s in node.saved("shifts")), tuple(int(d) for d in node.saved("dims"))
    return args[0].roll(shifts, dims or None) if dims else args[0].roll(shifts[0])


@rule("IndexBackward0", ("self",))
def _index(node: TorchNode, args: list, nr: int) -> Tensor:
    parts = tuple(slice(None) if i is None else to_array(i) for i in node.saved("indices"))
    if any(isinstance(p, np.ndarray) and p.dtype.kind not in "biu" for p in parts):
        raise Unsupported("an index that is neither integers nor a mask")
    return args[0][parts]


@rule("UnbindBackward0", ("self",))
def _unbind(node: TorchNode, args: list, nr: int) -> Tensor:
    x = args[0]
    return x[_at(int(node.saved("dim")), x.ndim, nr)]


@rule(("SplitBackward0", "SplitWithSizesBackward0"), ("self",))
def _split(node: TorchNode, args: list, nr: int) -> Tensor:
    x = args[0]
    dim = int(node.saved("dim"))
    size = x.shape[dim]
    if node.name == "SplitBackward0":
        step = int(node.saved("split_size"))
        start = nr * step
        stop = min(start + step, size)
    else:
        sizes = [int(s) for s in node.saved("split_sizes")]
        start = sum(sizes[:nr])
        stop = start + sizes[nr]
    return x[_at(dim, x.ndim, slice(start, stop))]


@rule("CatBackward0", None)
def _cat(node: TorchNode, args: list, nr: int) -> Tensor:
    return concatenate(args, axis=int(node.saved("dim")))


@rule("StackBackward0", None)
def _stack(node: TorchNode, args: list, nr: int) -> Tensor:
    return stack(args, axis=int(node.saved("dim")))


# -- softmax and losses ----------------------------------------------------------------------------
@rule("SoftmaxBackward0", ("self",))
def _softmax(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].softmax(int(node.saved("dim")))


@rule("LogSoftmaxBackward0", ("self",))
def _log_softmax(node: TorchNode, args: list, nr: int) -> Tensor:
    return args[0].log_softmax(int(node.saved("dim")))


_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _signed(index: int) -> int:
    """PyTorch saves ignore_index (-100) as an unsigned 64-bit number."""
    return index - (1 << 64) if index >= 1 << 63 else index


@rule("NllLossBackward0", ("self", "target", "weight"))
def _nll_loss(node: TorchNode, args: list, nr: int) -> Tensor:
    """nll_loss = −(log-probabilities picked at the targets), averaged (or summed): getitem, neg, mean."""
    logp = args[0]
    target = to_array(node.saved("target")).astype(np.intp)
    weight = node.saved("weight", None)
    reduction = _REDUCTIONS.get(int(node.saved("reduction")), "other")
    if logp.ndim not in (1, 2) or reduction == "other":
        raise Unsupported(f"nll_loss of a {logp.ndim}-D input or reduction {reduction}")
    keep = target != _signed(int(node.saved("ignore_index")))
    if not keep.all() and (reduction == "none" or logp.ndim == 1):
        raise Unsupported("ignored targets without a reduction")
    rows = np.nonzero(keep)[0] if logp.ndim == 2 else None
    picked = logp[rows, target[rows]] if logp.ndim == 2 else logp[target]
    losses = -picked
    if weight is not None:
        w = to_array(weight)[target[rows] if rows is not None else target]
        losses = losses * w
        if reduction == "mean":
            return losses.sum() / to_array(node.saved("total_weight"))
    if reduction == "none":
        return losses
    if reduction == "sum" or logp.ndim == 1:
        return losses.sum() if reduction == "sum" else losses
    return losses.mean()


@rule("MseLossBackward0", ("self", "target"))
def _mse_loss(node: TorchNode, args: list, nr: int) -> Tensor:
    a, b = args
    squared = (a - b) ** 2
    reduction = _REDUCTIONS.get(int(node.saved("reduction")), "other")
    if reduction == "other":
        raise Unsupported("an unknown reduction")
    return squared if reduction == "none" else squared.mean() if reduction == "mean" else squared.sum()


# -- convolutional layers ----------------------------------------------------------------------------
def _pair(value: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in value)


@rule("ConvolutionBackward0", ("input", "weight", "bias"), optional=(2,))
def _convolution(node: TorchNode, args: list, nr: int) -> Tensor:
    x, weight, bias = args
    if node.saved("transposed") or int(node.saved("groups")) != 1 or any(d != 1 for d in node.saved("dilation")):
        raise Unsupported("a transposed, grouped or dilated convolution")
    if not isinstance(weight, Tensor) or weight.ndim != 4 or any(node.saved("output_padding")):
        raise Unsupported("a convolution other than 2-D with a weight to learn")
    has_bias = tuple(node.saved("bias_sym_sizes_opt", ())) == (weight.shape[0],)
    if has_bias and bias is None:
        raise Unsupported("a bias PyTorch kept no record of")
    if bias is not None and not isinstance(bias, Tensor):
        bias = Tensor(bias, dtype=weight.dtype)
    stride, padding = _pair(node.saved("stride")), _pair(node.saved("padding"))
    return conv2d(x, weight, bias if has_bias else None, stride=stride, padding=padding)


def _pool_window(node: TorchNode) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if any(node.saved("padding")) or node.saved("ceil_mode") or any(d != 1 for d in node.saved("dilation", (1, 1))):
        raise Unsupported("pooling with padding, dilation or ceil_mode")
    kernel = _pair(node.saved("kernel_size"))
    kernel = kernel * 2 if len(kernel) == 1 else kernel
    stride = _pair(node.saved("stride")) or kernel
    stride = stride * 2 if len(stride) == 1 else stride
    return kernel, stride


@rule("MaxPool2DWithIndicesBackward0", ("self",))
def _max_pool(node: TorchNode, args: list, nr: int) -> Tensor:
    kernel, stride = _pool_window(node)
    return max_pool2d(args[0], kernel, stride)


@rule("AvgPool2DBackward0", ("self",))
def _avg_pool(node: TorchNode, args: list, nr: int) -> Tensor:
    if node.saved("divisor_override", None) is not None:
        raise Unsupported("avg_pool2d with divisor_override")
    kernel, stride = _pool_window(node)
    return avg_pool2d(args[0], kernel, stride)


@rule("NativeBatchNormBackward0", ("input", "weight", "bias"), optional=(1, 2))
def _batch_norm(node: TorchNode, args: list, nr: int) -> Tensor:
    x, gamma, beta = args
    if gamma is None or beta is None:
        raise Unsupported("batch norm without a learned scale and shift")
    dtype = x.dtype
    gamma, beta = (p if isinstance(p, Tensor) else Tensor(p, dtype=dtype) for p in (gamma, beta))
    training = bool(node.saved("training"))
    features = gamma.shape[0]
    statistics = []
    for attr, fill in (("running_mean", 0.0), ("running_var", 1.0)):
        kept = node.saved(attr, None)
        if kept is None and not training:
            raise Unsupported("batch norm in eval mode without running statistics")
        # copies: the mirror must not move PyTorch's running statistics (its forward already did)
        statistics.append(np.full(features, fill, dtype) if kept is None else to_array(kept).astype(dtype))
    return batch_norm(x, gamma, beta, *statistics, training=training, eps=float(node.saved("eps")))
