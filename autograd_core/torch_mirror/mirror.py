"""Build a chainrule graph that computes what a PyTorch graph computed: :class:`TorchMirror`.

The PyTorch graph is read (:mod:`.read`), then its nodes are visited parents first.  A leaf becomes
a chainrule leaf holding the same values (named after the PyTorch tensor where it has a name); a
node of a known type becomes the chainrule op of the same meaning applied to the mirrors of its
inputs (:mod:`.rules`), so its value is computed by chainrule; any other node becomes an opaque
node whose backward is PyTorch's own (:mod:`.opaque`).  Wherever PyTorch kept a forward value, the
mirror's is compared with it (:attr:`TorchMirror.value_gaps`).

The first build records a plan (which rule, which constants), so :meth:`TorchMirror.rebuild` can
compute the same graph again from other leaves: that is the function ``gradcheck`` perturbs.

Example:
    >>> import torch
    >>> W = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    >>> mirror = TorchMirror(torch.tanh(W * 0.1).sum(), names={W: "W"})
    >>> [node.op for node in mirror.ops]
    ['mul', 'tanh', 'sum']
    >>> [(leaf.name, leaf.data.tolist()) for leaf in mirror.leaves]
    [('W', [[1.0, 2.0], [3.0, 4.0]])]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from ..graph import topological_order
from ..tensor import Tensor
from ..words import format_number
from .opaque import TorchOp, opaque, opaque_node
from .read import MISSING, TorchGraph, TorchNode, Unsupported, constant_name, leaf_names, read_graph, to_array
from .rules import RULES


class _Step(NamedTuple):
    """How to compute one output of one PyTorch node: ``constants`` fills the inputs PyTorch has no
    edge for; ``handle`` is set for an opaque node (else the node's rule is used)."""

    node: TorchNode
    nr: int
    constants: dict
    handle: TorchOp | None


class ValueGap(NamedTuple):
    """A forward value of the mirror that differs from the one PyTorch kept for the same node."""

    node: str
    output: int
    max_abs_difference: float

    def __str__(self) -> str:
        if self.max_abs_difference == float("inf"):
            return f"{self.node} (output {self.output}): the mirror's value is unknown (NaN) where PyTorch's is not"
        return f"{self.node} (output {self.output}): values differ by up to {format_number(self.max_abs_difference)}"


class TorchMirror:
    """The chainrule graph mirroring the PyTorch result ``output``, and how it maps onto PyTorch's.

    ``root`` is the mirror of ``output``; ``leaves`` are chainrule leaves holding the values of the
    PyTorch leaves ``torch_leaves`` (in the same order), named after ``names`` ({tensor: name}) or
    ``named``'s parameter paths (a ``torch.nn.Module``), else ``x0``, ``x1``, ...; ``mirror_of``
    maps each ``(grad_fn, output_nr)`` of PyTorch's graph to its chainrule node; ``opaque`` lists
    ``(node name, reason)`` for the nodes whose backward is PyTorch's own; ``value_gaps`` lists the
    nodes whose value differs from the one PyTorch kept.
    """

    def __init__(self, output: Any, *, named: Any = None, names: Mapping[Any, str] | None = None) -> None:
        graph: TorchGraph = read_graph(output)
        self.graph = graph
        self.torch_leaves = list(graph.leaves) if output.grad_fn is not None else [output]
        self.leaf_names, self._constant_names = leaf_names(self.torch_leaves, named, names)
        self.opaque: list[tuple[str, str]] = []
        self.value_gaps: list[ValueGap] = []
        self._plan: list[_Step] = []
        self._unknown: set[int] = set()  # ids of mirror nodes whose value PyTorch kept nowhere
        self.leaves = [
            Tensor(to_array(leaf), requires_grad=True, name=name)
            for leaf, name in zip(self.torch_leaves, self.leaf_names)
        ]
        if output.grad_fn is None:  # the result is a leaf itself
            self.mirror_of: dict = {}
            self.root = self.leaves[0]
            return
        self.mirror_of = self._build()
        self.root = self.mirror_of[(output.grad_fn, output.output_nr)]

    @property
    def ops(self) -> list[Tensor]:
        """The mirror's operation nodes, parents first."""
        return [node for node in topological_order(self.root) if node.parents]

    # -- building ---------------------------------------------------------------------------------
    def _uses(self) -> dict:
        used: dict = {}
        for node in self.graph.nodes:
            for fn, nr in node.edges:
                if fn is not None:
                    used.setdefault(fn, set()).add(nr)
        output = self.graph.output
        used.setdefault(output.grad_fn, set()).add(output.output_nr)
        return used

    def _build(self) -> dict:
        env: dict = {}
        used = self._uses()
        leaves = iter(self.leaves)
        for node in self.graph.nodes:
            if node.is_leaf:
                env[(node.fn, 0)] = next(leaves)
                continue
            for nr in sorted(used.get(node.fn, {0})):
                env[(node.fn, nr)] = self._first_build(node, nr, env)
        return env

    def _first_build(self, node: TorchNode, nr: int, env: dict) -> Tensor:
        rule = RULES.get(node.name)
        kept = self.graph.kept.get((node.fn, nr))
        constants: dict = {}
        out = None
        reason = "chainrule has no op of this meaning"
        if rule is not None:
            try:
                constants = self._constants(node, rule)
                args = _arguments(node, env, constants)
                if any(id(a) in self._unknown for a in args):
                    raise Unsupported("the value of one of its inputs is unknown (PyTorch kept it nowhere)")
                missing = [i for i, a in enumerate(args) if a is None and i not in rule.optional]
                if missing and rule.solve is not None and kept is not None:
                    solved = rule.solve(node, args, to_array(kept))
                    if solved is not None:
                        constants[missing[0]] = args[missing[0]] = solved
                        missing = missing[1:]
                if missing:
                    raise Unsupported(f"PyTorch kept no record of its input {missing[0]}, which needs no gradient")
                out = rule.build(node, args, nr)
                if kept is not None and out.shape != tuple(kept.shape):
                    raise Unsupported(f"the rule gave shape {out.shape}, PyTorch's output has {tuple(kept.shape)}")
            except Unsupported as why:
                out, reason = None, str(why)
            except (ValueError, TypeError, ArithmeticError) as error:
                out, reason = None, f"chainrule's op refused it: {error}"
        if out is None:
            parents = [env[edge] for edge in node.edges if edge[0] is not None]
            known = not any(id(p) in self._unknown for p in parents)
            out, handle = opaque(node, parents, nr, kept, inputs_known=known)
            if kept is None and not (known and handle.rerun is not None):
                self._unknown.add(id(out))
            self.opaque.append((node.name, reason))
            self._plan.append(_Step(node, nr, {}, handle))
            return out
        self._plan.append(_Step(node, nr, constants, None))
        if kept is not None:
            self._compare_value(node, nr, out, to_array(kept))
        return out

    def _constants(self, node: TorchNode, rule: Any) -> dict:
        """The values of the inputs PyTorch has no edge for, read from what the node saved (None: not kept)."""
        constants: dict = {}
        for i, (fn, _) in enumerate(node.edges):
            if fn is not None:
                continue
            if rule.inputs is None or i >= len(rule.inputs):
                constants[i] = None
                continue
            value = node.saved(rule.inputs[i], MISSING)
            if value is MISSING or value is None:
                constants[i] = None
            elif hasattr(value, "detach"):
                name = constant_name(value, self._constant_names)
                array = to_array(value)
                constants[i] = Tensor(array, name=name) if name is not None and array.dtype.kind == "f" else array
            else:
                constants[i] = np.asarray(value)
        return constants

    def _compare_value(self, node: TorchNode, nr: int, out: Tensor, kept: np.ndarray) -> None:
        ours = out.data.astype(np.float64)
        theirs = kept.astype(np.float64)
        if ours.shape != theirs.shape:
            return
        with np.errstate(invalid="ignore"):
            difference = np.abs(ours - theirs)
        same_nan = np.isnan(ours) & np.isnan(theirs)
        difference = np.where(same_nan, 0.0, np.where(np.isnan(difference), np.inf, difference))
        tolerance = (1e-4 if out.dtype == np.float32 else 1e-9) * (1.0 + np.abs(theirs))
        if np.any(~(difference <= tolerance)):
            self.value_gaps.append(ValueGap(node.name, nr, float(difference.max())))

    # -- again, from other leaves -----------------------------------------------------------------------
    def rebuild(self, *leaves: Tensor) -> Tensor:
        """The same computation from other leaves (one per :attr:`leaves`, same shapes): the function
        to give ``gradcheck``: ``gradcheck(mirror.rebuild, *mirror.leaves)``."""
        if len(leaves) != len(self.leaves):
            raise TypeError(f"TorchMirror.rebuild: expected {len(self.leaves)} leaves, got {len(leaves)}")
        if self.graph.output.grad_fn is None:
            return leaves[0]
        env: dict = {}
        given = iter(leaves)
        for node in self.graph.nodes:
            if node.is_leaf:
                env[(node.fn, 0)] = next(given)
        for step in self._plan:
            node = step.node
            if step.handle is not None:
                out = opaque_node(step.handle, [env[edge] for edge in node.edges if edge[0] is not None])
            else:
                out = RULES[node.name].build(node, _arguments(node, env, step.constants), step.nr)
            env[(node.fn, step.nr)] = out
        output = self.graph.output
        return env[(output.grad_fn, output.output_nr)]


def _arguments(node: TorchNode, env: dict, constants: dict) -> list:
    return [env[edge] if edge[0] is not None else constants.get(i) for i, edge in enumerate(node.edges)]


def from_torch(output: Any, *, named: Any = None, names: Mapping[Any, str] | None = None) -> Tensor:
    """The chainrule graph of a PyTorch result: its output node, ready to draw, step and check.

    ``output`` is a PyTorch tensor with a backward graph (a loss, before ``backward()`` is called
    or after ``backward(retain_graph=True)``).  Each node PyTorch recorded becomes the chainrule
    op of the same meaning (add, mul, matmul/addmm, tanh, relu, sum, mean, view, transpose,
    indexing, cat, softmax, log_softmax, nll_loss, convolution, max pooling, batch norm, ...),
    computed by chainrule from the leaves' values; a node chainrule has no op for becomes an opaque
    node named ``torch:<NodeName>`` whose backward calls PyTorch's node.  Leaves are named after
    ``names`` ({tensor: "name"}, data batches too) or the module ``named``'s parameter paths
    (``0.weight``), else ``x0``, ``x1``, ...  PyTorch is imported only here, when called.

    For the mapping back to PyTorch's nodes, the leaves and a rebuild function for ``gradcheck``,
    use :class:`TorchMirror`; to compare gradients node by node, :func:`compare_with_torch`.

    >>> import torch
    >>> x = torch.tensor([[0.5, -1.0]], dtype=torch.float64)
    >>> W = torch.tensor([[0.1, 0.2], [0.3, 0.4]], dtype=torch.float64, requires_grad=True)
    >>> b = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    >>> y = from_torch(torch.tanh(x @ W + b).sum(), names={W: "W", b: "b", x: "x"})
    >>> y.op, y.parents[0].op, round(y.item(), 6)
    ('sum', 'tanh', -0.536231)
    >>> y.backward()
    >>> b_mirror = y.parents[0].parents[0].parents[1]
    >>> b_mirror.name, b_mirror.grad.round(6)                # 1 - tanh(x @ W + b)**2
    ('b', array([0.940015, 0.915137]))
    """
    return TorchMirror(output, named=named, names=names).root
