"""The lecture page's quiz mode in a real browser (headless Chromium, driven by Playwright): the
page opened from disk asks before it tells.  At every step, no number the step computes is on
screen (the page's rendered text, SVG included) until the learner types it; the answers come from
the test's own oracle (derived by hand, the inputs' gradients checked against central
differences), never from the page.  The page's copy of the answer rule agrees with the engine's
on a table of cases, and the page plays inside a notebook's sandboxed frame too."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import sync_playwright

import viz
from autograd_core import Value
from autograd_core.steps.exercises import agrees, read_number

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?(?![\w(])")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def tab(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    page.close()


def central(f, values, name, h=1e-6):
    up, down = dict(values), dict(values)
    up[name] += h
    down[name] -= h
    return (f(**up) - f(**down)) / (2 * h)


def neuron():
    """y = tanh(w*x + b) at w=-2, x=0.5, b=0.3; its answers by hand (see test_quiz_asks_first)."""
    w, x, b = Value(-2.0, name="w"), Value(0.5, name="x"), Value(0.3, name="b")
    y = (w * x + b).tanh()
    y.name = "y"
    u = -2.0 * 0.5 + 0.3
    du = 1 - math.tanh(u) ** 2
    oracle = {
        "local d/d(w*x + b) of y": du, "d(w*x + b)": du, "local d/d(w*x) of w*x + b": 1.0,
        "local d/db of w*x + b": 1.0, "d(w*x)": du, "db": du, "local d/dw of w*x": 0.5, "local d/dx of w*x": -2.0,
        "dw": du * 0.5, "dx": du * -2.0,
    }
    values = dict(w=-2.0, x=0.5, b=0.3)
    for name in values:
        numerical = central(lambda w, x, b: math.tanh(w * x + b), values, name)
        assert numerical == pytest.approx(oracle[f"d{name}"], rel=1e-7)
    return y, oracle, [-2.0, 0.5, 0.3, -1.0, u, math.tanh(u), 1.0]


def two_uses():
    """f = h*h + h with h = x*y at x=1.5, y=-0.4: df/dh = 2h + 1, df/dx = (2h + 1) y, by hand."""
    x, y = Value(1.5, name="x"), Value(-0.4, name="y")
    h = x * y
    h.name = "h"
    f = h * h + h
    f.name = "f"
    dh = 2 * -0.6 + 1
    oracle = {"d(h*h)": 1.0, "dh": dh, "dx": dh * -0.4, "dy": dh * 1.5}
    for name, value in (("x", dh * -0.4), ("y", dh * 1.5)):
        assert central(lambda x, y: (x * y) ** 2 + x * y, dict(x=1.5, y=-0.4), name) == pytest.approx(value, rel=1e-7)
    return f, oracle, [1.5, -0.4, -0.6, 0.36, -0.24, 1.0]


VISIBLE = "() => document.body.innerText"


def shown_numbers(tab) -> list[float]:
    """Every number the page shows: its rendered text, the diagram's included (hidden and
    not-displayed elements are not rendered text)."""
    return [float(n) for n in NUMBER.findall(re.sub(r"step \d+ / \d+", "", tab.evaluate(VISIBLE)))]


def play(tab, path, oracle, given, *, wrong_first=()):
    """Answer every question of the quiz page at ``path``, checking before each that its number
    is not on screen (unless the learner already holds it); returns what was asked, in order."""
    tab.goto(path.as_uri())
    tab.keyboard.press("ArrowRight")  # the forward pass
    tab.keyboard.press("ArrowRight")  # the seed
    asked, typed, checked = [], [], 0
    while True:
        while tab.is_visible("#quiz-form"):
            prompt = tab.inner_text("#quiz-prompt").removesuffix(" = ?").strip()
            value = oracle[prompt]
            if not any(agrees(value, g) for g in [*given, *typed]):
                checked += 1
                leaked = [n for n in shown_numbers(tab) if agrees(n, value)]
                assert leaked == [], f"{prompt} = {value} is on screen before it is answered"
            if prompt in wrong_first:
                tab.fill("#quiz-answer", "12345")
                tab.keyboard.press("Enter")
                assert tab.inner_text("#quiz-feedback").startswith(f"not yet: {prompt} is not 12345\n")
            tab.fill("#quiz-answer", repr(value))
            tab.keyboard.press("Enter")
            assert tab.inner_text("#quiz-feedback").startswith(f"right: {prompt} = ")
            asked.append(prompt)
            typed.append(value)
        counter = tab.inner_text("#counter")
        if "step" in counter:
            number = counter.split()[1]
            text = tab.inner_text("section.frame:not([hidden]) pre.text")
            assert text.startswith(f"step {number}/"), text  # the step's own text, once answered
        if tab.is_disabled("#next"):
            break
        tab.keyboard.press("ArrowRight")
    assert tab.errors == [] and all(url.startswith("file:") for url in tab.requests)
    return asked, checked


def test_the_quiz_page_shows_no_number_of_a_step_until_it_is_typed(tab, tmp_path):
    y, oracle, given = neuron()
    path = tmp_path / "q.html"
    viz.lecture(y, path, quiz="both")
    asked, checked = play(tab, path, oracle, given, wrong_first=("dw",))
    assert sorted(asked) == sorted(oracle) and checked == 3  # the tanh local, dw and dx are new numbers
    assert tab.inner_text("#quiz-score") == "score: 10/10 right, 9 at the first try"


def test_a_node_used_three_times_is_asked_once_its_total_is_in(tab, tmp_path):
    f, oracle, given = two_uses()
    path = tmp_path / "twice.html"
    viz.lecture(f, path, quiz=True)
    tab.goto(path.as_uri())
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowRight")
    # step 1 sends 1 to h (its first use): the running sum is not on screen as "so far 1"
    assert "so far" not in tab.evaluate(VISIBLE)
    asked, checked = play(tab, path, oracle, given)
    assert asked == ["d(h*h)", "dh", "dx", "dy"] and checked == 3


def test_a_key_shows_the_answer_without_answering(tab, tmp_path):
    y, oracle, _ = neuron()
    path = tmp_path / "show.html"
    viz.lecture(y, path, quiz=True)
    tab.goto(path.as_uri())
    for _ in range(2):
        tab.keyboard.press("ArrowRight")
    tab.click("#diagram")  # the focus off the answer box: s is the page's key
    tab.keyboard.press("s")
    assert tab.inner_text("#quiz-feedback") == "the answer: d(w*x + b) = 0.6347"
    assert not tab.is_visible("#quiz-form")  # step 1 asks one gradient: it is shown now
    assert "0.6347" in tab.inner_text("section.frame:not([hidden]) pre.text")
    assert tab.inner_text("#quiz-score") == "score: 0/0 right, 0 at the first try; 1 shown on request"


RULE_CASES = [  # (answer, expected): the engine's rule decides; the page must say the same
    (0.317, 0.31737), (0.32, 0.31737), (0.3174, 0.31737), (0.786, 0.78645), (0.78, 0.78645), (2.2, 2.2004),
    (2.21, 2.2), (1e-10, 0.0), (1e-8, 0.0), (-2.2, 2.2), (110.0, 110.00000000000001), (109.9, 110.0),
    (0.00100049, 0.001), (0.0010006, 0.001), (999.5, 1000.0), (1000.5, 1000.0), (99.95, 100.0), (123450.0, 123456.0),
    (1.2345e-7, 1.2349e-7), (-1.269, -1.26948), (-1.27, -1.26948), (-1.26, -1.26948), (6.5, 6.5), (13.0, 13.0),
    (float("inf"), float("inf")), (1e300, float("inf")), (0.0, 1e-12), (5e-4, 0.0),
]
READ_CASES = ["1.1*2", " 3 / 4 ", "-(1.5)**2", "2**-1", "1-0.6044**2", "exp(1)", "tanh(0.5)*2", "apple", "1e309",
              "exp(1000)", "1/0", "log(0)", "inf", "1" * 101, "2*(3", "", "--2", "sigmoid(0)", "relu(-1)"]


def test_the_pages_answer_rule_is_the_engines(tab, tmp_path):
    y, _, _ = neuron()
    path = tmp_path / "rule.html"
    viz.lecture(y, path, quiz=True)
    tab.goto(path.as_uri())
    rule = tab.evaluate("() => JSON.parse(document.getElementById('lecture-data').textContent).quiz")
    # JSON has no infinity: it crosses as the word
    cases = [["inf" if math.isinf(v) else v, "inf" if math.isinf(e) else e] for v, e in RULE_CASES]
    page = tab.evaluate(
        """([cases, rule]) => cases.map(([v, e]) => window.chainruleRule.agrees(
             v === 'inf' ? Infinity : v, e === 'inf' ? Infinity : e, rule))""",
        [cases, rule],
    )
    engine = [agrees(v, e) for v, e in RULE_CASES]
    assert page == engine and True in engine and False in engine
    # reading an answer: the same number, or the same refusal word for word
    read = tab.evaluate("([cases, rule]) => cases.map(c => window.chainruleRule.readNumber(c, rule))",
                        [READ_CASES, rule])
    for text, result in zip(READ_CASES, read):
        try:
            expected = {"value": read_number(text)}
        except ValueError as error:
            expected = {"refusal": str(error)}
        if text == "":
            continue  # the page treats an empty answer as "show it" before reading it
        if "value" in expected:
            assert result.get("value") == pytest.approx(expected["value"], rel=1e-12), text
        else:
            assert result.get("refusal", "").split(" (")[0] == expected["refusal"].split(" (")[0], text


def test_the_quiz_plays_inside_a_notebooks_sandboxed_frame(tab, tmp_path):
    y, oracle, _ = neuron()
    shown = viz.lecture(y, tmp_path / "inline.html", quiz=True)
    tab.set_content(f"<html><body>{shown._repr_html_()}</body></html>")
    frame = tab.frame_locator("iframe")
    frame.locator("#next").click()
    frame.locator("#next").click()
    assert frame.locator("#quiz-prompt").inner_text() == "d(w*x + b) = ?"
    assert "0.6347" not in frame.locator("body").inner_text()
    frame.locator("#quiz-answer").fill("1 - tanh(-0.7)**2")
    frame.locator("#quiz-answer").press("Enter")
    assert frame.locator("#quiz-feedback").inner_text() == "right: d(w*x + b) = 0.6347"
    assert "0.6347" in frame.locator("section.frame:not([hidden]) pre.text").inner_text()
    assert tab.errors == []


def test_a_networks_quiz_page_hides_every_step_until_answered(tab, tmp_path):
    """micrograd's MLP(2, [2, 1]) on one input, squared error: the page asks every gradient; the
    oracle is backward() on a twin of the graph (the inputs' gradients checked against central
    differences), keyed by how every view calls the nodes."""
    from autograd_core import topological_order
    from autograd_core.words import Captions
    from nn.scalar import MLP

    def build(x0=2.0, x1=-1.0):
        model = MLP(2, [2, 1], act="tanh", seed=3)
        return (model([Value(x0, name="x0"), Value(x1, name="x1")]) - 1.0) ** 2

    twin = build()
    twin.backward()
    words = Captions(twin)
    order = topological_order(twin)
    oracle = {words.grad_name(node): float(node.grad) for node in order if node.requires_grad}
    leaves = {n.name: n for n in order if n.name in ("x0", "x1")}
    for name in ("x0", "x1"):
        values = {"x0": 2.0, "x1": -1.0}
        assert central(lambda x0, x1: build(x0, x1).data, values, name) == pytest.approx(leaves[name].grad, rel=1e-6)
    given = [float(node.data) for node in order] + [1.0]
    path = tmp_path / "mlp.html"
    viz.lecture(build(), path, quiz=True)
    asked, checked = play(tab, path, oracle, given)
    assert len(asked) == len(oracle) - 1 and checked >= 5  # every gradient but the seed's


def test_the_paths_frame_marks_every_path_in_the_browser(tab, tmp_path):
    x, y, z = Value(2.0, name="x"), Value(3.0, name="y"), Value(-5.0, name="z")
    f = x * y + x * z
    path = tmp_path / "paths.html"
    viz.lecture(f, path, paths=x)
    tab.goto(path.as_uri())
    tab.keyboard.press("End")
    marked = tab.evaluate("() => Array.from(document.querySelectorAll('.on-path')).map(e => e.id).sort()")
    # the four edges of the two paths, and the op-to-value edges of x*y, x*z and the sum
    assert marked == ["g-e2.0", "g-e4.0", "g-e5.0", "g-e5.1", "g-r2", "g-r4", "g-r5"]
    colour = tab.evaluate("() => getComputedStyle(document.querySelector('#g-e2\\\\.0 > path')).stroke")
    assert colour == "rgb(106, 27, 154)"  # the paths' colour, #6a1b9a
    tab.keyboard.press("ArrowLeft")
    assert tab.evaluate("() => document.querySelectorAll('.on-path').length") == 0
