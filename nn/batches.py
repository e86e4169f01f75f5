"""Minibatches: the training set cut into shuffled batches, reproducibly from a seed.

Each pass over a :class:`Minibatches` is one epoch; every epoch draws a fresh permutation from
the same seeded generator, so two runs with the same seed see the same batches in the same
order (which is how the benchmark gives a hand-written loop and ``nn`` identical shuffles).

Example:
    >>> import numpy as np
    >>> x, t = np.arange(10).reshape(5, 2), np.arange(5)
    >>> batches = Minibatches(x, t, batch_size=2, seed=0)
    >>> len(batches), [tb.tolist() for _, tb in batches]
    (3, [[2, 4], [3, 0], [1]])
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
    ``drop_last`` leaves out a last, smaller batch.

    >>> import numpy as np
    >>> batches = Minibatches(np.zeros((7, 3)), np.zeros(7), batch_size=3, drop_last=True)
    >>> [xb.shape for xb, _ in batches]
    [(3, 3), (3, 3)]
    """

    def __init__(
        self,
        x: np.ndarray,
        t: np.ndarray,
        batch_size: int = 100,
        shuffle: bool = True,
        seed: int | None = None,
        drop_last: bool = False,
    ) -> None:
        if len(x) != len(t):
            raise ValueError(f"Minibatches: x has {len(x)} examples but t has {len(t)}")
        if not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"Minibatches: batch_size must be a positive integer, got {batch_size!r}")
        self.x, self.t = x, t
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n, size = len(self.x), self.batch_size
        return n // size if self.drop_last else -(-n // size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        order = epoch_order(len(self.x), self.rng, self.shuffle)
        for i in range(len(self)):
            index = order[i * self.batch_size : (i + 1) * self.batch_size]
            yield self.x[index], self.t[index]
