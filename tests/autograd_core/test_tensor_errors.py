"""Bad input to Tensor ops: every error names the op, the shapes or dtype, and the nodes."""

from __future__ import annotations

import operator

import numpy as np
import pytest

from autograd_core import DomainError, Tensor, Value, concatenate, softmax_cross_entropy, stack


def test_matmul_shape_mismatch_names_op_shapes_and_nodes():
    x = Tensor(np.ones((100, 784)), name="x")
    W = Tensor(np.ones((100, 10)), requires_grad=True, name="W2")
    with pytest.raises(ValueError) as info:
        x @ W
    message = str(info.value)
    for part in ("matmul", "(100, 784)", "(100, 10)", "'x'", "'W2'", "784", "100"):
        assert part in message, (part, message)


def test_matmul_batch_axes_and_scalars():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3, 4\).*\(5, 4, 2\).*batch"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 2)))
    with pytest.raises(ValueError, match="matmul.*at least one dimension"):
        Tensor(2.0) @ Tensor(np.ones(3))


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_broadcasting_mismatch_names_op_shapes_and_nodes(op):
    a = Tensor(np.ones((2, 3)), name="a")
    b = Tensor(np.ones(4) + 1, requires_grad=True, name="bias")
    apply = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}[op]
    with pytest.raises(ValueError) as info:
        apply(a, b)
    message = str(info.value)
    for part in (op, "(2, 3)", "(4,)", "'a'", "'bias'", "broadcast"):
        assert part in message, (part, message)


def test_broadcasting_mismatch_with_a_plain_array():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\).*and \(5,\) \(node const\)"):
        Tensor(np.ones((2, 3)), name="a") + np.ones(5)


def test_backward_without_grad_on_a_non_scalar_output():
    y = Tensor(np.ones((2, 3)), requires_grad=True, name="h") * 2
    with pytest.raises(ValueError, match=r"backward: output mul has shape \(2, 3\).*backward\(grad="):
        y.backward()


def test_backward_grad_of_the_wrong_shape_names_both_shapes():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"grad= has shape \(3, 2\).*shape \(2, 3\)"):
        y.backward(grad=np.ones((3, 2)))


def test_backward_on_a_tensor_that_needs_no_gradient():
    with pytest.raises(RuntimeError, match="does not require a gradient"):
        (Tensor(np.ones(2)) * 2).sum().backward()


@pytest.mark.parametrize(
    ("data", "dtype_name"),
    [(np.array(["a", "b"]), "<U1"), (np.array([1, None], dtype=object), "object"), ("text", "<U4"),
     (np.array([1 + 2j]), "complex128")],
)
def test_object_string_and_complex_arrays_raise_type_error_naming_the_dtype(data, dtype_name):
    with pytest.raises(TypeError, match=f"dtype {dtype_name}"):
        Tensor(data)


def test_unsupported_dtypes_and_operands():
    with pytest.raises(TypeError, match="float64 or float32, got int32"):
        Tensor([1, 2], dtype=np.int32)
    with pytest.raises(TypeError, match="dtype <U"):
        Tensor(np.ones(2)) + "x"
    with pytest.raises(TypeError, match="cannot combine a Tensor with a Value"):
        Tensor(np.ones(2)) * Value(2.0)
    with pytest.raises(TypeError, match="got a Tensor"):
        Tensor(Tensor(np.ones(2)))
    with pytest.raises(TypeError, match="name must be a string"):
        Tensor(1.0, name=3)


def test_domain_errors_raise_at_the_forward_step_naming_op_and_node():
    x = Tensor(np.array([1.0, 0.0, -2.0]), requires_grad=True, name="x")
    with pytest.raises(DomainError, match=r"log: log of a non-positive number in node leaf 'x'.*2 entries"):
        x.log()
    with pytest.raises(DomainError, match=r"sqrt: square root of a negative number in node leaf 'x'.*1 entry"):
        x.sqrt()
    with pytest.raises(DomainError, match="div: division by zero in node leaf 'x'"):
        Tensor(np.ones(3)) / x
    with pytest.raises(DomainError, match="pow: negative base with the non-integer exponent 0.5"):
        x**0.5
    with pytest.raises(DomainError, match="pow: zero raised to the negative exponent"):
        x**-1
    assert issubclass(DomainError, ValueError)


def test_shape_and_index_errors():
    t = Tensor(np.ones((2, 3)), name="t")
    with pytest.raises(ValueError, match=r"reshape: cannot reshape node leaf 't' of shape \(2, 3\).*into \(4, 2\)"):
        t.reshape(4, 2)
    with pytest.raises(IndexError, match=r"getitem: index 5 does not fit node leaf 't' of shape \(2, 3\)"):
        t[5]
    with pytest.raises(TypeError, match="index with an integer or boolean NumPy array"):
        t[Tensor([0.0])]
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of range for node leaf 't' of shape \(2, 3\)"):
        t.sum(axis=2)
    with pytest.raises(ValueError, match=r"concatenate: cannot join shapes \(2, 3\).*\(2, 2\).*axis 0"):
        concatenate([t, Tensor(np.ones((2, 2)))])
    with pytest.raises(ValueError, match="stack: cannot stack shapes"):
        stack([t, Tensor(np.ones(3))])
    with pytest.raises(TypeError, match="non-empty list"):
        concatenate([])
    with pytest.raises(ValueError, match="item: tensor leaf 't' has shape"):
        t.item()


def test_softmax_cross_entropy_label_errors():
    logits = Tensor(np.zeros((3, 4)), requires_grad=True, name="logits")
    with pytest.raises(ValueError, match=r"class indices must lie in \[0, 4\).*from 0 to 4"):
        softmax_cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"labels of shape \(2,\).*logits of shape \(3, 4\)"):
        softmax_cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match="non-integer"):
        softmax_cross_entropy(logits, np.array([0.5, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"logits must have shape \(batch, classes\)"):
        softmax_cross_entropy(Tensor(np.zeros((2, 3, 4))), np.zeros((2, 3), dtype=int))


@pytest.mark.parametrize("exponent", [float("inf"), float("nan")])
def test_non_finite_exponent_is_refused_by_name(exponent):
    t = Tensor(np.array([-2.0, 1.0]), requires_grad=True, name="t")
    with pytest.raises(DomainError, match=r"pow: the exponent must be a finite number, got .*'t'"):
        t**exponent
