"""Chapter 6's ``BatchNormalization`` layer: normalize each feature over the batch, then scale by
``gamma`` and shift by ``beta``.

As in the book, an input of more than two dimensions (N, C, H, W) is flattened to (N, C*H*W)
first, so ``gamma`` and ``beta`` have one entry per flattened feature; the variance gets the
book's ``10e-7`` before the square root.  In training (``train_flg=True``) the batch's mean and
variance are used and ``running_mean``/``running_var`` move towards them by ``1 - momentum``; at
test time the running statistics are used.  Backward (training mode) leaves ``dgamma`` and
``dbeta`` on the layer.

Example:
    >>> import numpy as np
    >>> bn = BatchNormalization(gamma=np.ones(2), beta=np.zeros(2))
    >>> bn.forward(np.array([[1.0, 10.0], [3.0, 30.0]])).round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean
    array([0.2, 2. ])
"""

from __future__ import annotations

import numpy as np

__all__ = ["BatchNormalization"]

_VARIANCE_DELTA = 10e-7  # the book's constant


class BatchNormalization:
    """``gamma * (x - mean) / sqrt(var + 10e-7) + beta``, per feature (see the module).

    >>> bn = BatchNormalization(np.array([2.0]), np.array([1.0]), running_mean=np.zeros(1), running_var=np.ones(1))
    >>> bn.forward(np.array([[3.0]]), train_flg=False).round(4)
    array([[7.]])
    """

    def __init__(
        self,
        gamma: np.ndarray,
        beta: np.ndarray,
        momentum: float = 0.9,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
    ) -> None:
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.input_shape: tuple[int, ...] | None = None
        self.running_mean = running_mean
        self.running_var = running_var
        self.batch_size: int | None = None
        self.xc: np.ndarray | None = None
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        self.input_shape = x.shape
        flat = x.reshape(x.shape[0], -1)
        if np.size(self.gamma) != flat.shape[1]:
            raise ValueError(
                f"BatchNormalization.forward: input of shape {x.shape} has {flat.shape[1]} features per row, "
                f"gamma has {np.size(self.gamma)}"
            )
        if self.running_mean is None:
            self.running_mean = np.zeros(flat.shape[1])
            self.running_var = np.zeros(flat.shape[1])
        if train_flg:
            mean = flat.mean(axis=0)
            xc = flat - mean
            var = np.mean(xc**2, axis=0)
            std = np.sqrt(var + _VARIANCE_DELTA)
            self.batch_size, self.xc, self.std = flat.shape[0], xc, std
            self.xn = xc / std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mean
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
            xn = self.xn
        else:
            xn = (flat - self.running_mean) / np.sqrt(self.running_var + _VARIANCE_DELTA)
        return (self.gamma * xn + self.beta).reshape(self.input_shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.xn is None or self.input_shape is None:
            raise ValueError("BatchNormalization.backward: call forward(x, train_flg=True) first")
        dout = np.asarray(dout).reshape(self.xn.shape)
        n = self.batch_size
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        # Through xn = xc / std, std = sqrt(var + delta), var = mean(xc²), xc = x - mean(x).
        dxc = dxn / self.std
        dstd = -np.sum(dxn * self.xc / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc = dxc + (2.0 / n) * self.xc * dvar
        dmean = np.sum(dxc, axis=0)
        dx = dxc - dmean / n
        return dx.reshape(self.input_shape)
