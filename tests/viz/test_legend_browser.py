"""A diagram's words read word by word in a real browser (headless Chromium): an SVG file, and the
same diagram inline in a notebook's HTML.  Graphviz writes ``grad`` (red) `` gradient`` (black)
as two texts, the second starting with its space; a browser keeps that space only when told to,
otherwise the legend reads ``gradgradient``."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

import viz
from autograd_core import Value

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

# Every text as the browser lays it out: its characters as drawn (a space the browser drops is not
# one of them), and where it starts and ends; lines are texts that share a baseline.
READ = """() => Array.from(document.querySelectorAll('svg text')).map(t => {
  const n = t.getNumberOfChars();
  let drawn = '';
  for (let i = 0; i < n; i++) { drawn += t.textContent.charAt(t.textContent.length - n + i); }
  const box = t.getBBox();
  return {text: t.textContent, chars: n, y: Math.round(parseFloat(t.getAttribute('y'))),
          left: n ? t.getStartPositionOfChar(0).x : box.x, right: box.x + box.width}; })"""


def reading(texts: list[dict]) -> list[str]:
    """The lines as a reader sees them: the texts on one baseline, left to right, a space where the
    browser leaves a gap of a space's width or more between two of them."""
    lines: dict[int, list[dict]] = {}
    for t in texts:
        lines.setdefault(t["y"], []).append(t)
    out = []
    for y in sorted(lines):
        row = sorted(lines[y], key=lambda t: t["left"])
        line = ""
        for k, t in enumerate(row):
            if k and t["left"] - row[k - 1]["right"] >= 2.5 and not line.endswith(" "):
                line += " "
            line += t["text"].lstrip() if k and line.endswith(" ") else t["text"]
        out.append(" ".join(line.split()))
    return out


@pytest.fixture(scope="module")
def tab():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1600, "height": 900})
        finally:
            browser.close()


def part_way():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    steps = price.backprop()
    steps.step()
    return steps


EXPECTED = ["name value", "a*b unnamed: its expression", "grad gradient (final)", "so far running sum, not final yet",
            "local local derivative", "← u × d = c this step: upstream × local"]


def test_the_legend_of_an_svg_file_reads_word_by_word(tab, tmp_path):
    path = viz.render(part_way(), tmp_path / "step.svg", legend=True)
    tab.goto(path.resolve().as_uri())
    texts = tab.evaluate(READ)
    # the browser draws every character Graphviz wrote, the leading spaces too
    assert all(t["chars"] == len(t["text"]) for t in texts), [t for t in texts if t["chars"] != len(t["text"])]
    lines = " | ".join(reading(texts))
    for words in EXPECTED:
        assert words in lines, (words, lines)
    assert "gradgradient" not in lines.replace(" ", "") or "grad gradient" in lines
    for swatch in ("current node", "gathering, not final", "not reached yet"):
        assert swatch in lines


def test_the_same_diagram_inline_in_a_notebook_reads_word_by_word(tab, tmp_path):
    html = viz.draw(part_way(), legend=True)._repr_html_()
    page = tmp_path / "cell.html"
    page.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{html}</body>", encoding="utf-8")
    tab.goto(page.resolve().as_uri())
    texts = tab.evaluate(READ)
    assert all(t["chars"] == len(t["text"]) for t in texts)
    lines = " | ".join(reading(texts))
    for words in EXPECTED:
        assert words in lines, (words, lines)
