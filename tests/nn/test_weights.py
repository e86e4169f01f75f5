"""Weights saved as .npz and loaded back; errors name the file and the arrays."""

from __future__ import annotations

import numpy as np
import pytest

from nn.multilayer import mlp
from nn.two_layer_net import TwoLayerNet
from nn.weights import load_weights, read_weights, save_weights


def test_module_round_trip(tmp_path):
    path = tmp_path / "w.npz"
    a, b = mlp([5, 4, 3], seed=0), mlp([5, 4, 3], seed=1)
    save_weights(a, path)
    assert sorted(read_weights(path)) == ["0.W", "0.b", "2.W", "2.b"]
    load_weights(b, path)
    x = np.random.default_rng(0).random((2, 5))
    np.testing.assert_array_equal(a(x).data, b(x).data)


def test_two_layer_net_round_trip(tmp_path):
    path = tmp_path / "net.npz"
    a, b = TwoLayerNet(4, 3, 2, seed=0), TwoLayerNet(4, 3, 2, seed=1)
    save_weights(a, path)
    load_weights(b, path)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])


def test_missing_and_misshaped_arrays_are_named(tmp_path):
    path = tmp_path / "small.npz"
    np.savez(path, **{"0.W": np.zeros((5, 4)), "0.b": np.zeros(7)})
    model = mlp([5, 4, 3], seed=0)
    with pytest.raises(ValueError) as info:
        load_weights(model, path)
    message = str(info.value)
    assert str(path) in message
    assert "missing array(s) '2.W', '2.b'" in message and "'0.b' has shape (7,), the model expects (4,)" in message
    net = TwoLayerNet(4, 3, 2)
    with pytest.raises(ValueError, match=r"small.npz: missing array 'W1'.*unexpected array '0.W'"):
        load_weights(net, path)


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, W=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="evil.npz is not a readable .npz weights file"):
        read_weights(path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_weights(tmp_path / "none.npz")
