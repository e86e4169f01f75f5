"""Small 2-D classification sets, generated with NumPy (nothing downloaded): the sets people watch
a network learn on.

Each function returns ``(X, y)``: ``X`` a float64 array of shape ``(n, 2)``, ``y`` an int64
array of ``n`` class labels (``0``, ``1``, ... as scikit-learn gives them; micrograd's demo turns
them into -1/+1 with ``y * 2 - 1``).  ``noise`` is the standard deviation of Gaussian noise added
to every coordinate, ``seed`` makes the set reproducible (None: a new set each call).  The classes
are as balanced as ``n`` allows and the points come shuffled.

- :func:`moons`: two interleaving half circles (scikit-learn's ``make_moons``);
- :func:`circles`: a circle inside another (``make_circles``);
- :func:`spiral`: arms winding out from the centre, one per class (the CS231n spiral);
- :func:`yin_yang`: the yin-yang symbol's three regions, yin, yang and the two dots (Kriener et
  al., 2021; the set of micrograd's course), scaled to [-2, 2].

>>> X, y = moons(100, noise=0.1, seed=0)
>>> X.shape, y.shape, X.dtype, sorted(set(y.tolist()))
((100, 2), (100,), dtype('float64'), [0, 1])
>>> X2, _ = moons(100, noise=0.1, seed=0)
>>> bool((X == X2).all())
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["DATASETS", "circles", "moons", "spiral", "yin_yang"]

#: The most points a set may have: a page or a plot of more says nothing more, and a typo
#: (``n=10**9``) should not fill the memory.
MAX_POINTS = 1_000_000


def _check(where: str, n: Any, noise: Any, seed: Any, least: int = 1) -> tuple[int, float, np.random.Generator]:
    """``n`` a whole number of points (at least ``least``), ``noise`` a finite number >= 0,
    ``seed`` an integer >= 0 or None; a clear error naming ``where`` otherwise."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{where}: n must be a whole number of points, got {type(n).__name__} {n!r}")
    if not least <= n <= MAX_POINTS:
        raise ValueError(f"{where}: n must be between {least} and {MAX_POINTS:,}, got {n}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: noise must be a number (a standard deviation), got {type(noise).__name__}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"{where}: noise must be a finite number >= 0 (a standard deviation), got {noise!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"{where}: seed must be an integer >= 0 or None, got {seed!r}")
    return int(n), float(noise), np.random.default_rng(seed)


def _counts(n: int, classes: int) -> list[int]:
    """``n`` points shared among ``classes`` as evenly as possible (the first classes get one more)."""
    return [n // classes + (k < n % classes) for k in range(classes)]


def _finish(points: list[np.ndarray], noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Stack the classes' points, add the noise, shuffle."""
    X = np.concatenate(points).astype(np.float64)
    y = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(points)])
    if noise:
        X = X + rng.normal(0.0, noise, X.shape)
    order = rng.permutation(len(X))
    return X[order], y[order]


def moons(n: int = 100, *, noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles of radius 1: class 0 the upper one, centred at (0, 0); class 1
    the lower one, centred at (1, 0.5).  Points are evenly spaced along each arc before the noise.

    >>> X, y = moons(4, noise=0.0, seed=1)
    >>> np.round(np.hypot(X[y == 0, 0], X[y == 0, 1]), 12).tolist()   # on the unit circle
    [1.0, 1.0]
    """
    n, noise, rng = _check("moons", n, noise, seed, least=2)
    outer, inner = _counts(n, 2)
    a = np.linspace(0.0, math.pi, outer)
    b = np.linspace(0.0, math.pi, inner)
    upper = np.stack([np.cos(a), np.sin(a)], axis=1)
    lower = np.stack([1.0 - np.cos(b), 0.5 - np.sin(b)], axis=1)
    return _finish([upper, lower], noise, rng)


def circles(n: int = 100, *, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius ``factor`` (class 1) inside one of radius 1 (class 0), both centred at
    the origin, points evenly spaced around each before the noise.

    >>> X, y = circles(6, noise=0.0, factor=0.3, seed=0)
    >>> sorted(set(np.round(np.hypot(X[:, 0], X[:, 1]), 12).tolist()))
    [0.3, 1.0]
    """
    n, noise, rng = _check("circles", n, noise, seed, least=2)
    if isinstance(factor, bool) or not isinstance(factor, (int, float, np.integer, np.floating)) or not (
            0 < factor < 1):
        raise ValueError(f"circles: factor (the inner circle's radius) must lie between 0 and 1, got {factor!r}")
    outer, inner = _counts(n, 2)
    a = np.linspace(0.0, 2 * math.pi, outer, endpoint=False)
    b = np.linspace(0.0, 2 * math.pi, inner, endpoint=False)
    ring = np.stack([np.cos(a), np.sin(a)], axis=1)
    disc = float(factor) * np.stack([np.cos(b), np.sin(b)], axis=1)
    return _finish([ring, disc], noise, rng)


def spiral(n: int = 100, *, noise: float = 0.2, classes: int = 2, turns: float = 0.65,
           seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` arms winding out from the centre to radius 1, arm ``k`` turned by ``k /
    classes`` of a full turn; ``turns`` is how far each arm winds.  ``noise`` here jitters the
    angle (in radians, scaled by the radius: the centre stays clean), as the CS231n spiral does.

    >>> X, y = spiral(200, noise=0.0, classes=2, seed=0)
    >>> float(np.hypot(X[:, 0], X[:, 1]).max()), sorted(set(y.tolist()))
    (1.0, [0, 1])
    """
    n, noise, rng = _check("spiral", n, noise, seed, least=2)
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or not 2 <= classes <= n:
        raise ValueError(f"spiral: classes must be a whole number from 2 to n={n}, got {classes!r}")
    if isinstance(turns, bool) or not isinstance(turns, (int, float)) or not (math.isfinite(turns) and turns > 0):
        raise ValueError(f"spiral: turns must be a finite number > 0, got {turns!r}")
    arms = []
    for k, count in enumerate(_counts(n, int(classes))):
        radius = np.linspace(0.0, 1.0, count)
        angle = 2 * math.pi * (k / classes + turns * radius)
        if noise:
            angle = angle + rng.normal(0.0, noise, count)
        arms.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
    return _finish(arms, 0.0, rng)


#: The yin-yang set's class names, by label.
YIN_YANG_CLASSES = ("yin", "yang", "dot")


def yin_yang_class(x: np.ndarray, y: np.ndarray, r_small: float = 0.1, r_big: float = 0.5) -> np.ndarray:
    """The class of points of the square [0, 2 r_big]² by where they fall in the symbol: 2 inside
    one of the two dots (radius ``r_small``), 0 in the yin, 1 in the yang.

    >>> yin_yang_class(np.array([0.25, 0.75, 0.5]), np.array([0.5, 0.5, 0.9])).tolist()
    [2, 2, 0]
    """
    right = np.hypot(x - 1.5 * r_big, y - r_big)
    left = np.hypot(x - 0.5 * r_big, y - r_big)
    yin = (right <= r_small) | ((left > r_small) & (left <= 0.5 * r_big)) | ((y > r_big) & (right > 0.5 * r_big))
    dots = (right < r_small) | (left < r_small)
    return np.where(dots, 2, np.where(yin, 0, 1)).astype(np.int64)


def yin_yang(n: int = 100, *, noise: float = 0.0, r_small: float = 0.1, r_big: float = 0.5,
             seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Points drawn uniformly in the yin-yang symbol (a disc of radius ``r_big``), labelled 0
    (yin), 1 (yang) or 2 (the dots, radius ``r_small``), the same number of each class (up to
    one), then scaled from the symbol's square to [-2, 2] as micrograd's course does.

    >>> X, y = yin_yang(300, seed=0)
    >>> np.bincount(y).tolist(), bool((np.hypot(X[:, 0], X[:, 1]) <= 2.0).all())
    ([100, 100, 100], True)
    """
    n, noise, rng = _check("yin_yang", n, noise, seed, least=3)
    for name, value in (("r_small", r_small), ("r_big", r_big)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
            raise ValueError(f"yin_yang: {name} must be a finite number > 0, got {value!r}")
    if not r_small < 0.5 * r_big:
        raise ValueError(f"yin_yang: the dots (r_small={r_small}) must be smaller than half the symbol (r_big={r_big})")
    wanted = _counts(n, 3)
    found: list[list[np.ndarray]] = [[], [], []]
    have = [0, 0, 0]
    while any(h < w for h, w in zip(have, wanted)):
        # draw in the square, keep what falls in the disc, and take what each class still needs
        x, y = rng.uniform(0.0, 2 * r_big, (2, 4 * n))
        inside = np.hypot(x - r_big, y - r_big) <= r_big
        x, y = x[inside], y[inside]
        label = yin_yang_class(x, y, r_small, r_big)
        for k in range(3):
            take = np.flatnonzero(label == k)[: wanted[k] - have[k]]
            found[k].append(np.stack([x[take], y[take]], axis=1))
            have[k] += len(take)
    points = [(np.concatenate(parts) / r_big - 1.0) * 2.0 for parts in found]
    return _finish(points, noise, rng)


#: The sets by name (what ``chainrule playground --data`` accepts).
DATASETS = {"moons": moons, "circles": circles, "spiral": spiral, "yin_yang": yin_yang}
