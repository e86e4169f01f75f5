"""The training page in a real browser: headless Chromium (Playwright) opening the file from disk
with every request recorded, stepping with the keys and the buttons, reading what the page shows
against the numbers it carries, and its number formatter against chainrule's own.

One browser and one page serve the whole module (launching and training are the slow parts)."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from playwright.sync_api import sync_playwright

import viz
from autograd_core.words import format_number
from nn.datasets import moons
from nn.playground import train
from nn.scalar import MLP
from viz.training.page import read_data
from viz.training.table import decode

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREEN = {"width": 1280, "height": 720}
STEPS = 6


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = moons(40, noise=0.1, seed=1)
    y = 2 * y - 1
    model = MLP(2, [4, 4, 1], seed=2)
    page = viz.TrainingPage(model, X, y, watch=[0, 3], grid=16)
    train(model, X, y, STEPS, page=page)
    path = page.save(tmp_path_factory.mktemp("browser") / "train.html").path
    return path, read_data(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def opened(browser, saved):
    """The page opened from file://, every request the page makes recorded (and any leaving
    file:// refused)."""
    path, data = saved
    tab = browser.new_page(viewport=SCREEN)
    tab.requests = []
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))

    def watch(route):
        tab.requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    tab.route("**/*", watch)
    tab.goto(path.as_uri())
    tab.wait_for_function("document.body.dataset.step !== undefined")
    yield tab, data
    assert tab.errors == []
    tab.close()


def step(tab) -> int:
    return int(tab.evaluate("document.body.dataset.step"))


def test_the_page_makes_no_request_beyond_its_own_file(opened, saved) -> None:
    tab, _ = opened
    path, _ = saved
    tab.keyboard.press("End")
    tab.keyboard.press("Home")
    assert tab.requests == [path.as_uri()]


def test_the_first_and_last_steps_show_different_boundaries_and_the_loss_falls(opened) -> None:
    tab, data = opened
    shown = {}
    for press in ("Home", "End"):
        tab.keyboard.press(press)
        shown[press] = {
            "step": step(tab),
            "counter": tab.text_content("#counter"),
            "boundary": tab.get_attribute("#marks .boundary", "d"),
            "plane": tab.evaluate("document.getElementById('surface').toDataURL()"),
            "loss": tab.text_content("#curves .loss-text"),
        }
    first, last = shown["Home"], shown["End"]
    assert (first["step"], last["step"]) == (0, STEPS - 1)
    assert (first["counter"], last["counter"]) == (f"step 1 / {STEPS}", f"step {STEPS} / {STEPS}")
    assert first["boundary"] != last["boundary"] and first["plane"] != last["plane"]
    loss_first = float(first["loss"].removeprefix("loss "))
    loss_last = float(last["loss"].removeprefix("loss "))
    assert loss_first == pytest.approx(data["loss"][0], rel=1e-3)
    assert loss_last == pytest.approx(data["loss"][-1], rel=1e-3)
    assert loss_last < loss_first


def test_the_keys_and_buttons_move_through_the_steps(opened) -> None:
    tab, _ = opened
    assert step(tab) == 0
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowRight")
    assert step(tab) == 2 and tab.text_content("#counter") == f"step 3 / {STEPS}"
    tab.keyboard.press("ArrowLeft")
    assert step(tab) == 1
    tab.keyboard.press("End")
    tab.keyboard.press("ArrowRight")  # no further than the last step
    assert step(tab) == STEPS - 1
    tab.keyboard.press("Home")
    tab.keyboard.press("ArrowLeft")
    assert step(tab) == 0
    tab.click("#next")
    assert step(tab) == 1
    tab.click("#prev")
    assert step(tab) == 0
    tab.fill("#scrub", "4")
    assert step(tab) == 4
    # space plays to the end and stops; space again pauses
    tab.keyboard.press("Home")
    tab.keyboard.press(" ")
    assert tab.get_attribute("#play", "aria-pressed") == "true"
    tab.wait_for_function(f"document.body.dataset.step === '{STEPS - 1}'")
    tab.wait_for_function("document.getElementById('play').getAttribute('aria-pressed') === 'false'")
    tab.keyboard.press(" ")
    tab.keyboard.press(" ")
    assert tab.get_attribute("#play", "aria-pressed") == "false"


def test_a_link_opens_at_its_step(browser, saved) -> None:
    path, _ = saved
    tab = browser.new_page(viewport=SCREEN)
    tab.goto(path.as_uri() + "#3")
    tab.wait_for_function("document.body.dataset.step !== undefined")
    assert step(tab) == 2 and tab.text_content("#counter") == f"step 3 / {STEPS}"
    tab.keyboard.press("ArrowRight")
    tab.wait_for_function("location.hash === '#4'")  # the address follows, once the reader stops
    tab.close()


def _graph_texts(tab) -> dict[int, tuple[str, str]]:
    """The value and gradient each node of the shown graph displays (nodes in sight)."""
    return {int(k): tuple(v) for k, v in tab.evaluate("""() => {
        const out = {};
        document.querySelectorAll('#diagram svg.walk g.node[data-node]').forEach(g => {
          const texts = [...g.querySelectorAll('text')];
          const value = texts.find(t => t.classList.contains('t') && !t.classList.contains('title'));
          const grad = texts.find(t => t.classList.contains('gr'));
          out[g.dataset.node] = [value ? value.textContent : '', grad ? grad.textContent : ''];
        });
        return out; }""").items()}


def test_the_graph_shows_each_nodes_value_and_gradient_at_the_step(opened) -> None:
    tab, data = opened
    numbers = decode(data["numbers"])
    tab.click("#open-all")
    for press, point in (("End", 0), ("ArrowLeft", 1)):
        tab.keyboard.press(press)
        if point == 1:
            tab.click("#watched button:nth-of-type(2)")
        j = step(tab)
        # look at every part of the graph in turn: texts are written where they are seen
        box = tab.evaluate("""() => { const d = window.trainingPage.shown(); return [d.width, d.height]; }""")
        seen: dict[int, tuple[str, str]] = {}
        for y in range(0, int(box[1]), 600):
            for x in range(0, int(box[0]), 1400):  # the view (about 870 x 370 px) at half size
                tab.evaluate(f"() => window.trainingPage.look({x}, {y}, 0.5)")
                seen.update({i: t for i, t in _graph_texts(tab).items() if t[0]})
        graph = data["graphs"][data["points"][point]["graph"]]
        values, grads = numbers[f"p{point}v"][j], numbers[f"p{point}g"][j]
        assert len(seen) == len(graph["nodes"])
        for i, (value, grad) in seen.items():
            assert value == format_number(values[i]), (point, i, value, values[i])
            if graph["nodes"][i][8] and graph["nodes"][i][0] != "c":
                assert grad == f"grad {format_number(grads[i])}", (point, i, grad)
        assert tab.evaluate("document.body.dataset.point") == str(data["points"][point]["index"])


def test_a_folded_neuron_opens_where_it_is_clicked(opened) -> None:
    tab, data = opened
    graph = data["graphs"][0]
    neuron = next(n for n, fold in enumerate(graph["folds"]) if graph["scopes"][fold[0]] == "layer2/neuron1")
    layer = next(n for n, fold in enumerate(graph["folds"]) if graph["scopes"][fold[0]] == "layer2")
    shut = tab.evaluate("Object.keys(window.trainingPage.shown().shut).map(Number)")
    assert neuron in shut and layer in shut  # a graph of more than 60 nodes opens folded

    def click(n):
        box = tab.locator(f"#gf{n} > path").bounding_box()
        tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tab.wait_for_timeout(50)

    click(layer)
    click(neuron)
    shut = tab.evaluate("Object.keys(window.trainingPage.shown().shut).map(Number)")
    assert neuron not in shut and layer not in shut
    # the neuron's output is in view, readable, with its value at this step
    members = graph["folds"][neuron][2]
    act = graph["folds"][neuron][3][0]
    assert act in members
    place = tab.locator(f'#diagram g.node[data-node="{act}"] > path').bounding_box()
    view = tab.locator("#diagram").bounding_box()
    assert view["x"] <= place["x"] and place["x"] + place["width"] <= view["x"] + view["width"]
    assert view["y"] <= place["y"] and place["y"] + place["height"] <= view["y"] + view["height"]
    assert place["height"] >= 30  # three lines of 12 px text at a readable size
    numbers = decode(data["numbers"])
    texts = _graph_texts(tab)
    assert texts[act][0] == format_number(numbers["p0v"][step(tab)][act])


def test_the_table_sorts_by_gradient_and_shows_each_updates_sign(opened) -> None:
    tab, data = opened
    numbers = decode(data["numbers"])
    tab.keyboard.press("ArrowRight")
    j = step(tab)
    rows = tab.evaluate("""() => {
        const top = r => new DOMMatrix(getComputedStyle(r).transform).m42;
        return [...document.querySelectorAll('#table .row')].filter(r => r.style.display !== 'none')
          .sort((a, b) => top(a) - top(b)).map(r => [...r.children].map(c => c.textContent)); }""")
    names = data["params"]
    gradients = numbers["gradients"][j]
    order = sorted(range(len(names)), key=lambda p: (-abs(gradients[p]), p))
    assert [row[0] for row in rows] == [names[p] for p in order[:len(rows)]]
    for row, p in zip(rows, order):
        update = numbers["updates"][j][p]
        glyph = "▲ " if update > 0 else "▼ " if update < 0 else "· "
        assert row[2] == format_number(gradients[p]) and row[3] == glyph + format_number(update)
    tab.click("#table [data-key=name]")
    first = tab.evaluate("[...document.querySelectorAll('#table .row')]"
                         ".find(r => r.style.transform === 'translateY(0px)').children[0].textContent")
    assert first == names[0]


def test_the_pages_formatter_writes_numbers_as_chainrule_does(opened) -> None:
    tab, _ = opened
    rng = np.random.default_rng(0)
    numbers = [0.0, -0.0, 1.0, -1.0, 2.2, 110.00000000000001, 123456.0, -1e-5, 1e-4, 0.00012345, 99999.0, 9999.5,
               1.0625, 1.0635, 2.5, 0.5, 1e300, -1e-300, 1.2345e-7, 12345.0, 1234.5, 0.1, 1 / 3,
               math.inf, -math.inf, math.nan]
    numbers += rng.normal(0, 1, 300).tolist() + (rng.normal(0, 1, 300) * 10.0 ** rng.integers(-9, 9, 300)).tolist()
    # the page shows float32 numbers: some of those, exactly
    numbers += [struct.unpack("f", struct.pack("f", x))[0] for x in rng.normal(0, 3, 300)]
    shown = tab.evaluate("xs => xs.map(x => window.trainingPage.formatNumber(x === 'nan' ? NaN : x === 'inf' ? "
                         "Infinity : x === '-inf' ? -Infinity : x))",
                         [x if math.isfinite(x) else str(x) for x in numbers])
    expected = [format_number(x) for x in numbers]
    wrong = [(x, a, b) for x, a, b in zip(numbers, shown, expected) if a != b]
    assert wrong == []


def test_switching_watched_points_marks_the_point_on_the_plane(opened) -> None:
    tab, data = opened
    tab.click("#watched button:nth-of-type(2)")
    assert tab.evaluate("document.body.dataset.point") == str(data["points"][1]["index"])
    assert tab.evaluate("[...document.querySelectorAll('.watched-mark')].map(g => g.classList.contains('chosen'))") == [
        False, True]
    tab.click(".watched-mark[data-point='0'] circle", force=True)
    assert tab.evaluate("document.body.dataset.point") == str(data["points"][0]["index"])


def test_the_page_plays_inline_in_a_notebooks_sandboxed_frame(browser, saved, tmp_path) -> None:
    path, _ = saved
    from viz.training.recorder import TrainingPageFile

    shown = TrainingPageFile(path, path.read_text(encoding="utf-8"), steps=STEPS)
    holder = tmp_path / "notebook.html"
    holder.write_text(f"<!DOCTYPE html><html><body>{shown._repr_html_()}</body></html>", encoding="utf-8")
    tab = browser.new_page(viewport=SCREEN)
    tab.goto(holder.as_uri())
    frame = tab.frames[1]
    frame.wait_for_function("document.body.dataset.step !== undefined")
    frame.click("#next")
    assert frame.evaluate("document.body.dataset.step") == "1"
    tab.close()
