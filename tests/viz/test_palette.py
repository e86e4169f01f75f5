"""Colours everyone can read: text contrast (WCAG 2, at least 4.5:1 on its background), and the
forward, local-derivative and backward colours told apart under red-green colour blindness
(simulated with Machado, Oliveira and Fernandes' 2009 matrices), each meaning also said in words."""

from __future__ import annotations

import re

import numpy as np
import pytest

import viz
from autograd_core import Value
from viz import palette
from viz.lecture_page import page
from viz.palette import contrast
from viz.walk.styles import LOOK_STYLE

TEXTS = {"forward": palette.FORWARD, "backward": palette.BACKWARD, "local": palette.LOCAL,
         "muted": palette.MUTED_TEXT, "soft": palette.SOFT_TEXT, "constant": palette.CONSTANT_TEXT,
         "path": palette.PATH}
BACKGROUNDS = {"white": "#ffffff", "current": palette.CURRENT_FILL, "fold": palette.FOLD_FILL,
               "panel": palette.PANEL_FILL, "constant": palette.CONSTANT_FILL}

# Machado et al. (2009), severity 1.0, applied to linear RGB.
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])


def test_contrast_follows_wcag_on_known_pairs() -> None:
    # the WCAG examples: #767676 is the lightest grey that passes on white, #777777 just fails
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#000000", "#ffffff") == 21.0


@pytest.mark.parametrize("text", list(TEXTS))
def test_every_text_colour_reaches_4_5_to_1_on_every_background(text: str) -> None:
    for name, background in BACKGROUNDS.items():
        assert contrast(TEXTS[text], background) >= 4.5, (text, name, contrast(TEXTS[text], background))


def _text_colours(source: str) -> set[str]:
    return {c.lower() for c in re.findall(r'<font color="(#[0-9a-fA-F]{6})"', source)} | {
        c.lower() for c in re.findall(r'fontcolor="(#[0-9a-fA-F]{6})"', source)}


def test_diagrams_draw_text_only_in_those_colours() -> None:
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    steps = price.backprop()
    steps.step()
    used = _text_colours(viz.draw(steps, legend=True).source) | _text_colours(viz.draw(price, collapse=True).source)
    assert used and used <= {c.lower() for c in TEXTS.values()}, used
    # every look's text colour too
    assert {style[4].lower() for style in LOOK_STYLE.values()} <= {c.lower() for c in TEXTS.values()}


def _linear(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = to_xyz @ np.clip(linear, 0, 1)
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_simulation_leaves_greys_grey() -> None:
    # each matrix maps white to white and grey to grey: its rows sum to 1
    for matrix in (PROTANOPIA, DEUTERANOPIA):
        assert matrix.sum(axis=1) == pytest.approx([1, 1, 1], abs=1e-3)


@pytest.mark.parametrize("vision", ["normal", "protanopia", "deuteranopia"])
def test_forward_local_and_backward_stay_apart_under_colour_blindness(vision: str) -> None:
    matrix = {"normal": np.eye(3), "protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}[vision]
    seen = {name: _lab(matrix @ _linear(TEXTS[name])) for name in ("forward", "local", "backward")}
    for a, b in (("forward", "local"), ("forward", "backward"), ("local", "backward")):
        # CIE76 distance; 20 is well past "clearly different" (2.3 is just noticeable)
        assert np.linalg.norm(seen[a] - seen[b]) >= 20, (vision, a, b, np.linalg.norm(seen[a] - seen[b]))


def test_each_colour_is_also_said_in_words() -> None:
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    steps = price.backprop()
    steps.step()
    source = viz.draw(steps).source
    backward = re.findall(rf'<font color="{palette.BACKWARD}"[^>]*>(?:<[bi]>)*([^<]*)', source)
    local = re.findall(rf'<font color="{palette.LOCAL}"[^>]*>([^<]*)', source)
    # a red text is a gradient ("grad"), a running sum ("so far") or what flows back ("←")
    assert backward and all(t.startswith(("grad ", "so far ", "← ")) for t in backward), backward
    assert local and all(t.startswith("local ") for t in local), local


def test_the_lecture_page_uses_the_same_colours() -> None:
    from viz.lecture_svg import LaidOut
    from viz.walk.model import walk

    text = page(walk(Value(2.0, name="y") * 3), LaidOut("<svg></svg>", {}, frozenset()))
    declared = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", text))
    assert declared["backward"] == palette.BACKWARD and declared["muted-text"] == palette.MUTED_TEXT
    assert contrast(declared["muted-text"], "#ffffff") >= 4.5


@pytest.mark.parametrize("vision", ["normal", "protanopia", "deuteranopia"])
def test_the_training_pages_sign_and_class_colours_stay_apart_under_colour_blindness(vision: str) -> None:
    matrix = {"normal": np.eye(3), "protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}[vision]

    def apart(a: str, b: str) -> float:
        return float(np.linalg.norm(_lab(matrix @ _linear(a)) - _lab(matrix @ _linear(b))))

    assert apart(palette.POSITIVE, palette.NEGATIVE) >= 20
    first = palette.CLASSES[:3]  # two-class sets and the yin-yang set's three
    for i in range(3):
        for j in range(i + 1, 3):
            assert apart(first[i], first[j]) >= 20, (vision, first[i], first[j], apart(first[i], first[j]))


def test_sign_and_class_colours_are_never_alone() -> None:
    # bars and markers are graphics: 3:1 on white (WCAG 1.4.11); each sign and class is also a shape
    from viz.training.page import MARKERS, asset

    for colour in (palette.POSITIVE, palette.NEGATIVE, *palette.CLASSES[:3]):
        assert contrast(colour, "#ffffff") >= 3.0, colour
    assert len(set(MARKERS)) == len(MARKERS) >= len(palette.CLASSES)
    script = asset("training.js")
    assert '"\\u25b2 "' in script and '"\\u25bc "' in script  # an update's sign as an arrow, beside its colour
    assert 'v < 0 ? (50 - width) + "%" : "50%"' in script  # a bar's side of its axis says the sign too


def test_the_training_page_uses_the_palettes_colours() -> None:
    from viz.training.page import page_html

    text = page_html({"title": "t", "summary": "", "frames": [["step 1 / 1", ""]], "steps": 1})
    declared = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", text))
    assert declared["positive"] == palette.POSITIVE and declared["negative"] == palette.NEGATIVE
    assert declared["backward"] == palette.BACKWARD and declared["local"] == palette.LOCAL
