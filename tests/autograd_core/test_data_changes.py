"""Data changed between the forward and the backward pass is refused at backward, naming the node;
reads never count, and an optimizer's update after backward works as before."""

import copy
import gc
import pickle
import weakref

import numpy as np
import pytest

from autograd_core import DataChangedError, Tensor, Value

WRITES = {
    "subscript": lambda d: d.__setitem__(Ellipsis, 100.0),
    "one entry": lambda d: d.__setitem__(0, 100.0),
    "a view of a view": lambda d: d.reshape(-1)[:1].__setitem__(slice(None), 100.0),
    "in-place operator": lambda d: d.__iadd__(1.0),
    "ufunc out=": lambda d: np.multiply(d, 2.0, out=d),
    "ufunc.at": lambda d: np.add.at(d, [0], 1.0),
    "np.copyto": lambda d: np.copyto(d, 7.0),
    "np.put": lambda d: np.put(d, [0], 7.0),
    "fill": lambda d: d.fill(7.0),
    "sort": lambda d: d.sort(),
}


def squared(x0=(3.0, -1.0)):
    x = Tensor(np.array(x0), requires_grad=True, name="x")
    return x, (x * x).sum()


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_into_an_input_after_the_forward_pass_is_refused_at_backward(write):
    x, y = squared()
    write(x.data)
    with pytest.raises(DataChangedError, match=r"node leaf 'x' \(shape \(2,\)\), an input of node mul, changed"):
        y.backward()
    assert x.grad is None and y.grad is None  # all or nothing: nothing was written


def test_assigning_data_of_another_shape_is_refused_naming_the_node_not_deep_in_numpy():
    x, y = squared()
    x.data = np.ones((2, 2))
    with pytest.raises(DataChangedError, match=r"'x' \(shape \(2, 2\)\)"):
        y.backward()


def test_an_output_changed_before_its_own_backward_step_is_refused():
    x = Tensor([0.5], requires_grad=True, name="x")
    e = x.exp()  # its VJP reads its own output
    y = (e * 2.0).sum()
    e.data[...] = 0.0
    with pytest.raises(DataChangedError, match="node exp"):
        y.backward()


def test_reads_do_not_count():
    x, y = squared()
    shown = repr(x.data), str(x.data), x.data.sum(), x.data * 2, x.data.copy(), x.data.T, np.exp(x.data)
    copied = x.data.copy()
    copied[...] = 0.0  # a copy is not the tensor's data
    assert type(shown[3]) is np.ndarray and shown[0] == "array([ 3., -1.])"
    y.backward()
    np.testing.assert_array_equal(x.grad, [6.0, -2.0])  # 2x, by hand


def test_an_optimizer_step_after_backward_then_a_new_forward_pass_works():
    x = Tensor(np.array([3.0, -1.0]), requires_grad=True, name="x")
    for _ in range(3):
        x.grad = None
        (x * x).sum().backward()
        x.data -= 0.25 * x.grad  # x <- x - 0.25 * 2x = x / 2
    np.testing.assert_allclose(x.data, np.array([3.0, -1.0]) / 8)


def test_the_stepper_refuses_the_step_that_would_read_changed_data():
    x, y = squared()
    steps = y.backprop()
    steps.step()  # the root: needs no input data
    x.data[0] = 5.0
    with pytest.raises(DataChangedError, match="'x'"):
        steps.run()
    assert x.grad is None


def test_keeping_data_does_not_keep_the_graph_alive():
    x = Tensor(np.ones(3), requires_grad=True)
    y = (x * 2.0).exp().sum()
    kept = y.data
    probe = weakref.ref(y.parents[0])
    del y
    gc.collect()
    assert probe() is None and float(kept) == pytest.approx(3 * np.exp(2.0))


def test_copies_and_pickles_keep_the_values_and_start_their_own_history():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    x.data[0] = 4.0
    for clone in (copy.copy(x), copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        assert clone.name == "x" and clone.data.tolist() == [4.0, 2.0]
        (clone * clone).sum().backward()
        np.testing.assert_array_equal(clone.grad, [8.0, 4.0])


def test_numpy_gives_exactly_an_ndarray_sharing_memory_for_other_libraries():
    x = Tensor([1.0, 2.0])
    assert type(x.numpy()) is np.ndarray and np.shares_memory(x.numpy(), x.data)


def test_a_value_changed_after_the_forward_pass():
    v = Value(3.0, name="v")
    w = v * v
    v.data = 100.0
    w.backward()  # first order uses the local derivatives recorded in the forward pass: 2 * 3
    assert v.grad == 6.0
    v.grad = 0.0
    with pytest.raises(DataChangedError, match="with respect to leaf 'v' was 3 in the forward pass and is 100 now"):
        w.backward(create_graph=True)
