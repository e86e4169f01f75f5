"""The seeded minibatch iterator."""

from __future__ import annotations

import numpy as np
import pytest

from nn.batches import Minibatches


def test_every_example_once_per_epoch_and_x_t_stay_paired():
    x = np.arange(23)[:, None] * np.ones((1, 3))
    t = np.arange(23)
    batches = Minibatches(x, t, batch_size=5, seed=3)
    assert len(batches) == 5
    for _ in range(2):
        seen = []
        for xb, tb in batches:
            np.testing.assert_array_equal(xb[:, 0], tb)
            seen.extend(tb.tolist())
        assert sorted(seen) == list(range(23))


def test_epochs_differ_and_seeds_reproduce():
    t = np.arange(50)
    first = [tb.tolist() for _, tb in Minibatches(t, t, batch_size=10, seed=7)]
    again = [tb.tolist() for _, tb in Minibatches(t, t, batch_size=10, seed=7)]
    assert first == again
    batches = Minibatches(t, t, batch_size=10, seed=7)
    epoch1, epoch2 = [np.concatenate([tb for _, tb in batches]) for _ in range(2)]
    assert not np.array_equal(epoch1, epoch2)
    assert first != [tb.tolist() for _, tb in Minibatches(t, t, batch_size=10, seed=8)]


def test_no_shuffle_and_drop_last():
    t = np.arange(7)
    assert [tb.tolist() for _, tb in Minibatches(t, t, batch_size=3, shuffle=False)] == [[0, 1, 2], [3, 4, 5, 6]]
    alone = Minibatches(t, t, batch_size=3, shuffle=False, merge_last_one=False)
    assert [tb.tolist() for _, tb in alone] == [[0, 1, 2], [3, 4, 5], [6]] and len(alone) == 3
    assert len(Minibatches(t, t, batch_size=3, drop_last=True)) == 2


@pytest.mark.parametrize(
    ("n", "batch_size", "sizes"),
    [
        (201, 100, [100, 101]),  # the reported --limit 201: the last image joins the batch before
        (300, 299, [300]),  # --limit 300 --batch-size 299
        (7, 3, [3, 4]),
        (8, 3, [3, 3, 2]),  # a last batch of two stays
        (200, 100, [100, 100]),
        (1, 100, [1]),  # nothing to join: a training set of one is refused where it matters (cnn)
        (2, 1, [1, 1]),  # batches of one are asked for: refused where it matters (cnn)
    ],
)
def test_a_last_batch_of_one_joins_the_batch_before(n, batch_size, sizes):
    x, t = np.arange(n)[:, None] * np.ones((1, 2)), np.arange(n)
    batches = Minibatches(x, t, batch_size=batch_size, seed=0)
    assert len(batches) == len(sizes)
    for _ in range(2):  # two epochs: the same sizes, every example once
        epoch = list(batches)
        assert [len(tb) for _, tb in epoch] == sizes
        assert sorted(np.concatenate([tb for _, tb in epoch]).tolist()) == list(range(n))
        assert all(np.array_equal(xb[:, 0], tb) for xb, tb in epoch)


def test_bad_arguments():
    with pytest.raises(ValueError, match="x has 3 examples but t has 2"):
        Minibatches(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        Minibatches(np.zeros(3), np.zeros(3), batch_size=0)
