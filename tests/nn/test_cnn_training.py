"""The SimpleConvNet-shaped ``convnet`` learns: a few hundred Fashion-MNIST images, seconds of training,
and ``chainrule train --model cnn`` end to end on a slice (the full run is in bench/)."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core.cli import main
from nn import Adam, convnet, fit, load_mnist
from nn.weights import load_weights


@pytest.fixture(scope="module")
def fashion_slice():
    (x, t), _ = load_mnist(flatten=False)
    return x[:400], t[:400]


@pytest.mark.parametrize("batchnorm", [False, True, "hidden"])
def test_convnet_loss_falls_on_a_small_slice(fashion_slice, batchnorm):
    x, t = fashion_slice
    model = convnet(batchnorm=batchnorm, seed=0)
    history = fit(model, Adam(model.parameters(), lr=3e-3), (x, t), epochs=4, batch_size=50, seed=1)
    losses = history.column("train_loss")
    # From log(10) = 2.30 at chance; 32 Adam steps bring the mean loss well down on 400 images.
    assert losses[0] > losses[-1] + 0.3, losses
    assert history.epochs[-1].train_acc > 0.6
    assert all(p.dtype == np.float32 and p.grad.dtype == np.float32 for p in model.parameters())


def test_train_model_cnn_end_to_end(tmp_path, capsys):
    out = tmp_path / "cnn"
    status = main(["train", "--model", "cnn", "--epochs", "1", "--limit", "300", "--batch-size", "50",
                   "--no-progress", "--out", str(out)])
    text = capsys.readouterr().out
    assert status == 0
    assert "training SimpleConvNet conv30x5x5-ReLU-pool2-100-BN-ReLU-10 (float32) on 300 images" in text
    assert "lr 0.003 (cosine)" in text  # the cnn recipe's learning rate, the flag being left out
    model = convnet(batchnorm="hidden")
    load_weights(model, out / "weights.npz")  # parameters and BatchNorm's running statistics
    assert not np.allclose(model[5].running_mean.data, 0.0)
    accuracy = float(text.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 30  # 6 steps on 300 images; chance is 10%


def test_train_model_cnn_refuses_flags_it_cannot_use(capsys):
    assert main(["train", "--model", "cnn", "--hidden", "100,50", "--limit", "10"]) == 2
    assert "--hidden: the cnn model has one hidden affine layer" in capsys.readouterr().err
    assert main(["train", "--model", "cnn", "--activation", "tanh", "--limit", "10"]) == 2
    assert "--activation: the cnn model uses relu" in capsys.readouterr().err
    assert main(["train", "--model", "cnn", "--dropout", "0.5", "--limit", "10"]) == 2
    assert "--dropout: the cnn model has no dropout" in capsys.readouterr().err


def test_convnet_places_batchnorm_where_asked_and_refuses_the_rest():
    kinds = {option: [type(m).__name__ for m in convnet(batchnorm=option, seed=0).layers]
             for option in (False, True, "conv", "hidden")}
    assert kinds["hidden"] == ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "BatchNorm", "ReLU", "Linear"]
    assert kinds["conv"][:2] == ["Conv2d", "BatchNorm"] and kinds["conv"].count("BatchNorm") == 1
    assert kinds[True].count("BatchNorm") == 2 and "BatchNorm" not in kinds[False]
    with pytest.raises(ValueError, match=r"convnet: batchnorm must be False, True, 'conv' or 'hidden', got 'both'"):
        convnet(batchnorm="both")
    with pytest.raises(ValueError, match=r"convnet: a 5x5 kernel .* leaves 0x0 positions on 4x4 images"):
        convnet((1, 4, 4))


@pytest.mark.parametrize("hidden", [1, 100, 257])
def test_cnn_size_checked_before_reading_data_counts_the_real_network(hidden):
    from nn.recipes import cnn_parameter_count

    model = convnet((1, 28, 28), hidden=hidden, batchnorm="hidden", seed=0)
    assert cnn_parameter_count(hidden) == sum(p.data.size for p in model.parameters())


def test_train_model_cnn_refuses_a_network_over_max_params(tmp_path, capsys):
    status = main(["train", "--model", "cnn", "--hidden", "5000", "--max-params", "1000000",
                   "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and "--max-params" in err[0] and "21,6" in err[0]
