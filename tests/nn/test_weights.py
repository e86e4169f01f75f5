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
    expected = r"small.npz: missing array\(s\) 'W1', 'b1', 'W2', 'b2'; unexpected array\(s\) '0.W', '0.b'"
    with pytest.raises(ValueError, match=expected):
        load_weights(net, path)


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, W=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="evil.npz is not a readable .npz weights file"):
        read_weights(path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_weights(tmp_path / "none.npz")


# -- all or nothing, clear errors, atomic saves ----------------------------------------------------
def test_a_bad_last_array_changes_nothing(tmp_path):
    net = TwoLayerNet(4, 3, 2, seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    good = TwoLayerNet(4, 3, 2, seed=1).params
    path = tmp_path / "bad-b2.npz"
    np.savez(path, W1=good["W1"], b1=good["b1"], W2=good["W2"], b2=np.zeros(5))
    with pytest.raises(ValueError, match=r"bad-b2.npz: array 'b2' has shape \(5,\), the model expects \(2,\)"):
        load_weights(net, path)
    for key, array in before.items():
        np.testing.assert_array_equal(net.params[key], array)  # W1, b1, W2 untouched too


@pytest.mark.parametrize("target", ["net", "dict", "module"])
def test_complex_arrays_are_refused_not_truncated(tmp_path, target):
    model = {"net": TwoLayerNet(4, 3, 2, seed=0), "dict": {"w": np.ones(3)}, "module": mlp([4, 3], seed=0)}[target]
    arrays = dict(read_weights_of(model))
    first = sorted(arrays)[0]
    arrays[first] = arrays[first] + 1j
    path = tmp_path / "complex.npz"
    np.savez(path, **arrays)
    before = {k: v.copy() for k, v in read_weights_of(model).items()}
    with pytest.raises(ValueError, match=r"complex.npz.*'" + first.replace(".", r"\.") + "'.*complex128"):
        load_weights(model, path)
    for key, array in read_weights_of(model).items():
        np.testing.assert_array_equal(array, before[key])


def read_weights_of(model):
    from nn.weights import _arrays_of

    return _arrays_of(model)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"is a \.npy file \(one unnamed array\), not an \.npz archive"),
        (b"", r"is not a readable \.npz weights file \(empty\)"),
        (b"garbage, not weights", r"is not a readable \.npz weights file \(not a zip archive\)"),
        (b"PK\x03\x04 and then nothing", r"is not a readable \.npz weights file"),
    ],
)
def test_files_that_are_not_npz_are_named(tmp_path, content, message):
    path = tmp_path / "weights.npz"
    if content is None:
        with open(path, "wb") as f:
            np.save(f, np.zeros(3))
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as info:
        load_weights({"w": np.zeros(3)}, path)
    assert str(path) in str(info.value)
    with pytest.raises(ValueError, match="is a folder"):
        read_weights(tmp_path)


def test_saving_onto_a_folder_is_refused_and_leaves_nothing(tmp_path):
    folder = tmp_path / "weights.npz"
    folder.mkdir()
    with pytest.raises(OSError, match="save_weights: cannot write .*weights.npz': is a folder, not a file"):
        save_weights({"w": np.zeros(3)}, folder)
    assert list(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())


def test_an_interrupted_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    import nn.weights

    path = tmp_path / "w.npz"
    save_weights({"w": np.arange(3.0)}, path)
    original = path.read_bytes()

    def interrupted_savez(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(nn.weights.np, "savez", interrupted_savez)
    with pytest.raises(KeyboardInterrupt):
        save_weights({"w": np.zeros(3)}, path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def test_saving_into_a_missing_folder_makes_it_as_every_writer_does(tmp_path):
    path = tmp_path / "missing" / "w.npz"
    save_weights({"w": np.arange(3.0)}, path)
    assert read_weights(path)["w"].tolist() == [0.0, 1.0, 2.0]


# -- every loaded value checked at the door --------------------------------------------------------
def bn_net(seed: int = 0):
    """float32 Linear then BatchNorm: parameters and running statistics, as the cnn model has them."""
    from nn import BatchNorm, Linear, Sequential

    return Sequential(Linear(2, 3, seed=seed, dtype=np.float32), BatchNorm(3))


NAN, INF = float("nan"), float("inf")
BAD_VALUES = [
    ("1.running_var", np.array([1.0, -1.0, 1.0], np.float32),
     r"array '1.running_var' holds -1 at index \(1,\); its values may not be negative"),
    ("1.running_var", np.array([1.0, NAN, 1.0], np.float32),
     r"array '1.running_var' holds nan at index \(1,\) \(1 of 3 values are nan or inf; pass allow_nonfinite=True"),
    ("0.W", np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 1e300]]),
     r"array '0.W' holds 1e300 at index \(1, 2\), beyond float32's range \(±3.403e38\)"),
    ("0.W", np.ones((2, 3), bool), r"array '0.W' has dtype bool, which does not fit the model's float32"),
    ("0.b", np.array([0.0, INF, -INF], np.float32), r"array '0.b' holds inf at index \(1,\) \(2 of 3 values"),
    ("1.gamma", np.array([NAN, NAN, NAN]), r"array '1.gamma' holds nan at index \(0,\) \(3 of 3 values"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_VALUES)
def test_values_the_model_cannot_use_are_refused_naming_the_array_and_the_file(tmp_path, name, value, message):
    import warnings

    arrays = read_weights_of(bn_net(1))
    arrays[name] = value
    path = tmp_path / "odd.npz"
    np.savez(path, **arrays)
    model = bn_net(0)
    before = read_weights_of(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused by the check, not after a NumPy cast warning
        with pytest.raises(ValueError, match=message) as info:
            load_weights(model, path)
    assert str(info.value).startswith(f"load_weights: {path}: ")
    for key, array in read_weights_of(model).items():
        np.testing.assert_array_equal(array, before[key])


def test_nan_weights_load_when_asked_but_a_negative_variance_never(tmp_path):
    arrays = read_weights_of(bn_net(1))
    arrays["0.W"] = np.full((2, 3), NAN, np.float32)
    path = tmp_path / "nan.npz"
    np.savez(path, **arrays)
    model = bn_net(0)
    load_weights(model, path, allow_nonfinite=True)
    assert np.isnan(model[0].W.data).all()
    arrays["1.running_var"] = np.array([1.0, -0.5, 1.0], np.float32)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="'1.running_var' holds -0.5"):
        load_weights(model, path, allow_nonfinite=True)


def test_integer_arrays_must_fit_the_models_integers(tmp_path):
    path = tmp_path / "counts.npz"
    np.savez(path, counts=np.array([5, 300]))
    target = {"counts": np.zeros(2, np.int8)}
    with pytest.raises(ValueError, match=r"array 'counts' holds 300 at index \(1,\), beyond int8's range"):
        load_weights(target, path)
    np.savez(path, counts=np.array([5, -7]))
    load_weights(target, path)
    assert target["counts"].tolist() == [5, -7] and target["counts"].dtype == np.int8


def test_many_problems_are_counted_after_the_first_eight(tmp_path):
    from nn.loading import MAX_PROBLEMS_LISTED

    path = tmp_path / "bad.npz"
    np.savez(path, **{f"w{i}": np.full(2, NAN) for i in range(12)})
    with pytest.raises(ValueError) as info:
        load_weights({f"w{i}": np.zeros(2) for i in range(12)}, path)
    message = str(info.value)
    assert message.count("holds nan") == MAX_PROBLEMS_LISTED == 8 and message.endswith("; and 4 more problem(s)")
