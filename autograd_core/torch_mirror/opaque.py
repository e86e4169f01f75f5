"""Opaque nodes: a PyTorch op chainrule has no counterpart for, mirrored as an op whose backward
is PyTorch's own node.

Each PyTorch node type without a rule becomes one op, defined once through the engine's one door
for ops, :func:`define_tensor_op`, under the name ``torch_<op>`` (``GeluBackward0`` becomes the op
``torch_gelu``), with its VJP in words ("g through PyTorch's GeluBackward0"); every mirror of that
node type, in any graph, uses that one record.  The node itself is named ``torch:GeluBackward0``.
So it is drawn, stepped, quizzed and gradchecked like any other op: its VJP calls PyTorch's node
on the gradient (``grad_fn(g)``), which is exactly what PyTorch's own backward pass does there.

The op's name is a valid op name whatever PyTorch calls the node (a custom ``autograd.Function``
may have any class name): folded to ASCII, in snake case, at most 64 characters; a name already
taken by another op (one of yours, or another node type that reads the same) gets a number
(``torch_gelu_2``) rather than replacing it.

Its forward value is PyTorch's own where PyTorch kept it (the result itself, or a tensor another
node saved), else the op run again through ``torch.ops.aten`` with the arguments the node saved
(which also lets gradcheck perturb its inputs); a value PyTorch kept nowhere and cannot recompute
is drawn as NaN, with a :class:`TorchMirrorWarning`.

Example:
    >>> op_name("GeluBackward0"), op_name("MaxPool2DWithIndicesBackward0"), op_name("torch::autograd::CopySlices")
    ('torch_gelu', 'torch_max_pool2d_with_indices', 'torch_copy_slices')
    >>> op_name("ÄpfelBackward"), len(op_name("Deep" * 40 + "Backward0"))
    ('torch_apfel', 64)
"""

from __future__ import annotations

import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..define import define_tensor_op
from ..ops.record import MAX_NAME, TENSOR_OPS, Op
from ..tensor import Tensor
from .read import MISSING, TorchNode, Unsupported, import_torch, to_array


class TorchMirrorWarning(UserWarning):
    """The mirror of a PyTorch graph could not know something PyTorch did not keep (a value)."""


def _snake(name: str) -> str:
    """A PyTorch node name as the op's name in snake case: ``MaxPool2DWithIndicesBackward0`` ->
    ``max_pool2d_with_indices`` (what ``torch.ops.aten`` calls most of them)."""
    base = re.sub(r"Backward\d*$", "", name.split("::")[-1])
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", base).lower()
    return re.sub(r"(\d)_d(?=_|$)", r"\1d", snake)


def op_name(torch_name: str) -> str:
    """The chainrule op name for an opaque PyTorch node: ``torch_`` and the op in snake case, folded
    to ASCII letters, digits and underscores and cut to the longest name an op may have."""
    ascii_name = unicodedata.normalize("NFKD", torch_name).encode("ascii", "ignore").decode("ascii")
    word = re.sub(r"[^0-9a-z]+", "_", _snake(ascii_name)).strip("_") or "op"
    return ("torch_" + word)[:MAX_NAME].rstrip("_")


class TorchOp:
    """What an opaque node keeps: PyTorch's ``node``, which of its outputs it is (``nr``), the inputs
    and value it was built with, and ``rerun`` (the op run again on other inputs, or None)."""

    __slots__ = ("node", "nr", "inputs", "value", "rerun")

    def __init__(self, node: TorchNode, nr: int, inputs: Sequence[np.ndarray], value: np.ndarray,
                 rerun: Callable | None) -> None:
        self.node, self.nr, self.inputs, self.value, self.rerun = node, nr, tuple(inputs), value, rerun

    def __repr__(self) -> str:
        return self.node.name

    def forward(self, arrays: Sequence[np.ndarray]) -> np.ndarray:
        if len(arrays) == len(self.inputs) and all(
            a is b or (a.shape == b.shape and np.array_equal(a, b)) for a, b in zip(arrays, self.inputs)
        ):
            return self.value
        if self.rerun is None:
            raise ValueError(
                f"torch:{self.node.name}: PyTorch kept no way to run this op on other inputs (its node saved "
                "too little to call it again), so its value is known only at the inputs it was recorded with"
            )
        return self.rerun(arrays)[self.nr]

    def vjp(self, g: Any) -> tuple:
        if isinstance(g, Tensor):
            raise NotImplementedError(
                f"torch:{self.node.name}: backward(create_graph=True) is not supported through an opaque PyTorch "
                "node (its backward is PyTorch's own, first order only)"
            )
        torch = import_torch()
        grads = []
        for k in range(self.node.output_count):
            if k == self.nr:
                grads.append(torch.from_numpy(np.array(g)))
            else:
                shape, dtype = self.node.output_shape(k), self.node.output_dtype(k)
                grads.append(torch.zeros(shape, dtype=torch.from_numpy(np.zeros(0, dtype)).dtype))
        fn = self.node.fn
        with torch.no_grad():
            result = fn(*grads) if callable(fn) else fn.apply(*grads)
        result = result if isinstance(result, (tuple, list)) else (result,)
        return tuple(
            None if grad is None else to_array(grad)
            for grad, (edge, _) in zip(result, self.node.edges)
            if edge is not None
        )


_RECORDS: dict[str, Op] = {}  # PyTorch node type -> the record of its opaque op
_DEFINING = threading.Lock()  # two threads mirroring the same node type define its op once


def _forward(*arrays: np.ndarray, torch_op: TorchOp) -> np.ndarray:
    return torch_op.forward(arrays)


def _vjp(g: Any, inputs: Any, out: Any, torch_op: TorchOp) -> tuple:
    return torch_op.vjp(g)


def record_for(torch_name: str) -> Op:
    """The record of the opaque op for the PyTorch node type ``torch_name``: defined through
    ``define_tensor_op`` the first time, the same record every time after (a second mirror of the
    same node type reuses it; nothing is defined again).

    >>> record = record_for("DocExampleBackward")
    >>> record.name, record.formula[0], record_for("DocExampleBackward") is record
    ('torch_doc_example', "g through PyTorch's DocExampleBackward", True)
    """
    with _DEFINING:
        record = _RECORDS.get(torch_name)
        if record is None:
            name = _free_name(op_name(torch_name))
            words = f"g through PyTorch's {torch_name[:100]}".replace("{", "{{").replace("}", "}}")
            define_tensor_op(name, _forward, _vjp, formula=(words,) * 8)
            record = _RECORDS[torch_name] = TENSOR_OPS[name]
        return record


def _free_name(name: str) -> str:
    """``name``, or ``name_2``, ``name_3``, ... if another op (a user's, or another node type's
    that reads the same) has it already: an opaque op never replaces one."""
    candidate, number = name, 1
    while candidate in TENSOR_OPS:
        number += 1
        suffix = f"_{number}"
        candidate = name[: MAX_NAME - len(suffix)] + suffix
    return candidate


def opaque(
    node: TorchNode, parents: Sequence[Tensor], nr: int, kept: Any, inputs_known: bool = True
) -> tuple[Tensor, TorchOp]:
    """The mirror of output ``nr`` of a PyTorch node chainrule cannot rebuild, and what it keeps.
    ``inputs_known``: False when an input's value is unknown, so running the op again tells nothing."""
    inputs = [p._data for p in parents]
    rerun = aten_rerun(node, inputs, nr, kept) if inputs_known or kept is not None else None
    if kept is not None:
        value = to_array(kept)
    elif rerun is not None and inputs_known:
        value = rerun(inputs)[nr]
    else:
        value = _unknown(node, nr)
        warnings.warn(
            f"from_torch: PyTorch kept no forward value of {node.name} (output {nr}) and it cannot be run again; "
            "its mirror shows NaN there (gradients are PyTorch's own and unaffected)",
            TorchMirrorWarning,
            stacklevel=4,
        )
    handle = TorchOp(node, nr, inputs, value, rerun)
    return opaque_node(handle, parents), handle


def opaque_node(handle: TorchOp, parents: Sequence[Tensor]) -> Tensor:
    """The chainrule node of an opaque op, named after PyTorch's node (``torch:GeluBackward0``)."""
    out = record_for(handle.node.name).apply(*parents, torch_op=handle)
    out.name = f"torch:{handle.node.name}"
    out.arg = None  # the op's parameter is PyTorch's node, already in the name: no second copy in captions
    return out


def _unknown(node: TorchNode, nr: int) -> np.ndarray:
    try:
        shape, dtype = node.output_shape(nr), node.output_dtype(nr)
    except Unsupported:
        raise ValueError(f"from_torch: PyTorch kept neither the value nor the shape of {node.name}'s output") from None
    return np.full(shape, np.nan, dtype=dtype if dtype.kind == "f" else np.float64)


# -- running a PyTorch op again ---------------------------------------------------------------------
def aten_rerun(node: TorchNode, inputs: Sequence[np.ndarray], nr: int, kept: Any) -> Callable | None:
    """The PyTorch op behind ``node`` as a function of its inputs' arrays (all its outputs, as
    arrays), found in ``torch.ops.aten`` by the node's name and called with what the node saved;
    None if there is no such op, if the node is a Python ``autograd.Function`` (whose name says
    nothing of what it computes), or if run on ``inputs`` it does not give output ``nr`` as PyTorch
    kept it."""
    if node.is_python_function:
        return None  # its name is its author's class name, not the name of an aten op
    torch = import_torch()
    packet = getattr(torch.ops.aten, _snake(node.name), None)
    if packet is None or not hasattr(packet, "overloads"):
        return None
    try:
        expected = node.output_shape(nr)
    except Unsupported:
        expected = None
    for overload in packet.overloads():
        call = _call_for(node, getattr(packet, overload))
        if call is None:
            continue
        try:
            result = call(inputs)
        except Exception:  # noqa: BLE001 - an overload that does not fit these arguments: try the next
            continue
        if nr >= len(result) or (expected is not None and result[nr].shape != expected):
            continue
        if kept is None or _same(result[nr], to_array(kept)):
            return call
    return None


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True))


def _call_for(node: TorchNode, op: Any) -> Callable | None:
    """The overload ``op`` called with what ``node`` saved, if its arguments account for all of it."""
    torch = import_torch()
    arguments = {argument.name for argument in op._schema.arguments}
    saved = {name for name in node.saved_names() if "sym_" not in name and not name.startswith("result")}
    if not saved <= arguments:  # e.g. var(self, unbiased) for a node that saved a dim: another overload
        return None
    fixed: dict[str, Any] = {}
    slots: list[tuple[str, int]] = []  # (argument, input index) for the arguments that are inputs
    edges = node.edges
    edge, given = 0, 0
    for argument in op._schema.arguments:
        kind = str(argument.type)
        if kind in ("Tensor", "Tensor?") and edge < len(edges):
            if edges[edge][0] is not None:
                slots.append((argument.name, given))
                given += 1
            else:
                value = node.saved(argument.name, MISSING)
                if value is MISSING:
                    return None
                fixed[argument.name] = value
            edge += 1
            continue
        value = node.saved(argument.name, MISSING)
        if value is not MISSING:
            fixed[argument.name] = value
        elif not argument.has_default_value():
            return None
    if edge != len(edges):
        return None

    def rerun(arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        arguments = dict(fixed)
        for name, index in slots:
            arguments[name] = torch.from_numpy(np.array(arrays[index]))
        with torch.no_grad():
            result = op(**arguments)
        result = result if isinstance(result, (tuple, list)) else (result,)
        return [to_array(r) if isinstance(r, torch.Tensor) else np.asarray(r) for r in result]

    return rerun
