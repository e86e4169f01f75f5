"""check_layers names the wrong hand-written layer.  The oracles are bugs whose effect is derived
by hand (a backward divided by N + 1 instead of N is off by the factor N / (N + 1), so its
relative error |a - n| / (|a| + |n|) is 1 / (2N + 1)), and correct layers that must pass."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from nn.textbook import (
    Affine,
    MulLayer,
    MultiLayerNetExtend,
    Pooling,
    Relu,
    SimpleConvNet,
    SoftmaxWithLoss,
    TwoLayerNet,
    check_layer,
    check_layers,
    softmax,
)


class SeedSoftmaxWithLoss(SoftmaxWithLoss):
    """The seed's bug: backward divides by one row too many."""

    def backward(self, dout=1):
        return (self.y - self.t) / (self.t.shape[0] + 1)


class MaskedTheWrongWay(Relu):
    """A Relu whose mask keeps the wrong side: x >= 0 is zeroed in backward."""

    def forward(self, x):
        out = super().forward(x)
        self.mask = x >= 0
        return out


class BiasSummedOverFeatures(Affine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = np.full_like(self.db, dout.sum())  # every bias gets the sum over all units
        return dx


def _net(seed=0, n_in=6, hidden=5, n_out=3):
    np.random.seed(seed)
    return TwoLayerNet(input_size=n_in, hidden_size=hidden, output_size=n_out, weight_init_std=0.5)


def _data(n, n_in=6, n_out=3, seed=1):
    rng = np.random.default_rng(seed)
    return rng.random((n, n_in)), np.eye(n_out)[rng.integers(0, n_out, n)]


def test_a_correct_network_passes():
    x, t = _data(4)
    report = check_layers(_net(), x, t)
    assert report.passed and report.first_failure is None
    assert [(r.key, r.output) for r in report.rows] == [
        ("Affine1", "dx"), ("Affine1", "dW"), ("Affine1", "db"), ("Relu1", "dx"),
        ("Affine2", "dx"), ("Affine2", "dW"), ("Affine2", "db"), ("lastLayer", "dx"),
    ]
    assert all(r.relative_error < 1e-6 for r in report.rows)
    assert str(report).startswith("check_layers passed")


@pytest.mark.parametrize("batch", [3, 5])
def test_the_seeds_softmax_with_loss_bug_is_named(batch):
    net = _net()
    net.lastLayer = SeedSoftmaxWithLoss()
    x, t = _data(batch)
    report = check_layers(net, x, t)
    first = report.first_failure
    assert (first.position, first.key, first.layer_class, first.output) == (4, "lastLayer", "SeedSoftmaxWithLoss", "dx")
    assert report.wrong_layers == ["lastLayer"]  # each layer alone: the Affine layers are right
    # By hand: backprop = N/(N+1) * true, so |a - n| / (|a| + |n|) = (1/(N+1)) / ((2N+1)/(N+1)) = 1/(2N+1);
    # the numerical side also carries the loss's 1e-7 (relative 1e-6 here), hence the tolerance.
    assert first.relative_error == pytest.approx(1 / (2 * batch + 1), rel=1e-4)
    assert "layer 4 'lastLayer' (SeedSoftmaxWithLoss): dx is wrong" in str(report)


def test_the_seeds_whole_network_differences_follow_from_the_bug():
    # The seed printed mean |backprop - numerical| per parameter (W1 0.0398, b1 0.0009, W2 0.393,
    # b2 0.0412): every parameter looks wrong.  With backprop = N/(N+1) * true, each difference
    # is mean|backprop| / N: the whole-network check cannot say where the bug is.
    net = _net()
    net.lastLayer = SeedSoftmaxWithLoss()
    x, t = _data(3)
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        diff = np.average(np.abs(backprop[key] - numerical[key]))
        assert diff == pytest.approx(np.average(np.abs(backprop[key])) / 3, rel=1e-3), key


def test_a_wrong_relu_mask_is_named():
    net = _net()
    net.layers["Relu1"] = MaskedTheWrongWay()
    x, t = _data(4)
    report = check_layers(net, x, t)
    assert (report.first_failure.key, report.first_failure.output) == ("Relu1", "dx")
    assert report.first_failure.position == 2
    assert report.wrong_layers == ["Relu1"]
    # The mask is exactly inverted: backprop and numerical share no non-zero element, so
    # ||a - n|| = sqrt(||a||² + ||n||²) and the relative error is well above 0.5.
    assert report.first_failure.relative_error > 0.5


def test_a_wrong_parameter_gradient_names_the_output():
    net = _net()
    layer = net.layers["Affine2"]
    net.layers["Affine2"] = BiasSummedOverFeatures(layer.W, layer.b)
    x, t = _data(4)
    report = check_layers(net, x, t)
    assert [(r.key, r.output) for r in report.rows if not r.passed] == [("Affine2", "db")]
    assert "'Affine2' (BiasSummedOverFeatures): db is wrong" in report.headline()


def test_the_network_is_left_as_it_was():
    net = _net()
    x, t = _data(4)
    before = copy.deepcopy(net.params)
    np.random.seed(7)
    state = np.random.get_state()[1].copy()
    check_layers(net, x, t)
    assert all(np.array_equal(before[k], net.params[k]) for k in before)
    assert net.layers["Affine1"].x is None  # its layers were never run
    assert np.array_equal(np.random.get_state()[1], state)


def test_dropout_and_batchnorm_layers_pass():
    np.random.seed(3)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_batchnorm=True, use_dropout=True, dropout_ration=0.3)
    rng = np.random.default_rng(4)
    report = check_layers(net, rng.standard_normal((6, 5)), rng.integers(0, 3, 6))
    assert report.passed, str(report)
    assert {"dgamma", "dbeta"} <= {r.output for r in report.rows}


def test_a_small_conv_net_passes_and_pooling_ties_are_skipped_not_blamed():
    np.random.seed(5)
    net = SimpleConvNet(input_dim=(1, 6, 6), conv_param={"filter_num": 2, "filter_size": 3, "pad": 1, "stride": 1},
                        hidden_size=4, output_size=3, weight_init_std=0.3)
    rng = np.random.default_rng(6)
    report = check_layers(net, rng.standard_normal((2, 1, 6, 6)), np.array([0, 2]))
    assert report.passed, str(report)
    # ReLU zeros feed the pooling layer: a window of zeros is a tie, where max has a kink.
    ties = check_layers([Pooling(2, 2, stride=2)], np.zeros((1, 1, 4, 4)))
    assert ties.passed and ties.rows[0].kinks > 0 and "kink" in str(ties)


def test_a_saturated_softmax_is_explained_by_the_losss_1e_7():
    scores = np.array([[0.0, 14.0, 0.0], [20.0, 0.0, 0.0]])
    t = np.array([0, 1])  # the right class has probability ~1e-6 and ~2e-9
    report = check_layers([SoftmaxWithLoss()], scores, t)
    row = report.rows[0]
    assert not row.comparison.passed  # against log(y + 1e-7) backward is visibly off...
    assert row.passed and report.passed  # ...and explained
    y_t = softmax(scores)[[0, 1], [0, 1]]
    factor = y_t / (y_t + 1e-7)  # by hand: d(-log(y + d))/dz = y/(y + d) * d(-log y)/dz
    assert factor.min() < 0.1
    assert "1e-07 inside log" in str(report) and f"{factor.min():.6g}" in str(report)


def test_the_seeds_bug_is_not_explained_away_by_the_1e_7():
    scores = np.array([[0.0, 14.0, 0.0], [20.0, 0.0, 0.0]])
    report = check_layers([SeedSoftmaxWithLoss()], scores, np.array([0, 1]))
    assert not report.passed and not report.rows[0].explanation


def test_two_input_layers_with_check_layer():
    assert check_layer(MulLayer(), 100.0, 2.0).passed

    class SwappedMul(MulLayer):
        def backward(self, dout):
            return dout * self.x, dout * self.y  # the classic slip: not swapped

    report = check_layer(SwappedMul(), 100.0, 2.0)
    assert [(r.output, r.passed) for r in report.rows] == [("dx", False), ("dy", False)]


def test_bad_input_is_refused_by_name():
    x, t = _data(2)
    with pytest.raises(ValueError, match=r"lastLayer \(SoftmaxWithLoss\) needs the labels"):
        check_layers(_net(), x)
    with pytest.raises(TypeError, match="no forward and backward"):
        check_layers([Relu(), "not a layer"], x)



def test_backward_that_raises_or_leaves_none_is_a_failing_row():
    class Forgetful(Affine):
        def backward(self, dout):
            return dout @ self.W.T  # never sets dW and db

    report = check_layers([Forgetful(np.ones((6, 2)), np.zeros(2))], _data(2)[0])
    assert [r.output for r in report.rows if not r.passed] == ["dW", "db"]
    assert "did not set dW" in str(report)


def test_html_report_marks_the_wrong_row_and_escapes():
    net = _net()
    net.lastLayer = SeedSoftmaxWithLoss()
    x, t = _data(3)
    html = check_layers(net, x, t)._repr_html_()
    assert html.count('style="background:#ffebe9"') == 1
    assert "&#x27;lastLayer&#x27;" in html and "<table>" in html


def test_the_seeds_first_add_layer_listing_is_reported_not_crashed():
    # The seed's first AddLayer names its argument `out` but uses `dout`: backward raises.
    class Addlayer:
        def forward(self, x, y):
            return x + y

        def backward(self, out):
            dx = dout  # noqa: F821 - the seed's slip, on purpose
            return dx, dx

    report = check_layer(Addlayer(), 10.0, 5.0)
    assert not report.passed
    assert "backward raised NameError" in report.failures()[0]
    assert "layer 1 'Addlayer' (Addlayer): dx is wrong" in report.failures()[0]


def test_a_backward_without_return_is_named():
    class NoReturn(Relu):
        def backward(self, dout):
            super().backward(dout)  # computed, never returned

    report = check_layers([NoReturn()], np.array([[1.0, -1.0]]))
    expected = "layer 1 '[0]' (NoReturn): dx is wrong: backward returned None for dx (a missing return?)"
    assert report.failures() == [expected]


def test_a_forward_that_raises_is_that_layers_failure_and_the_layers_after_it_are_not_checked():
    """The seed's Affine writes ``self.x*self.W+b``: an elementwise product of (2, 5) and (5, 3)
    raises (and ``b`` is not defined either)."""

    class SeedAffine(Affine):
        def forward(self, x):
            self.x = x
            return self.x * self.W + b  # noqa: F821 - the seed's slip, on purpose

    net = _net()
    net.layers["Affine2"] = SeedAffine(net.params["W2"], net.params["b2"])
    x, t = _data(2)
    report = check_layers(net, x, t)
    assert not report.passed and report.wrong_layers == ["Affine2"]
    assert report.failures() == [
        "layer 3 'Affine2' (SeedAffine): forward is wrong: raised ValueError: operands could not be broadcast "
        "together with shapes (2,5) (5,3)"
    ]
    assert [r.key for r in report.rows if r.passed] == ["Affine1", "Affine1", "Affine1", "Relu1"]
    assert "layer 4 not checked: they need the output of layer 3, whose forward failed" in str(report)


def test_an_input_the_first_layer_cannot_take_is_its_failure_too():
    x, _ = _data(2)  # 6 features; this Affine expects 4
    report = check_layers([Affine(np.zeros((4, 2)), np.zeros(2)), Relu()], x)
    assert report.first_failure.output == "forward"
    assert "raised ValueError: Affine.forward: input of shape (2, 6) has 6 features per row" in str(report)
    assert "layer 2 not checked" in str(report)


def test_a_forward_without_return_is_named():
    class NoReturn(Relu):
        def forward(self, x):
            super().forward(x)

    report = check_layers([NoReturn()], np.array([[1.0, -1.0]]))
    assert report.failures() == ["layer 1 '[0]' (NoReturn): forward is wrong: returned None (a missing return?)"]


def test_the_seeds_relu_spelling_runs_the_seeds_layered_network():
    """The seed builds its layers with ``ReLU()`` (the book's code says ``Relu``): both work."""
    from collections import OrderedDict

    from nn.textbook import ReLU

    net = _net()
    layers = OrderedDict(net.layers)
    layers["Relu1"] = ReLU()
    net.layers = layers
    x, t = _data(3)
    assert ReLU is Relu and check_layers(net, x, t).passed
