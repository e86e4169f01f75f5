"""Regressions found by review: each was a silently wrong number or a state leak."""

from __future__ import annotations

import gc
import math
import threading

import numpy as np
import pytest

from autograd_core import Tensor, Value, define_op, no_grad


def test_gather_with_negative_rows_that_pick_one_entry_twice_accumulates():
    # rows -1 and 2 of a 3-row array are the same row: the gradient must be 2 there, as np.add.at gives.
    x = Tensor(np.arange(9.0).reshape(3, 3), requires_grad=True)
    rows, cols = np.array([-1, 2]), np.array([0, 0])
    x[rows, cols].sum().backward()
    expected = np.zeros((3, 3))
    np.add.at(expected, (rows, cols), 1.0)
    np.testing.assert_array_equal(x.grad, expected)


@pytest.mark.parametrize("ufunc", [np.floor, np.sign, np.exp])
def test_numpy_out_into_a_recorded_tensor_is_refused(ufunc):
    x = Tensor([1.5, 2.5], requires_grad=True)
    y = x * x
    before = y.data.copy()
    with pytest.raises(TypeError, match="out="):
        ufunc(y, out=y)
    np.testing.assert_array_equal(y.data, before)  # nothing written: later gradients stay right


def test_numpy_clip_keeps_the_gradient_of_tensor_bounds():
    x = Tensor([0.0, 1.0, 3.0], requires_grad=True)
    low = Tensor([0.5, 0.5, 0.5], requires_grad=True)
    np.clip(x, low, 2.0).sum().backward()
    # d/dlow of max(x, low) is 1 where low wins (x < low), by hand
    np.testing.assert_array_equal(low.grad, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


def test_a_derivative_written_with_math_functions_is_refused_under_create_graph():
    # math.exp(Value) would turn the Value into a float: a constant derivative, wrong second order.
    name = "math_exp_for_the_regression_test"
    op = define_op(name, lambda x: math.exp(x), lambda x, out: (math.exp(x),))
    a = Value(1.0)
    (op(a) * a).backward()
    assert a.grad == pytest.approx(2 * math.e)  # first order is fine: (e^a * a)' = e^a (1 + a)
    b = Value(1.0)
    with pytest.raises(TypeError, match=f"{name}: its derivative could not run on Values"):
        (op(b) * b).backward(create_graph=True)
    assert b.grad == 0.0  # nothing half-written
    with no_grad():  # the derivative's own refusal is over: float() works where no gradient is lost
        assert float(b) == 1.0


def test_stepping_and_backward_in_two_threads_leave_the_gc_setting_as_found():
    assert gc.isenabled()
    errors: list[BaseException] = []

    def stepper() -> None:
        try:
            for _ in range(300):
                a = Value(2.0)
                (a * a).backprop().run()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def backward() -> None:
        try:
            for _ in range(300):
                a = Value(2.0)
                (a * a).backward()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=stepper), threading.Thread(target=backward)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled()


def test_a_refused_numpy_function_is_named_as_the_user_wrote_it():
    t = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(TypeError, match=r"^np\.linalg\.norm has no Tensor op"):
        np.linalg.norm(t)
