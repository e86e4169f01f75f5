"""nn.to_torch / nn.from_torch on a real PyTorch: same structure, the same weights bit for bit, and
the same training run in both libraries."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nn import (
    SGD,
    Adam,
    AvgPool2d,
    BatchNorm,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    convnet,
    from_torch,
    softmax_cross_entropy,
    to_torch,
)

# Small tensors: one thread is faster than PyTorch's default of one per core, which the other
# processes of a test run share.
torch.set_num_threads(1)


def bits(array: np.ndarray) -> tuple:
    return array.dtype.str, array.shape, np.ascontiguousarray(array).tobytes()


def torch_state(net) -> dict:
    return {k: v.detach().numpy() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}


def small_cnn(dtype, seed=0):
    return Sequential(
        Conv2d(1, 3, 3, padding=1, seed=seed, dtype=dtype), BatchNorm(3, dtype=dtype), ReLU(), MaxPool2d(2),
        Flatten(), Linear(3 * 4 * 4, 6, seed=seed + 1, dtype=dtype), BatchNorm(6, dtype=dtype), Sigmoid(),
        Dropout(0.0), Linear(6, 4, seed=seed + 2, dtype=dtype), Tanh(),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_weights_cross_and_come_back_bit_for_bit(dtype):
    model = small_cnn(dtype)
    rng = np.random.default_rng(0)
    for p in model.parameters():  # not the initial zeros and ones: every array distinct
        p.data[...] = rng.standard_normal(p.shape)
    model[1].running_mean.data[...] = rng.standard_normal(3)
    model[1].running_var.data[...] = rng.random(3) + 0.5
    net = to_torch(model)
    assert [type(m).__name__ for m in net] == [
        "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "BatchNorm1d", "Sigmoid", "Dropout",
        "Linear", "Tanh",
    ]
    ours, theirs = model.state_dict(), torch_state(net)
    renamed = {"W": "weight", "b": "bias", "gamma": "weight", "beta": "bias"}
    for name, array in ours.items():
        index, attr = name.split(".")
        other = theirs[f"{index}.{renamed.get(attr, attr)}"]
        expected = array.T if isinstance(model[int(index)], Linear) and attr == "W" else array
        assert bits(other) == bits(expected), name
    back = from_torch(net)
    assert [type(m).__name__ for m in back.layers] == [type(m).__name__ for m in model.layers]
    assert {k: bits(v) for k, v in back.state_dict().items()} == {k: bits(v) for k, v in ours.items()}
    assert back[0].stride == model[0].stride and back[0].padding == model[0].padding
    assert back[1].eps == model[1].eps and back[1].momentum == model[1].momentum


def test_a_pytorch_network_crosses_to_chainrule_and_back_bit_for_bit():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3, stride=2), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Dropout(0.25),
        torch.nn.Linear(2 * 3 * 3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3),
    ).double().eval()
    model = from_torch(net)
    assert not model.training and model[3].p == 0.25 and model[0].W.dtype == np.float64
    again = to_torch(model)
    assert not again.training
    assert {k: bits(v) for k, v in torch_state(again).items()} == {k: bits(v) for k, v in torch_state(net).items()}
    x = np.random.default_rng(1).standard_normal((4, 1, 7, 7))
    np.testing.assert_allclose(model(x).data, net(torch.from_numpy(x)).detach().numpy(), rtol=1e-12, atol=1e-13)


def test_the_chainrule_convnet_computes_the_same_in_pytorch():
    model = convnet(batchnorm=True, seed=0, dtype=np.float64).eval()
    x = np.random.default_rng(2).random((3, 1, 28, 28))
    np.testing.assert_allclose(to_torch(model)(torch.from_numpy(x)).detach().numpy(), model(x).data, atol=1e-12)


def test_average_pooling_crosses_both_ways_and_computes_the_same():
    model = Sequential(
        BatchNorm(2, dtype=np.float64), AvgPool2d(2), Conv2d(2, 3, 3, seed=0, dtype=np.float64),
        AvgPool2d((2, 1), stride=1), Flatten(), Linear(3 * 1 * 2, 3, seed=1),
    )
    model[0].running_mean.data[...] = [0.5, -0.25]
    model.eval()
    net = to_torch(model)
    # a BatchNorm before a pool normalises images: BatchNorm2d
    assert [type(m).__name__ for m in net] == ["BatchNorm2d", "AvgPool2d", "Conv2d", "AvgPool2d", "Flatten", "Linear"]
    assert (net[3].kernel_size, net[3].stride) == ((2, 1), (1, 1))
    x = np.random.default_rng(4).standard_normal((4, 2, 8, 8))
    np.testing.assert_allclose(net(torch.from_numpy(x)).detach().numpy(), model(x).data, rtol=1e-12, atol=1e-13)
    back = from_torch(net)
    assert [type(m).__name__ for m in back.layers] == [type(m).__name__ for m in model.layers]
    assert (back[3].kernel_size, back[3].stride) == ((2, 1), (1, 1)) and back[1].kernel_size == (2, 2)
    with pytest.raises(ValueError, match="divisor_override=3"):
        from_torch(torch.nn.AvgPool2d(2, divisor_override=3))


def test_layers_without_a_counterpart_are_refused_by_name():
    with pytest.raises(TypeError, match=r"model\[1\] is a torch.nn.GELU, which chainrule's nn has no counterpart"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.GELU()))
    with pytest.raises(ValueError, match=r"model is a torch.nn.Conv2d with dilation=\(2, 2\)"):
        from_torch(torch.nn.Conv2d(1, 1, 3, dilation=2))
    with pytest.raises(ValueError, match="ceil_mode=True"):
        from_torch(torch.nn.MaxPool2d(2, ceil_mode=True))
    with pytest.raises(TypeError, match="expected a torch.nn.Module, got ndarray"):
        from_torch(np.zeros(3))

    class Scale(Module):
        def forward(self, x):
            return x * 2

    with pytest.raises(TypeError, match=r"model\[1\] is a Scale, which has no PyTorch counterpart"):
        to_torch(Sequential(Linear(2, 2, seed=0), Scale()))
    with pytest.raises(ValueError, match=r"model\[2\] \(Linear\) reads image batches .* put nn.Flatten\(\) before it"):
        to_torch(Sequential(Conv2d(1, 2, 3, seed=0), ReLU(), Linear(2 * 4 * 4, 3, seed=0)))


def train_both(model, optimizer, steps, shape, classes, seed=0):
    """The same batches through chainrule and PyTorch: the losses of each step, side by side."""
    net = to_torch(model).train()
    model.train()
    ours = optimizer[0](model.parameters(), lr=optimizer[1])
    theirs = optimizer[2](net.parameters(), lr=optimizer[1])
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        x = rng.standard_normal(shape)
        t = rng.integers(0, classes, shape[0])
        loss = softmax_cross_entropy(model(x), t)
        model.zero_grad()
        loss.backward()
        ours.step()
        theirs.zero_grad()
        torch_loss = F.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(t))
        torch_loss.backward()
        theirs.step()
        losses.append((loss.item(), torch_loss.item()))
    return np.array(losses), net


@pytest.mark.parametrize("optimizer", [(SGD, 0.1, torch.optim.SGD), (Adam, 1e-2, torch.optim.Adam)],
                         ids=["SGD", "Adam"])
def test_the_same_network_trains_to_the_same_losses_in_both(optimizer):
    model = Sequential(Linear(12, 16, seed=0), ReLU(), Linear(16, 16, seed=1), Tanh(), Linear(16, 4, seed=2))
    losses, net = train_both(model, optimizer, 100, (8, 12), 4)
    assert np.max(np.abs(losses[:, 0] - losses[:, 1])) <= 1e-9
    assert losses[-10:, 0].mean() < losses[:10, 0].mean()  # it did learn: the comparison is not of constants
    trained = from_torch(net)
    for (name, ours), theirs in zip(model.named_parameters(), trained.parameters()):
        np.testing.assert_allclose(ours.data, theirs.data, atol=1e-9, err_msg=name)


def test_a_convolutional_network_with_batch_norm_trains_the_same_in_both():
    model = small_cnn(np.float64)
    losses, net = train_both(model, (SGD, 0.05, torch.optim.SGD), 100, (6, 1, 8, 8), 4, seed=3)
    assert np.max(np.abs(losses[:, 0] - losses[:, 1])) <= 1e-9
    np.testing.assert_allclose(net[1].running_var.detach().numpy(), model[1].running_var.data, atol=1e-9)
