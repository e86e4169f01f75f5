"""The generated 2-D sets: their shape, their geometry (checked against the curves they are drawn
from), their noise, their balance, reproducibility, and refusals of bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn import datasets
from nn.datasets import DATASETS, circles, moons, spiral, yin_yang, yin_yang_class


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_set_has_points_labels_balance_and_a_seed(name: str) -> None:
    make = DATASETS[name]
    X, y = make(301, seed=3)
    assert X.shape == (301, 2) and X.dtype == np.float64 and np.isfinite(X).all()
    assert y.shape == (301,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1, counts  # as balanced as 301 allows
    again, labels = make(301, seed=3)
    assert np.array_equal(X, again) and np.array_equal(y, labels)
    other, _ = make(301, seed=4)
    assert not np.array_equal(X, other)
    fresh, _ = make(301)  # no seed: a new set, still well formed
    assert fresh.shape == (301, 2)
    # shuffled: the labels do not come in two sorted blocks
    assert (np.diff(y) != 0).sum() > 10


def test_moons_lie_on_their_two_half_circles_without_noise() -> None:
    X, y = moons(200, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()
    # the arcs are covered end to end
    assert np.isclose(upper[:, 0].min(), -1) and np.isclose(upper[:, 0].max(), 1)
    assert np.isclose(lower[:, 0].min(), 0) and np.isclose(lower[:, 0].max(), 2)


def test_noise_is_the_standard_deviation_of_each_coordinate() -> None:
    # On circles the radial part of isotropic noise of deviation s has deviation s (s << radius).
    s = 0.01
    X, y = circles(40_000, noise=s, factor=0.5, seed=1)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert abs(radius[y == 0].mean() - 1.0) < 1e-3 and abs(radius[y == 1].mean() - 0.5) < 1e-3
    assert radius[y == 0].std() == pytest.approx(s, rel=0.05)
    assert radius[y == 1].std() == pytest.approx(s, rel=0.05)


def test_circles_are_two_rings_of_the_given_radii() -> None:
    X, y = circles(100, noise=0.0, factor=0.3, seed=2)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.3)


def test_spiral_arms_wind_out_as_their_formula_says() -> None:
    X, y = spiral(300, noise=0.0, classes=3, turns=0.5, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius.max() == pytest.approx(1.0) and radius.min() == pytest.approx(0.0)
    angle = np.arctan2(X[:, 0], X[:, 1])  # x = r sin(t), y = r cos(t)
    expected = 2 * math.pi * (y / 3 + 0.5 * radius)
    away = radius > 1e-9
    assert np.allclose(np.cos(angle[away] - expected[away]), 1.0)


def test_yin_yang_regions_have_the_symbols_areas_and_symmetry() -> None:
    # Independent of how the classes are written: uniform points in the disc fall in the dots in
    # proportion 2 r_small^2 / r_big^2, yin and yang share the rest equally, and turning the
    # symbol half a turn swaps yin and yang.
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1, (2, 400_000))
    inside = np.hypot(x - 0.5, y - 0.5) <= 0.5
    x, y = x[inside], y[inside]
    label = yin_yang_class(x, y)
    share = np.bincount(label, minlength=3) / len(label)
    assert share[2] == pytest.approx(2 * 0.1**2 / 0.5**2, abs=0.003)
    assert share[0] == pytest.approx(share[1], abs=0.005)
    turned = yin_yang_class(1 - x, 1 - y)
    not_dots = label != 2
    assert (turned[not_dots] == 1 - label[not_dots]).all()


def test_yin_yang_points_carry_the_class_of_where_they_lie() -> None:
    X, y = yin_yang(600, noise=0.0, seed=5)
    assert np.bincount(y).tolist() == [200, 200, 200]
    assert (np.hypot(X[:, 0], X[:, 1]) <= 2.0 + 1e-12).all()
    unscaled = (X / 2.0 + 1.0) * 0.5  # back to the symbol's square [0, 1]
    assert (yin_yang_class(unscaled[:, 0], unscaled[:, 1]) == y).all()


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: moons(0), ValueError, "moons: n must be between 2"),
        (lambda: moons(-5), ValueError, "moons: n must be between"),
        (lambda: moons(10**9), ValueError, "1,000,000"),
        (lambda: moons("100"), TypeError, "moons: n must be a whole number"),
        (lambda: moons(True), TypeError, "moons: n must be a whole number"),
        (lambda: moons(10.0), TypeError, "moons: n must be a whole number"),
        (lambda: moons(10, noise=-0.1), ValueError, "moons: noise must be a finite number >= 0"),
        (lambda: moons(10, noise=float("nan")), ValueError, "noise must be a finite number"),
        (lambda: moons(10, noise="big"), TypeError, "moons: noise must be a number"),
        (lambda: moons(10, seed=-1), ValueError, "moons: seed must be an integer >= 0 or None"),
        (lambda: moons(10, seed=1.5), ValueError, "seed must be an integer"),
        (lambda: circles(10, factor=1.0), ValueError, "circles: factor"),
        (lambda: circles(10, factor=0), ValueError, "circles: factor"),
        (lambda: spiral(10, classes=1), ValueError, "spiral: classes must be a whole number from 2"),
        (lambda: spiral(10, turns=0), ValueError, "spiral: turns"),
        (lambda: yin_yang(2), ValueError, "yin_yang: n must be between 3"),
        (lambda: yin_yang(10, r_small=0.3), ValueError, "yin_yang: the dots"),
        (lambda: yin_yang(10, r_big=-1), ValueError, "yin_yang: r_big"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, error, words: str) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(")):
        call()


def test_the_sets_are_reachable_from_nn() -> None:
    import nn

    assert nn.datasets is datasets and set(DATASETS) == {"moons", "circles", "spiral", "yin_yang"}
