"""Minibatches: the training set cut into shuffled batches, reproducibly from a seed.

Each pass over a :class:`Minibatches` is one epoch; every epoch draws a fresh permutation from
the same seeded generator, so two runs with the same seed see the same batches in the same
order (which is how the benchmark gives a hand-written loop and ``nn`` identical shuffles).

The last batch: when the examples do not divide evenly, the last batch is smaller; a last batch
of *one* example joins the batch before it instead (201 examples in batches of 100: 100 and 101),
since one example gives BatchNorm nothing to normalise over and a step from a single example is
mostly noise.  Every example is still seen once per epoch.  ``drop_last=True`` leaves out any
smaller last batch instead.

Example:
    >>> import numpy as np
    >>> x, t = np.arange(10).reshape(5, 2), np.arange(5)
    >>> batches = Minibatches(x, t, batch_size=2, seed=0)     # 2 + 2 + 1: the one joins the batch before
    >>> len(batches), [tb.tolist() for _, tb in batches]
    (2, [[2, 4], [3, 0, 1]])
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def epoch_order(n: int, rng: np.random.Generator, shuffle: bool = True) -> np.ndarray:
    """The order in which one epoch visits ``n`` examples: a permutation drawn from ``rng``.

    >>> epoch_order(4, np.random.default_rng(0)).tolist()
    [2, 0, 1, 3]
    """
    return rng.permutation(n) if shuffle else np.arange(n)


class Minibatches:
    """Iterate over ``(x_batch, t_batch)`` pairs; every iteration is a new epoch.

    ``shuffle`` draws a new permutation per epoch from ``np.random.default_rng(seed)``;
    ``drop_last`` leaves out a last, smaller batch; otherwise ``merge_last_one`` (default) adds a
    last batch of one example to the batch before it (``False``: it stays a batch of its own).

    >>> import numpy as np
    >>> batches = Minibatches(np.zeros((7, 3)), np.zeros(7), batch_size=3, drop_last=True)
    >>> [xb.shape for xb, _ in batches]
    [(3, 3), (3, 3)]
    >>> [xb.shape for xb, _ in Minibatches(np.zeros((7, 3)), np.zeros(7), batch_size=3)]
    [(3, 3), (4, 3)]
    """

    def __init__(
        self,
        x: np.ndarray,
        t: np.ndarray,
        batch_size: int = 100,
        shuffle: bool = True,
        seed: int | None = None,
        drop_last: bool = False,
        merge_last_one: bool = True,
    ) -> None:
        if len(x) != len(t):
            raise ValueError(f"Minibatches: x has {len(x)} examples but t has {len(t)}")
        if not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"Minibatches: batch_size must be a positive integer, got {batch_size!r}")
        self.x, self.t = x, t
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.merge_last_one = merge_last_one
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n, size = len(self.x), self.batch_size
        if self.drop_last:
            return n // size
        if self.merge_last_one and n > size and n % size == 1:
            return n // size  # the last one joins the batch before
        return -(-n // size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        n, size, count = len(self.x), self.batch_size, len(self)
        order = epoch_order(n, self.rng, self.shuffle)
        for i in range(count):
            stop = n if i == count - 1 and not self.drop_last else (i + 1) * size
            index = order[i * size : stop]
            yield self.x[index], self.t[index]
