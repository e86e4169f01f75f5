"""The lecture page in a real browser: headless Chromium, driven by Playwright, opening the file
from disk at a projector's 1280x720, clicking through every step, checking that the node being
processed is on screen and readable, and that the page shown inline in a notebook plays too.

One browser serves the whole module (launching it is the slow part)."""

from __future__ import annotations

import html

import pytest
from playwright.sync_api import sync_playwright

import viz
from autograd_core import Value, topological_order
from nn.scalar import MLP

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREEN = {"width": 1280, "height": 720}
#: The smallest text height (CSS pixels) a projected slide can have and still be read.
READABLE = 11


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
    # reduced motion: the view jumps to each step instead of gliding, so it can be measured at once
    page = browser.new_page(viewport=SCREEN, reduced_motion="reduce")
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    page.close()


def orange_graph():
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    total = apple * apple_num + orange * orange_num
    total.name = "all_price"
    price = total * tax
    price.name = "price"
    return price


def mlp_graph(seed: int = 0) -> Value:
    """micrograd's 2-4-4-1 MLP with tanh hidden layers (``nn.scalar``) on one input: every neuron in
    its scope (layer1/neuron0, ...), the network lectures use."""
    model = MLP(2, [4, 4, 1], act="tanh", seed=seed)
    return model([Value(2.0, name="x0"), Value(-1.0, name="x1")])


# Every frame from the current one to the last, as the reader sees it after pressing Next: the
# box of the node being processed (on screen?) and its smallest visible text.  One round trip.
WALK = """() => {
  const seen = [];
  while (true) {
    const area = document.getElementById('diagram').getBoundingClientRect();
    const box = document.querySelector('#diagram .node.s-current[id^="g-v"], #diagram .node.s-seeded[id^="g-v"]');
    if (box === null) { seen.push(null); } else {
      const r = box.getBoundingClientRect();
      const heights = Array.from(box.querySelectorAll('text'))
        .filter(t => getComputedStyle(t).visibility !== 'hidden')
        .map(t => t.getBoundingClientRect().height);
      seen.push({id: box.id, text: Math.min(...heights), inside: r.left >= area.left - 1
        && r.right <= area.right + 1 && r.top >= area.top - 1 && r.bottom <= area.bottom + 1});
    }
    const next = document.getElementById('next');
    if (next.disabled) { return seen; }
    next.click();
  }
}"""


# Every frame from the current one to the last: for each input of the node being processed, is it
# in view whole with the words on its edge, or does a stub inside the view stand for it? and how
# tall is the node's caption?  One round trip.
INPUTS = """() => {
  const data = JSON.parse(document.getElementById('lecture-data').textContent);
  const seen = [];
  while (true) {
    const area = document.getElementById('diagram').getBoundingClientRect();  // the text under it varies
    const within = r => r.left >= area.left - 1 && r.right <= area.right + 1 && r.top >= area.top - 1
      && r.bottom <= area.bottom + 1;
    const frame = data.frames[parseInt(document.body.getAttribute('data-frame'), 10)];
    if (frame.c >= 0 && !frame.f) {
      const missing = [];
      data.nodes[frame.c][1].forEach((p, k) => {
        const stub = document.querySelector('#diagram .stub[data-node="' + p + '"]');
        if (stub && getComputedStyle(stub).display !== 'none') {
          if (!within(stub.getBoundingClientRect()) || !stub.textContent.includes(data.titles[p])) {
            missing.push(p + ' (stub)');
          }
          return;
        }
        const box = document.getElementById('g-v' + p);
        const edge = document.getElementById('g-e' + frame.c + '.' + k);
        const words = edge ? Array.from(edge.querySelectorAll('text')).filter(t => t.textContent.trim()) : [];
        if (!box || !within(box.getBoundingClientRect()) || !words.every(t => within(t.getBoundingClientRect()))) {
          missing.push(p);
        }
      });
      const caption = document.querySelector('#g-v' + frame.c + ' text').getBoundingClientRect().height;
      seen.push({frame: parseInt(document.body.getAttribute('data-frame'), 10), missing: missing, caption: caption});
    }
    const next = document.getElementById('next');
    if (next.disabled) { return seen; }
    next.click();
  }
}"""


def visible_text(tab) -> str:
    return tab.inner_text("section.frame:not([hidden]) pre")


def test_click_through_the_lecture_in_chromium(tab, tmp_path):
    path = viz.lecture(orange_graph(), tmp_path / "orange.html", title="Apples and oranges")
    requests = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(path.resolve().as_uri())

    assert tab.inner_text("#counter") == "forward pass"
    assert tab.is_disabled("#prev") and tab.is_enabled("#next")
    assert tab.locator("#diagram svg").count() == 1
    assert "mul(150, 3) = 450" in visible_text(tab)
    # the forward pass shows no gradient anywhere
    assert tab.evaluate("Array.from(document.querySelectorAll('#diagram .gr'))"
                        ".every(t => getComputedStyle(t).visibility === 'hidden')")

    # the seed: the output is where the walk starts, and nothing flows back along any edge yet
    tab.click("#next")
    assert tab.inner_text("#counter") == "step 0 / 4"
    assert tab.evaluate("document.querySelectorAll('#diagram .node.s-seeded').length") == 2  # box and op
    assert tab.evaluate("getComputedStyle(document.querySelector('#diagram .node.s-seeded > path')).fill") == \
        "rgb(255, 243, 176)"  # drawn as the current node is: the walk starts here
    assert tab.evaluate("Array.from(document.querySelectorAll('#diagram .bk'))"
                        ".every(t => getComputedStyle(t).visibility === 'hidden')")
    clicks = 1
    while tab.is_enabled("#next"):
        tab.click("#next")
        clicks += 1
    assert clicks == 5  # the seed, then one step per operation: 2 mul + add + 2 mul
    assert tab.inner_text("#counter") == "step 4 / 4"
    last = visible_text(tab)
    assert "step 4/4" in last and "-> 2.2" in last and "-> 110" in last
    assert "dorange = 3.3" in last and "dtax = 650" in last and "dorange_num = 165" in last
    # the last step: apple * apple_num is current, every other box done with its gradient shown
    assert tab.evaluate("document.querySelectorAll('#diagram .node.s-current').length") == 2  # box and op
    shown = tab.evaluate("Array.from(document.querySelectorAll('#diagram .gr'))"
                         ".filter(t => getComputedStyle(t).visibility !== 'hidden').map(t => t.textContent)")
    assert sorted(shown) == sorted(["grad 1", "grad 1.1", "grad 1.1", "grad 1.1", "grad 2.2", "grad 110",
                                    "grad 3.3", "grad 165", "grad 650"])
    # what flows back along the current edges, in bold red, where the edge's label is
    flowing = tab.evaluate("Array.from(document.querySelectorAll('#diagram .edge.s-current .bk'))"
                           ".map(t => [t.textContent, getComputedStyle(t).fontWeight])")
    assert sorted(flowing) == [["← 1.1 × 100 = 110", "700"], ["← 1.1 × 2 = 2.2", "700"]]
    # each sits under its edge's local derivative, centred on it, as Graphviz placed the label
    offsets = tab.evaluate("""() => Array.from(document.querySelectorAll('#diagram .edge'))
      .filter(edge => edge.querySelector('.bk') && edge.querySelector('.loc'))
      .map(edge => { const centre = t => { const r = t.getBoundingClientRect(); return r.left + r.width / 2; };
        return Math.abs(centre(edge.querySelector('.bk')) - centre(edge.querySelector('.loc'))); })""")
    assert len(offsets) == 8 and max(offsets) < 3  # 2 mul + add + mul, two inputs each
    tab.screenshot(path=str(tmp_path / "lecture-last-step.png"))

    tab.keyboard.press("ArrowLeft")
    assert tab.inner_text("#counter") == "step 3 / 4" and "step 3/4" in visible_text(tab)
    # back one step: the edges of apple * apple_num show nothing flowing yet, orange's are current
    assert tab.evaluate("document.querySelectorAll('#diagram .edge.s-current .bk')[0].textContent") == "← 1.1 × 3 = 3.3"
    tab.keyboard.press("ArrowRight")
    assert tab.inner_text("#counter") == "step 4 / 4"
    tab.keyboard.press("Home")
    assert tab.inner_text("#counter") == "forward pass"
    assert tab.errors == []
    # the page asked for nothing but itself
    assert requests == [path.resolve().as_uri()]
    assert (tmp_path / "lecture-last-step.png").stat().st_size > 10_000


def test_mlp_lecture_follows_the_current_node_readably(tab, tmp_path):
    loss = mlp_graph()
    path = viz.lecture(loss, tmp_path / "mlp.html")
    tab.goto(path.resolve().as_uri())
    operations = [n for n in topological_order(loss) if n.parents]
    total = len(operations) + 2
    seen = tab.evaluate(WALK)
    assert len(seen) == total and seen[0] is None  # the forward pass: nothing is being processed
    for k, current in enumerate(seen[1:], start=1):
        assert current["inside"], f"frame {k}: the current node is off screen"
        assert current["text"] >= READABLE, f"frame {k}: the current node's text is {current['text']:.1f} px"
    assert tab.inner_text("#counter") == f"step {total - 2} / {total - 2}"
    order = topological_order(loss)
    expected = [f"g-v{order.index(loss)}"] + [f"g-v{order.index(n)}" for n in reversed(operations)]
    assert [c["id"] for c in seen[1:]] == expected
    # the final summary wraps inside its panel: nothing runs off to the right
    assert tab.evaluate("(() => { const p = document.querySelector('section.frame:not([hidden]) pre');"
                        " return p.scrollWidth <= p.clientWidth; })()")
    assert "layer1/neuron0:" in visible_text(tab)
    # o: the whole graph fits on screen; o again: back to the current node, larger than the screen
    fits = """() => { const a = document.getElementById('diagram').getBoundingClientRect();
      const r = document.querySelector('#diagram svg').getBoundingClientRect();
      return r.left >= a.left - 1 && r.right <= a.right + 1 && r.top >= a.top - 1 && r.bottom <= a.bottom + 1; }"""
    follow = tab.get_attribute("#diagram svg", "style")
    assert not tab.evaluate(fits)
    tab.keyboard.press("o")
    assert tab.get_attribute("#overview", "aria-pressed") == "true" and tab.evaluate(fits)
    tab.click("#overview")
    assert tab.get_attribute("#overview", "aria-pressed") == "false"
    assert tab.get_attribute("#diagram svg", "style") == follow
    # looking around by hand: a drag moves the drawing with the pointer, + zooms in, a step follows again
    def scale_and_shift():
        return tab.evaluate("""() => { const svg = document.querySelector('#diagram svg');
          const m = new DOMMatrix(getComputedStyle(svg).transform); return [m.a, m.e, m.f]; }""")

    tab.keyboard.press("ArrowLeft")
    before = scale_and_shift()
    box = tab.locator("#diagram").bounding_box()
    tab.mouse.move(box["x"] + 400, box["y"] + 200)
    tab.mouse.down()
    tab.mouse.move(box["x"] + 300, box["y"] + 150, steps=3)
    tab.mouse.up()
    dragged = scale_and_shift()
    assert dragged[0] == pytest.approx(before[0])
    assert dragged[1] - before[1] == pytest.approx(-100, abs=1) and dragged[2] - before[2] == pytest.approx(-50, abs=1)
    tab.keyboard.press("+")
    assert scale_and_shift()[0] == pytest.approx(1.25 * before[0])
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowLeft")
    assert scale_and_shift() == pytest.approx(before)
    # first, middle and last steps as a reader sees them (a link to a frame: page.html#k)
    for k in (1, total // 2, total - 1):
        tab.goto(f"{path.resolve().as_uri()}#{k}")
        assert tab.get_attribute("body", "data-frame") == str(k)
        tab.screenshot(path=str(tmp_path / f"mlp-{k}.png"))
        assert (tmp_path / f"mlp-{k}.png").stat().st_size > 10_000
    assert tab.errors == []


@pytest.mark.parametrize("collapse", [None, 1])
def test_every_input_of_the_current_node_is_in_view_or_stands_as_a_stub(tab, tmp_path, collapse):
    # the lecturer's loss at a projector's 1280x720: at every step each input of the node being
    # processed is on screen whole, with the words on its edge (what flows back along it), or a
    # stub at the edge of the view says its caption, value and contribution; the node's caption
    # is at least 15 px tall
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    loss = (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2
    path = viz.lecture(loss, tmp_path / "loss.html", collapse=collapse)
    tab.goto(path.resolve().as_uri())
    order = topological_order(loss)
    # the captions the stubs must say, from the graph (the first word of a node's caption)
    titles = [(n.name or "").split(" ")[0] for n in order]
    tab.evaluate("titles => { const data = JSON.parse(document.getElementById('lecture-data').textContent);"
                 " data.titles = titles; document.getElementById('lecture-data').textContent = JSON.stringify(data); }",
                 titles)
    seen = tab.evaluate(INPUTS)
    assert len(seen) == sum(1 for n in order if n.parents) + 1  # the seed and every step
    assert [s for s in seen if s["missing"]] == []
    assert min(s["caption"] for s in seen) >= 15
    assert tab.evaluate("document.querySelectorAll('#diagram .stub').length") > 0  # some inputs are far
    assert tab.errors == []


def test_two_lectures_inline_in_one_notebook_play_on_their_own(tab, tmp_path):
    first = viz.lecture(orange_graph(), tmp_path / "orange.html")
    second_root = mlp_graph()
    second = viz.lecture(second_root, tmp_path / "mlp.html")
    # what a notebook does with the outputs of two cells: their HTML, one after the other
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{first._repr_html_()}"
                        f"<p>{html.escape('between the cells')}</p>{second._repr_html_()}</body>", encoding="utf-8")
    tab.set_viewport_size({"width": 1000, "height": 1400})
    tab.goto(notebook.resolve().as_uri())
    frames = tab.frames[1:]
    assert len(frames) == 2
    for frame in frames:
        frame.wait_for_selector("body[data-frame='0']")
    frames[0].click("#next")
    frames[0].click("#next")
    frames[1].click("#next")
    assert frames[0].inner_text("#counter") == "step 1 / 4"
    steps = sum(1 for n in topological_order(second_root) if n.parents)
    assert frames[1].inner_text("#counter") == f"step 0 / {steps}"
    assert "step 1/4" in frames[0].inner_text("section.frame:not([hidden]) pre")
    assert tab.errors == []


# Is an element drawn?  Not if it, or a group around it, has display none, visibility hidden or opacity 0.
SHOWN = """(id) => { let e = document.getElementById(id);
  if (getComputedStyle(e).visibility === 'hidden') { return false; }
  for (; e && e.tagName.toLowerCase() !== 'svg'; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.display === 'none' || style.opacity === '0') { return false; }
  }
  return true; }"""
# The current node's box: on screen?  its smallest visible text's height (as in WALK)
CURRENT = """() => { const area = document.getElementById('diagram').getBoundingClientRect();
  const box = document.querySelector('#diagram .node.s-current[id^="g-v"]');
  const r = box.getBoundingClientRect();
  const heights = Array.from(box.querySelectorAll('text'))
    .filter(t => getComputedStyle(t).visibility !== 'hidden').map(t => t.getBoundingClientRect().height);
  return {id: box.id, text: Math.min(...heights), inside: r.left >= area.left - 1 && r.right <= area.right + 1
    && r.top >= area.top - 1 && r.bottom <= area.bottom + 1}; }"""


def test_collapsed_layers_open_while_the_step_is_in_them(tab, tmp_path):
    loss = mlp_graph()
    order = topological_order(loss)
    path = viz.lecture(loss, tmp_path / "folded.html", collapse=True)
    layer = {i: (node.scope or "").split("/")[0] for i, node in enumerate(order)}
    # frame k (from 2 on) is at the k-th operation from the end; the first whose node and inputs are in a layer
    walk = list(reversed([i for i, node in enumerate(order) if node.parents]))
    position = {node: i for i, node in enumerate(order)}

    def frame_in(name):
        return next(k + 2 for k, i in enumerate(walk)
                    if layer[i] == name and all(layer[position[p]] == name for p in order[i].parents))

    boxes = {"layer1": "g-f0", "layer2": "g-f1", "layer3": "g-f2"}
    members = {name: [f"g-v{i}" for i in layer if layer[i] == name] for name in boxes}

    def shown(ids):
        return [tab.evaluate(SHOWN, element) for element in ids]

    for here, away in (("layer2", "layer1"), ("layer1", "layer2")):
        k = frame_in(here)
        tab.goto(f"{path.resolve().as_uri()}#{k}")
        assert tab.get_attribute("body", "data-frame") == str(k)
        current = tab.evaluate(CURRENT)
        assert layer[int(current["id"][3:])] == here
        assert current["inside"] and current["text"] >= READABLE, current
        # the layer the step is in is open: its nodes drawn, no summary box over them
        assert all(shown(members[here])) and not any(shown([boxes[here]]))
        # the layer it is not in is folded: none of its nodes, its summary box with its name
        assert not any(shown(members[away])), f"frame {k}: {away}'s nodes are drawn"
        assert shown([boxes[away]]) == [True]
        assert tab.text_content(f"#{boxes[away]} text") == away
        # the folded layer says what enters and leaves it, large enough to read
        words = tab.evaluate(f"Array.from(document.querySelectorAll('#{boxes[away]} text')).map(t => t.textContent)")
        assert words[2].startswith("in ") and any(w.startswith("out ") for w in words[3:])
        assert tab.evaluate(f"document.querySelector('#{boxes[away]} text').getBoundingClientRect().height") >= READABLE
        if here == "layer2":
            tab.screenshot(path=str(tmp_path / "folded-layer2.png"))
            # the overview shows the folded layers folded too
            tab.keyboard.press("o")
            assert not any(shown(members["layer1"])) and shown([boxes["layer1"], boxes["layer3"]]) == [True, True]
            tab.screenshot(path=str(tmp_path / "folded-layer2-overview.png"))
            tab.keyboard.press("o")
    # the forward pass: the whole network, every layer one box of the values entering and leaving
    # it, in a drawing of its own that fills the diagram's place, readable
    tab.goto(f"{path.resolve().as_uri()}#0")
    assert tab.get_attribute("body", "data-frame") == "0"
    forward = tab.evaluate("""() => { const svg = document.querySelector('#diagram svg.forward-only');
      const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
      return {shown: getComputedStyle(svg).display !== 'none', words: texts.map(t => t.textContent),
              smallest: Math.min(...texts.map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a)),
              walk: getComputedStyle(document.querySelector('#diagram svg.walk')).visibility}; }""")
    assert forward["shown"] and forward["walk"] == "hidden"
    assert {"layer1", "layer2", "layer3", "in 2 values", "out 4 values"} <= set(forward["words"])
    assert forward["smallest"] >= 7.5  # the layers' size lines; names and values are larger
    tab.goto(f"{path.resolve().as_uri()}#2")
    assert tab.evaluate("getComputedStyle(document.querySelector('#diagram svg.forward-only')).display") == "none"
    assert (tmp_path / "folded-layer2.png").stat().st_size > 10_000
    assert tab.errors == []


def test_a_folded_box_is_lettered_for_the_overview_but_not_giant_close_up(tab, tmp_path):
    # the MLP's loss with every neuron folded but the current one's: the view follows a node next
    # to folded neurons, whose boxes are lettered large enough to be read in the overview
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    loss = (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2
    path = viz.lecture(loss, tmp_path / "folded.html", collapse=1)
    letters = """() => Array.from(document.querySelectorAll('#diagram g.fold text'))
      .filter(t => getComputedStyle(t.closest('g.fold')).visibility !== 'hidden' && t.textContent.trim())
      .map(t => t.getBoundingClientRect().height)"""
    tallest = 0.0
    for frame in (30, 40, 50):
        tab.goto(f"{path.resolve().as_uri()}#{frame}")
        assert tab.get_attribute("body", "data-frame") == str(frame)
        heights = tab.evaluate(letters)
        assert heights, f"frame {frame}: no folded box shown"
        tallest = max(tallest, *heights)
    assert tallest <= 40 * 1.3  # a letter's box is about 1.2 of its size
    tab.keyboard.press("o")  # the overview: the folded boxes' names still read
    names = tab.evaluate(letters)
    assert max(names) >= READABLE
    assert tab.errors == []


def test_plus_and_minus_zoom_around_the_current_node(tab, tmp_path):
    path = viz.lecture(mlp_graph(), tmp_path / "mlp.html")
    tab.goto(f"{path.resolve().as_uri()}#20")
    assert tab.get_attribute("body", "data-frame") == "20"
    centre = """() => { const r = document.querySelector('#diagram .node.s-current[id^="g-v"]').getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2]; }"""
    before = tab.evaluate(centre)
    for _ in range(3):
        tab.keyboard.press("+")
    after = tab.evaluate(centre)
    # the node being processed stays where it was on screen (in view), larger
    assert after == pytest.approx(before, abs=2)
    area = tab.locator("#diagram").bounding_box()
    assert area["x"] < after[0] < area["x"] + area["width"] and area["y"] < after[1] < area["y"] + area["height"]
    assert tab.evaluate(CURRENT)["text"] >= 1.8 * READABLE
    for _ in range(5):
        tab.keyboard.press("-")
    assert tab.evaluate(centre) == pytest.approx(before, abs=2) and tab.evaluate(CURRENT)["inside"]
    assert tab.errors == []


def test_the_text_panel_shows_every_row_or_says_there_is_more(tab, tmp_path):
    path = viz.lecture(mlp_graph(), tmp_path / "mlp.html")
    tab.goto(path.resolve().as_uri())
    state = """() => { const s = document.querySelector('section.frame:not([hidden])');
      const p = s.querySelector('pre');
      const more = s.querySelector('.more');
      return {all: p.scrollHeight <= p.clientHeight + 1, scrolls: getComputedStyle(p).overflowY === 'scroll',
              note: !!more && getComputedStyle(more).display !== 'none'}; }"""
    # the forward listing of a network is longer than the panel: the panel says so
    first = tab.evaluate(state)
    assert not first["all"] and first["scrolls"] and first["note"]
    # scrolled to its end, the note goes; every step's text shows whole or says there is more
    tab.evaluate("document.querySelector('section.frame:not([hidden]) pre').scrollTop = 1e6")
    tab.wait_for_function(f"() => !({state})().note")  # on the scroll event
    while tab.is_enabled("#next"):
        tab.click("#next")
        found = tab.evaluate(state)
        assert found["all"] or (found["scrolls"] and found["note"]), found
    assert tab.errors == []


def test_tensor_lecture_texts_stay_off_the_boxes(tab, tmp_path):
    # a 3-4-2 Sequential: what flows back along its edges is several rows; the layout keeps room
    # for them, so no text covers a box, and the panel shows every row of d(2.W)
    import numpy as np

    from nn import Linear, ReLU, Sequential, mse

    model = Sequential(Linear(3, 4, seed=0), ReLU(), Linear(4, 2, seed=1))
    loss = mse(model(np.array([[1.0, -2.0, 0.5]])), np.array([[0.0, 1.0]]))
    path = viz.lecture(loss, tmp_path / "tensor.html")
    tab.goto(path.resolve().as_uri())
    overlaps = """() => {
      const shown = e => getComputedStyle(e).visibility !== 'hidden' && e.textContent.trim();
      const boxes = Array.from(document.querySelectorAll('#diagram .node'))
        .map(n => n.querySelector('path, polygon, ellipse')).filter(s => s).map(s => s.getBoundingClientRect());
      const hit = [];
      document.querySelectorAll('#diagram .edge text').forEach(t => { if (!shown(t)) { return; }
        const r = t.getBoundingClientRect();
        boxes.forEach(b => { const w = Math.min(r.right, b.right) - Math.max(r.left, b.left);
          const h = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
          if (w > 1 && h > 1) { hit.push(t.textContent); } }); });
      return hit; }"""
    frame = 0
    while True:
        assert tab.evaluate(overlaps) == [], f"frame {frame}"
        text = tab.inner_text("section.frame:not([hidden]) pre")
        if "d(2.W) +=" in text:
            rows = [line for line in text.splitlines() if line.strip().startswith("[")]
            assert len(rows) >= 4
            assert tab.evaluate("(() => { const p = document.querySelector('section.frame:not([hidden]) pre');"
                                " return p.scrollHeight <= p.clientHeight + 1; })()")
        if not tab.is_enabled("#next"):
            break
        tab.click("#next")
        frame += 1
    assert tab.errors == []
