"""load_weights is all or nothing under Ctrl-C: interrupted at every bytecode, and by real SIGINTs."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from interrupts import interrupt_everywhere, same_state

import nn.loading
from nn import BatchNorm, Linear, Sequential
from nn.two_layer_net import TwoLayerNet
from nn.weights import _arrays_of, load_weights, read_weights, save_weights

# The code that reads, checks and copies: every bytecode of these modules is a point to interrupt at.
LOADING = ["nn.weights", "nn.loading", "autograd_core.interrupts"]


def small_net(seed: int) -> Sequential:
    """Six arrays and two buffers: a Linear and a BatchNorm (its running statistics included)."""
    return Sequential(Linear(2, 3, seed=seed), BatchNorm(3))


@pytest.fixture
def saved_small_net(tmp_path):
    source = small_net(1)
    for array in (source[0].b, source[1].gamma, source[1].beta, source[1].running_mean):
        array.data[...] = [0.5, -0.5, 1.5]  # every array differs from a fresh model's
    source[1].running_var.data[...] = [2.0, 3.0, 4.0]
    path = tmp_path / "small.npz"
    save_weights(source, path)
    return path


def test_loading_a_module_is_all_or_nothing_at_every_bytecode(saved_small_net):
    report = interrupt_everywhere(
        lambda: small_net(0), lambda model: load_weights(model, saved_small_net), _arrays_of, LOADING,
        granularity="opcode",
    )
    assert report.points > 500 and not report.failures
    assert report.before and report.after  # both outcomes happen: the points cover the copy and what follows


def test_loading_a_params_dict_is_all_or_nothing_at_every_line(tmp_path):
    path = tmp_path / "net.npz"
    save_weights(TwoLayerNet(4, 3, 2, seed=1), path)
    report = interrupt_everywhere(
        lambda: TwoLayerNet(4, 3, 2, seed=0), lambda net: load_weights(net, path),
        lambda net: {key: array.copy() for key, array in net.params.items()},
        LOADING,
    )
    assert report.points > 50 and report.before and report.after and not report.failures


def test_without_holding_ctrl_c_the_same_test_catches_a_half_loaded_model(saved_small_net, monkeypatch):
    """The interrupt-everywhere test can fail: the copy loop alone, without ``uninterrupted()``,
    stops between two arrays."""
    monkeypatch.setattr(nn.loading, "uninterrupted", contextlib.nullcontext)
    with pytest.raises(AssertionError, match=r"neither before nor after") as info:
        interrupt_everywhere(
            lambda: small_net(0), lambda model: load_weights(model, saved_small_net), _arrays_of, LOADING,
        )
    assert "(_copy_in)" in str(info.value)  # the failing points are inside the copy loop


def test_loading_120_arrays_is_all_or_nothing_at_every_line_of_the_copy(tmp_path):
    """The reported case: Ctrl-C while loading 120 arrays left 59 or 175 of 240 parameters loaded.
    The file is read once here and its arrays loaded with ``load_state_dict``, which takes the same
    path as ``load_weights`` after reading (checks, then the copy); reading changes nothing and is
    interrupted everywhere in the tests above.  Interrupted at every line of the copy and its guard."""

    def layers(seed: int) -> Sequential:
        model = Sequential(*[Linear(2, 2, seed=seed + i) for i in range(60)])  # 60 W and 60 b
        for layer in model:
            layer.b.data += seed  # the loaded biases differ from the fresh ones too
        return model

    path = tmp_path / "deep.npz"
    save_weights(layers(1000), path)
    arrays = read_weights(path)
    model, initial = layers(0), _arrays_of(layers(0))

    def fresh() -> Sequential:  # the same model, its initial weights put back: cheaper than building one
        for name, p in [*model.named_parameters(), *model.named_buffers()]:
            p.data[...] = initial[name]
        return model

    report = interrupt_everywhere(
        fresh, lambda model: model.load_state_dict(arrays), _arrays_of, LOADING + ["nn.module"],
        functions=["_copy_in", "__enter__", "_hold", "__exit__"],  # the copy and the guard around it
    )
    assert report.points > 240 and report.before and report.after and not report.failures


def test_load_state_dict_is_all_or_nothing_at_every_line_and_checks_the_same():
    state = _arrays_of(small_net(1))
    state["1.running_var"] = np.array([1.0, 2.0, 3.0], np.float32)
    report = interrupt_everywhere(
        lambda: small_net(0), lambda model: model.load_state_dict(state), _arrays_of,
        ["nn.module", "nn.loading", "autograd_core.interrupts"],
    )
    assert report.before and report.after and not report.failures
    model = small_net(0)
    with pytest.raises(ValueError, match=r"load_state_dict \(Sequential\): array '1.running_var' holds -1"):
        model.load_state_dict({**state, "1.running_var": np.array([1.0, -1.0, 1.0], np.float32)})
    model.load_state_dict({**state, "extra": np.zeros(1)}, strict=False)
    assert same_state(_arrays_of(model), _arrays_of(small_net(0))) is False
