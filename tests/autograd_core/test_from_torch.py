"""autograd_core.from_torch on a real PyTorch: the mirror computes what PyTorch computed, its
gradients are PyTorch's (the oracle), and every chainrule view works on it."""

import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import viz
from autograd_core import (
    TENSOR_OPS,
    compare_with_torch,
    define_tensor_op,
    from_torch,
    gradcheck,
    topological_order,
)
from autograd_core.ops.record import check_op_name
from autograd_core.torch_mirror import TorchMirror, TorchMirrorWarning
from autograd_core.torch_mirror.opaque import op_name
from autograd_core.torch_mirror.rules import RULES, Rule
from autograd_core.words import format_number

DTYPES = {torch.float32: 1e-6, torch.float64: 1e-12}  # the largest |chainrule - PyTorch| allowed

# Small tensors: one thread is faster than PyTorch's default of one per core, which the other
# processes of a test run share.
torch.set_num_threads(1)


def tanh_layer(dtype):
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, generator=generator, dtype=dtype)
    W = torch.randn(3, 5, generator=generator, dtype=dtype, requires_grad=True)
    b = torch.randn(5, generator=generator, dtype=dtype, requires_grad=True)
    return torch.tanh(x @ W + b).sum(), {x: "x", W: "W", b: "b"}, (W, b)


def mlp_loss(dtype):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).to(dtype)
    x = torch.randn(5, 6, dtype=dtype)
    labels = torch.tensor([0, 2, 1, 1, 0])
    return F.cross_entropy(net(x), labels), net, x


def dot_of(root) -> str:
    return viz.draw(root).source


def drawn(source: str) -> tuple[dict, list]:
    """The value boxes of a DOT diagram ({id: label}) and its edges from a box into an op ((box, label or None))."""
    boxes = dict(re.findall(r"^\t(v\d+) \[label=<(.*)> shape=box", source, re.M))
    # an edge's other attributes (weight=3: a value used once, held short) follow its label
    edges = re.findall(r"^\t(v\d+) -> o\d+(?: \[(?:label=<(.*)>)?(?: ?\w+=[^ \]]+)*\])?$", source, re.M)
    return boxes, edges


def assert_fully_drawn(root) -> None:
    """Every box shows its value (shape, dtype, numbers) and, when it needs one, its gradient; every
    edge from a box that receives a gradient carries the local derivative (the VJP in words)."""
    boxes, edges = drawn(dot_of(root))
    nodes = topological_order(root)
    assert len(boxes) == len(nodes)
    needs_grad = {box for box, label in boxes.items() if "grad " in label}
    assert len(needs_grad) == sum(n.requires_grad for n in nodes)
    assert all("float" in label for label in boxes.values())
    assert edges and all(label for box, label in edges if box in needs_grad)


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_tanh_layer_gradients_are_pytorchs(dtype):
    y, names, (W, b) = tanh_layer(dtype)
    expected = torch.autograd.grad(y, (W, b), retain_graph=True)
    mirror = from_torch(y, names=names)
    assert mirror.op == "sum" and mirror.parents[0].op == "tanh"
    assert mirror.item() == pytest.approx(y.item(), rel=1e-6)
    mirror.backward()
    leaves = {n.name: n for n in topological_order(mirror) if not n.parents}
    assert set(leaves) == {"x", "W", "b"} and leaves["x"].grad is None  # the data batch needs no gradient
    for name, grad in (("W", expected[0]), ("b", expected[1])):
        assert leaves[name].dtype == np.dtype(str(dtype).replace("torch.", ""))
        assert np.max(np.abs(leaves[name].grad - grad.numpy())) <= DTYPES[dtype]


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_mlp_with_cross_entropy_gradients_are_pytorchs_and_named_after_the_parameters(dtype):
    loss, net, x = mlp_loss(dtype)
    expected = dict(zip([n for n, _ in net.named_parameters()],
                        torch.autograd.grad(loss, list(net.parameters()), retain_graph=True)))
    mirror = from_torch(loss, named=net, names={x: "x"})
    mirror.backward()
    leaves = {n.name: n for n in topological_order(mirror) if not n.parents and n.requires_grad}
    assert set(leaves) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    for name, grad in expected.items():
        assert np.max(np.abs(leaves[name].grad - grad.numpy())) <= DTYPES[dtype], name
    ops = [n.op for n in topological_order(mirror) if n.parents]
    assert {"matmul", "add", "relu", "log_softmax", "mean"} <= set(ops) and not any(o.startswith("torch_") for o in ops)


def test_the_mirror_draws_values_gradients_and_local_derivatives_on_every_edge():
    y, names, _ = tanh_layer(torch.float64)
    mirror = from_torch(y, names=names)
    mirror.backward()
    assert_fully_drawn(mirror)
    source = dot_of(mirror)
    # the edges' words are the step text's: the tanh edge calls the output by its caption
    for text in ("<b>W</b>", "3×5  float64", "g ⊙ (1 − tanh(x@W + b)²)", "xᵀ @ g", "g summed over the batch, axis 0",
                 "grad 1"):
        assert text in source, text
    loss, net, x = mlp_loss(torch.float32)
    mlp = from_torch(loss, named=net, names={x: "x"})
    mlp.backward()
    assert_fully_drawn(mlp)


def test_gradcheck_runs_on_the_mirror_rebuilt_from_perturbed_leaves():
    y, names, _ = tanh_layer(torch.float64)
    mirror = TorchMirror(y, names=names)
    report = gradcheck(mirror.rebuild, *mirror.leaves)
    assert report.passed and [row.name for row in report.rows] == ["W", "b"]
    # and it is a real check: a rule with a wrong derivative is named by gradcheck too
    bad = define_tensor_op("bad_sum_for_test", lambda a: a.sum(), lambda g, inputs, out: (2 * g + 0 * inputs[0],))
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(RULES, "SumBackward0", Rule(("self",), lambda node, args, nr: bad(args[0])))
        broken = TorchMirror(y, names=names)
        failed = gradcheck(broken.rebuild, *broken.leaves, raise_exception=False)
    assert not failed.passed and failed.local_mismatches[0].op == "bad_sum_for_test"


def test_the_stepper_and_the_quiz_run_on_the_textbook_apples_written_in_pytorch():
    apple, count, tax = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (100.0, 2.0, 1.1))
    price = apple * count * tax
    mirror = from_torch(price, names={apple: "apple", count: "count", tax: "tax"})
    steps = mirror.backprop()
    first = str(steps.step())
    assert "d(tax)" in first and "200" in first
    steps.back()
    answers = {"dtax = ? ": "200", "d(apple*count) = ? ": "1.1", "dapple = ? ": "2.2", "dcount = ? ": "110"}
    score = steps.quiz(read=answers.__getitem__, show=lambda text: None)
    assert score.right == 4
    leaves = {n.name: float(n.grad) for n in topological_order(mirror) if not n.parents}
    assert leaves == pytest.approx({"apple": 2.2, "count": 110.0, "tax": 200.0})


def test_stepping_the_mlp_mirror_gives_backwards_gradients_and_a_lecture_page(tmp_path):
    loss, net, x = mlp_loss(torch.float64)
    mirror = from_torch(loss, named=net)
    steps = mirror.backprop()
    texts = [str(s) for s in steps]
    assert any("softmax" in t for t in texts) and steps.done
    stepped = {n.name: n.grad.copy() for n in topological_order(mirror) if n.name}
    again = from_torch(loss, named=net)
    again.backward()
    for node in topological_order(again):
        if node.name:
            np.testing.assert_array_equal(node.grad, stepped[node.name])
    page = viz.lecture(again, tmp_path / "torch.html")
    assert "0.weight" in page.read_text()


def test_an_op_without_a_counterpart_is_an_opaque_pytorch_node_drawn_stepped_and_gradchecked():
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, generator=generator, dtype=torch.float64)
    W = torch.randn(3, 2, generator=generator, dtype=torch.float64, requires_grad=True)
    y = (F.gelu(x @ W) * 2).sum()
    mirror = TorchMirror(y, names={x: "x", W: "W"})
    gelu = next(n for n in topological_order(mirror.root) if n.name == "torch:GeluBackward0")
    assert gelu.op == "torch_gelu" and "torch_gelu" in TENSOR_OPS
    assert mirror.opaque == [("GeluBackward0", "chainrule has no op of this meaning")]
    np.testing.assert_allclose(gelu.data, F.gelu(x @ W).detach().numpy(), rtol=1e-12)
    steps = mirror.root.backprop()
    texts = "\n".join(str(s) for s in steps)
    assert "torch:GeluBackward0 = torch_gelu(x@W)" in texts and "through PyTorch's GeluBackward0" in texts
    (expected,) = torch.autograd.grad(y, W, retain_graph=True)
    assert np.max(np.abs(mirror.leaves[0].grad - expected.numpy())) <= 1e-12
    assert "torch:GeluBackward0" in dot_of(mirror.root)
    # gradcheck perturbs W: the opaque node runs GELU again through torch.ops.aten
    assert gradcheck(mirror.rebuild, *mirror.leaves).passed


def test_a_custom_autograd_function_is_opaque_and_its_backward_is_its_own():
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * g * x**2

    w = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    y = (Cube.apply(w) * w).sum()
    report = compare_with_torch(y, names={w: "w"})
    assert report.passed, report
    assert report.mirror.opaque[0][0] == "CubeBackward"
    assert report.mirror.leaves[0].grad == pytest.approx([4 * 0.5**3, 4 * 1.5**3 * -1])


def test_an_opaque_op_is_defined_once_per_node_type_and_never_takes_a_users_name():
    class UniqueSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x

    mine = define_tensor_op("torch_unique_square", np.square, lambda g, inputs, out: (2 * g * inputs[0],))
    users = TENSOR_OPS["torch_unique_square"]
    w = torch.tensor([0.5, -2.0], dtype=torch.float64, requires_grad=True)
    first, second = (TorchMirror((UniqueSquare.apply(w) * w).sum(), names={w: "w"}) for _ in range(2))
    opaque = [next(n for n in m.ops if n.name == "torch:UniqueSquareBackward") for m in (first, second)]
    assert opaque[0].op_record is opaque[1].op_record  # the second mirror reused the first's record
    assert opaque[0].op == "torch_unique_square_2" and TENSOR_OPS["torch_unique_square"] is users
    assert mine(np.array([3.0])).data.tolist() == [9.0]  # the user's op still works as defined
    second.root.backward()
    assert second.leaves[0].grad.tolist() == [3 * 0.5**2, 3 * 2.0**2]  # d/dw sum(w² · w) = 3w², by hand


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_any_name_pytorch_gives_a_node_makes_a_valid_op_name(name):
    """A custom autograd.Function may have any class name (Unicode, very long): the op's name is
    still one the engine's own check accepts."""
    made = op_name(name + "Backward")
    assert check_op_name(made, "test") == made and made.startswith("torch")


def test_a_python_function_named_like_a_pytorch_op_is_not_run_as_that_op():
    class Gelu(torch.autograd.Function):  # doubles its input: not GELU, whatever its name says
        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    x = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
    with pytest.warns(TorchMirrorWarning, match="PyTorch kept no forward value of GeluBackward"):
        report = compare_with_torch(Gelu.apply(x).sum(), names={x: "x"})
    opaque = next(n for n in report.mirror.ops if n.name == "torch:GeluBackward")
    assert np.isnan(opaque.data).all()  # unknown, said so, rather than torch.ops.aten.gelu's numbers
    assert report.passed and report.mirror.leaves[0].grad.tolist() == [2.0, 2.0]


def test_compare_names_the_node_where_the_gradients_part(monkeypatch):
    bad_tanh = define_tensor_op("bad_tanh_for_test", np.tanh, lambda g, inputs, out: (g * (1 - out),))
    monkeypatch.setitem(RULES, "TanhBackward0", Rule(("self",), lambda node, args, nr: bad_tanh(args[0])))
    y, names, _ = tanh_layer(torch.float64)
    report = compare_with_torch(y, names=names)
    assert not report.passed
    assert "gradients first differ at node 'x@W + b' (PyTorch's AddBackward0[0])" in report.first_difference
    assert "came from TanhBackward0" in report.first_difference
    first = next(row for row in report.rows if not row.ok)  # numbers in the engine's one format (4 digits)
    assert f"= {format_number(first.max_abs_difference)} (largest" in report.first_difference
    assert "DIFFERS" in repr(report)


def test_a_convolutional_network_in_float64_mirrors_without_opaque_nodes():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.BatchNorm2d(3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.AvgPool2d(2, stride=1), torch.nn.Flatten(), torch.nn.Linear(3 * 3 * 3, 4), torch.nn.BatchNorm1d(4),
        torch.nn.Tanh(), torch.nn.Linear(4, 3),
    ).double()
    x = torch.randn(5, 2, 8, 8, dtype=torch.float64)
    loss = F.cross_entropy(net(x), torch.tensor([0, 1, 2, 1, 0]))
    report = compare_with_torch(loss, named=net)
    assert report.passed, report
    assert report.mirror.opaque == [] and report.mirror.value_gaps == []
    ops = {n.op for n in report.mirror.ops}
    assert {"conv2d", "batch_norm", "max_pool2d", "avg_pool2d", "reshape", "relu", "tanh"} <= ops
    net.eval()
    report = compare_with_torch(F.cross_entropy(net(x), torch.tensor([0, 1, 2, 1, 0])), named=net)
    assert report.passed and report.mirror.opaque == []


def test_a_constant_pytorch_kept_nowhere_is_said_and_gradients_stay_right():
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=torch.float64, requires_grad=True)
    with pytest.warns(TorchMirrorWarning, match="PyTorch kept no forward value of AddBackward0"):
        report = compare_with_torch((1 / (1 + x * x)).tanh().sum())
    assert report.passed, report
    # a kept output lets the mirror recover the constant: (x + 2) * x saves x + 2
    y = ((x + 2) * x).sum()
    mirror = TorchMirror(y)
    assert mirror.opaque == [] and mirror.root.item() == pytest.approx(y.item())
    add = next(n for n in mirror.ops if n.op == "add")
    assert add.parents[1].data.shape == () and float(add.parents[1].data) == 2.0


def test_bad_input_is_refused_clearly():
    with pytest.raises(TypeError, match="expected a PyTorch tensor"):
        from_torch(np.ones(3))
    with pytest.raises(ValueError, match="does not require a gradient"):
        from_torch(torch.ones(3).sum())
    with pytest.raises(TypeError, match="named= must be a torch.nn.Module"):
        from_torch(torch.ones(2, requires_grad=True).sum(), named={"a": 1})
    w = torch.ones(2, requires_grad=True)
    y = (w.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="call from_torch before backward, or call backward\\(retain_graph=True\\)"):
        from_torch(y)


def test_a_leaf_itself_is_mirrored_as_a_leaf():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    mirror = from_torch(w, names={w: "w"})
    assert mirror.name == "w" and mirror.requires_grad and not mirror.parents


# -- random graphs: the mirror's gradients are PyTorch's ----------------------------------------------
UNARY = {
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "neg": lambda t: -t, "sin": torch.sin,
    "exp": lambda t: torch.exp(torch.tanh(t)), "square": lambda t: t**2, "scale": lambda t: t * 3.0,
    "half": lambda t: t / 2, "softmax": lambda t: t.softmax(1), "log_softmax": lambda t: t.log_softmax(0),
    "transpose_back": lambda t: t.t().contiguous().t(), "view": lambda t: t.reshape(4, 3).reshape(3, 4),
    "row_max": lambda t: t - t.max(1, keepdim=True).values, "amax": lambda t: t * t.amax(0),
    "mean_rows": lambda t: t - t.mean(0), "sum_cols": lambda t: t * t.sum(1, keepdim=True),
    "index": lambda t: t[[2, 0, 1]], "slice": lambda t: torch.cat([t[1:], t[:1]], 0),
    "select_stack": lambda t: torch.stack([t[0], t[1], t[2]], 0), "sqrt": lambda t: (t * t + 1).sqrt(),
    "log": lambda t: torch.log(t * t + 1), "abs": torch.abs, "expand": lambda t: t[:1].expand(3, 4) * t,
    "gelu": torch.nn.functional.gelu, "clamp": lambda t: t.clamp(-0.5, 0.5), "plus_one": lambda t: (t + 1) * t,
    "var": lambda t: t - t.var(0), "std": lambda t: t * t.std(1, keepdim=True), "flip": lambda t: t.flip(1) * t,
    "roll": lambda t: t.roll(1, 0) + t, "index_select": lambda t: t.index_select(0, torch.tensor([2, 2, 0])),
    "cumsum": lambda t: t.cumsum(1), "layer_norm": lambda t: F.layer_norm(t, (4,)),  # PyTorch's own backward
}
BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": lambda a, b: a / (b * b + 1),
    "matmul": lambda a, b: a @ b.t() @ a, "maximum": torch.maximum, "where": lambda a, b: torch.where(a > b, a, b),
    "pow": lambda a, b: (a * a + 1) ** torch.tanh(b),
}


@st.composite
def torch_graphs(draw):
    dtype = draw(st.sampled_from([torch.float64, torch.float32]))
    seed = draw(st.integers(0, 2**16))
    generator = torch.Generator().manual_seed(seed)
    leaves = [torch.randn(3, 4, generator=generator, dtype=dtype, requires_grad=True) for _ in range(3)]
    pool = list(leaves) + [torch.randn(3, 4, generator=generator, dtype=dtype)]  # and a constant
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(UNARY)))
            pool.append(UNARY[name](draw(st.sampled_from(pool))))
        else:
            name = draw(st.sampled_from(sorted(BINARY)))
            pool.append(BINARY[name](draw(st.sampled_from(pool)), draw(st.sampled_from(pool))))
    out = pool[-1]
    reduce = draw(st.sampled_from(["sum", "mean", "ce", "mse"]))
    if reduce == "ce":
        out = F.cross_entropy(out, torch.tensor([0, 3, 1]))
    elif reduce == "mse":
        out = F.mse_loss(out, pool[3])
    else:
        out = getattr(out, reduce)()
    return out


@settings(max_examples=40, deadline=None)
@given(torch_graphs())
def test_random_graphs_have_pytorchs_gradients_at_every_node(out):
    # Tolerances: float64 1e-12 absolute + 1e-10 relative per element (summation order differs by a
    # few ulps per op); float32 1e-6 + 1e-4 (its unit roundoff is 6e-8, and exp/log amplify it).
    assume(out.requires_grad)  # a drawn graph that never touched a leaf: nothing for PyTorch to record
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TorchMirrorWarning)
        report = compare_with_torch(out)
    assert report.passed, repr(report)
