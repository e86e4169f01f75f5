"""viz.slides: one 16:9 page (or GIF frame) per frame of the walk, read back with pypdf, poppler's
pdftotext (where each word is and how tall) and Pillow; the same graph gives the same bytes."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from autograd_core import Value, topological_order
from nn.scalar import MLP
from viz.slides import deck_views, slides
from viz.walk.model import walk


def apple() -> Value:
    a, c, t = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = a * c * t
    price.name = "price"
    return price


def mlp_loss() -> Value:
    """The lecturer's network: micrograd's 2-4-4-1 tanh MLP on x0=2, x1=-1, loss (out - 1)**2."""
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    return (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2


def words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Every page's words with their boxes (x0, y0, x1, y1; points, y down), by poppler's pdftotext."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S):
        found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)
        pages.append([(text, float(a), float(b), float(c), float(d)) for a, b, c, d, text in found])
    return pages


def texts(pdf: Path) -> list[list[tuple[str, str, float, float, float, float]]]:
    """Every page's runs of text with their font family and box (left, top, right, bottom;
    points, y down), by poppler's pdftohtml: the drawing's words are Liberation Sans, the step's
    words DejaVu Sans Mono."""
    out = subprocess.run(["pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    fonts = dict(re.findall(r'<fontspec id="(\d+)" size="[\d.]+" family="([^"]+)"', out))  # for every page
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S):
        runs = re.findall(r'<text top="(-?\d+)" left="(-?\d+)" width="(\d+)" height="(\d+)" font="(\d+)">(.*?)</text>',
                          page)
        pages.append([(re.sub("<[^>]+>", "", text), fonts[font], float(left), float(top), float(left) + float(w),
                       float(top) + float(h)) for top, left, w, h, font, text in runs])
    return pages


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("deck")
    loss = mlp_loss()
    return slides(loss, folder / "deck.pdf", collapse=1), walk(loss, collapse=1)


def test_mlp_deck_pages_are_16_9_one_size_one_per_frame(deck) -> None:
    path, walked = deck
    reader = PdfReader(path)
    sizes = {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages}
    assert sizes == {(960.0, 540.0)}  # 13.33 x 7.5 inches, every page
    assert len(reader.pages) == len(walked.frames) == 2 + sum(1 for n in topological_order(walked.order[-1])
                                                             if n.parents)


def test_each_step_page_says_the_step_and_shows_its_node_readably(deck) -> None:
    path, walked = deck
    pages = words(path)
    height = 540.0
    for k, (frame, found) in enumerate(zip(walked.frames, pages)):
        said = {w[0] for w in found if w[2] > height - 150}  # the text panel under the drawing
        if frame.kind == "step":
            # the step in the REPL's words: upstream x local, the local derivative as a formula
            assert {"upstream", "local", f"{frame.number}/{frame.total}"} <= said, k
        if frame.current is None:
            continue
        # the current node's caption, in the drawing (under the title bar, above the text panel)
        caption = walked.picture.nodes[frame.current].title.split(" ")[0]
        drawn = [w for w in found if w[0] == caption and 40 < w[2] and w[4] < height - 150]
        assert drawn, f"page {k}: {caption!r} is not in the drawing"
        assert max(w[4] - w[2] for w in drawn) >= 0.026 * height, f"page {k}: {caption!r} is too small"
        assert all(0 <= w[1] and w[3] <= 960 for w in drawn), f"page {k}: {caption!r} is cut off"


def test_every_step_page_shows_the_inputs_and_outputs_of_its_node(deck) -> None:
    # the node being processed, every input and every output (the nodes reading it), each by
    # its caption at 2.6% of the page's height: where the layout put it when the page shows it
    # whole, else in a stub at the page's edge (a node folded away in that frame: a stub too)
    path, walked = deck
    pages = words(path)
    views = deck_views(walked, 960, 540)
    layout = walked.layout()
    nodes = walked.picture.nodes
    height, bar, panel = 540.0, 40.0, 150.0
    folded_in = {}
    for frame in walked.frames:
        members = {m for fold in walked.picture.overlays if fold.index in frame.shut for m in fold.members}
        folded_in[id(frame)] = members
    checked = 0
    for k, frame in enumerate(walked.frames):
        if frame.current is None or frame.kind == "forward":
            continue
        page = views[k]
        drawing = [w for w in pages[k] if w[2] >= bar - 1 and w[4] <= height - panel + 1 and w[1] >= 0 and w[3] <= 960]
        readable = [w for w in drawing if w[4] - w[2] >= 0.026 * height]
        i = frame.current
        needed = set(nodes[i].parents) | {n.index for n in nodes if i in n.parents}
        for j in sorted(needed):
            caption = nodes[j].title.split(" ")[0]
            (x0, y0), (x1, y1) = (page.to_page(*layout.box(f"v{j}")[:2]), page.to_page(*layout.box(f"v{j}")[2:]))
            top, bottom = height - y1, height - y0  # as pdftotext measures: y down
            whole = x0 >= 0 and x1 <= 960 and top >= bar and bottom <= height - panel
            if whole and j not in folded_in[id(frame)]:
                at = [w for w in readable
                      if w[0] == caption and x0 <= (w[1] + w[3]) / 2 <= x1 and top <= w[2] <= bottom]
            else:
                at = [w for w in readable if w[0] == caption]  # its stub
            assert at, f"page {k + 1} (at {nodes[i].title}): {caption!r} of node {j} is not on the page"
            checked += 1
    assert checked > 2 * (len(walked.frames) - 2)


def test_no_words_of_the_drawing_are_cut_or_hidden(deck) -> None:
    # every word of the drawing (boxes, edges, stubs) lies wholly in the drawing's part of the
    # page: none cut by the page's edge, none under the title bar, the step's text or the map
    path, _ = deck
    height, bar, panel = 540.0, 40.0, 150.0
    for k, runs in enumerate(texts(path)):
        for text, family, left, top, right, bottom in runs:
            if not text.strip() or "Mono" in family or bottom <= bar + 1:  # the step's words; the title bar's
                continue
            assert left >= -1 and right <= 961, f"page {k + 1}: {text!r} is cut by the page's edge"
            assert top >= bar - 1 and bottom <= height - panel + 1, f"page {k + 1}: {text!r} is under a panel"


def test_the_mlp_deck_repeats_byte_for_byte(deck, tmp_path) -> None:
    # one Graphviz process draws many pages: nothing of one page may change how the next is drawn
    # (its scopes' boxes came out in another order on each run when they were Graphviz clusters)
    path, _ = deck
    assert slides(mlp_loss(), tmp_path / "again.pdf", collapse=1).read_bytes() == path.read_bytes()


def test_one_layout_for_the_whole_deck(deck) -> None:
    # the same node is drawn at the same place of the graph on every page that shows it: where
    # two pages show it, its position relative to the current node's op moves with the view only
    path, walked = deck
    layout = walked.layout()
    assert layout is walked.layout()  # laid out once, kept
    assert [n.index for n in walked.picture.nodes] == list(range(len(walked.order)))


def test_forward_page_shows_the_layers_folded_with_their_values(deck) -> None:
    path, walked = deck
    first = " ".join(w[0] for w in words(path)[0])
    for name in ("layer1", "layer2", "layer3", "values", "x0", "x1"):
        assert name in first
    assert "grad" not in first  # no gradient before the backward pass


def test_pdf_has_the_forward_pass_the_seed_then_one_page_per_step(tmp_path: Path) -> None:
    price = apple()
    reader = PdfReader(slides(price, tmp_path / "apple.pdf", title="Apples"))
    # price = (apple * count) * tax: two mul nodes, so two backprop steps, after the forward pass and the seed
    assert len(reader.pages) == 2 + 2
    pages = [page.extract_text() for page in reader.pages]
    assert "forward pass" in pages[0] and "grad" not in pages[0]
    assert "step 1 / 2" in pages[2] and "step 2 / 2" in pages[3] and "Apples" in pages[3]
    assert "1.1 × 100 = 110" in pages[3]  # the textbook's numbers, on the last step
    assert price.grad == 0  # the pass was stepped and rewound: no grad left behind


def test_steps_object_is_left_where_it_was(tmp_path: Path) -> None:
    model = MLP(2, [2, 1], act="tanh", seed=1)
    out = model([Value(0.5), Value(-1.5)])
    steps = out.backprop()
    steps.step()
    reader = PdfReader(slides(steps, tmp_path / "mlp.pdf", collapse=1))
    assert len(reader.pages) == 2 + len(steps)
    assert steps.position == 1


def test_gif_frames_are_1920_by_1080(tmp_path: Path) -> None:
    path = slides(apple(), tmp_path / "apple.gif", frame_seconds=0.5)
    image = Image.open(path)
    assert image.format == "GIF" and image.n_frames == 4 and image.info["duration"] == 500
    assert image.size == (1920, 1080)
    small = Image.open(slides(apple(), tmp_path / "small.gif", dpi=72))
    assert small.size == (960, 540)
    # a resolution beyond the pixel cap is capped, as render() caps a PNG
    capped = Image.open(slides(apple(), tmp_path / "capped.gif", dpi=2000, max_px=2000))
    assert capped.size == (2000, 1125)


def test_bytes_repeat(tmp_path: Path) -> None:
    first = slides(apple(), tmp_path / "a.pdf").read_bytes()
    gif = slides(apple(), tmp_path / "a.gif").read_bytes()
    time.sleep(1.1)  # a page stamped with the time of writing would differ now
    assert slides(apple(), tmp_path / "b.pdf").read_bytes() == first
    assert slides(apple(), tmp_path / "b.gif").read_bytes() == gif


@pytest.mark.parametrize(("options", "message"), [
    ({"dpi": -1}, "dpi must be a positive number"),
    ({"dpi": 0}, "dpi must be a positive number"),
    ({"dpi": True}, "dpi must be a positive number"),
    ({"size": (0, 7.5)}, "size must be two numbers of inches"),
    ({"size": "wide"}, "size must be"),
    ({"max_px": -5}, "max_px must be a positive number"),
    ({"frame_seconds": 0}, "frame_seconds"),
])
def test_bad_options_are_refused_before_any_work(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        slides(apple(), tmp_path / "a.gif", **options)
    assert not (tmp_path / "a.gif").exists()


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"must end in \.pdf \(pages\) or \.gif"):
        slides(apple(), tmp_path / "a.png")
    with pytest.raises(TypeError, match="expected a graph node"):
        slides(3.0, tmp_path / "a.pdf")
    with pytest.raises(ValueError, match="dpi= is for a GIF"):
        slides(apple(), tmp_path / "a.pdf", dpi=100)


def test_a_graph_that_already_holds_gradients_gets_a_fresh_pass(tmp_path: Path) -> None:
    # The README's order: backward() first, slides after. The slides must show the textbook's
    # 2.2 / 110 / 200 (not twice that) and leave the user's gradients as they were.
    price = apple()
    price.backward()
    price.backward()  # the user's own accumulated gradients: 2x
    held = [n.grad for n in (price, *price.parents)]
    pages = [p.extract_text() for p in PdfReader(slides(price, tmp_path / "again.pdf")).pages]
    assert "1.1 × 100 = 110" in pages[3]
    assert "grad 2.2" in pages[3] and "grad 400" not in " ".join(pages)
    assert [n.grad for n in (price, *price.parents)] == held and price.grad == 2.0
    assert (tmp_path / "again.pdf").read_bytes() == slides(apple(), tmp_path / "fresh.pdf").read_bytes()


def test_a_big_graph_is_refused_before_any_walk_or_backward(tmp_path: Path, monkeypatch) -> None:
    import viz.walk.model as model

    def must_not_run(*args, **kwargs):
        raise AssertionError("walked the graph before refusing it")

    monkeypatch.setattr(model, "Backprop", must_not_run)
    monkeypatch.setattr(model, "gradients_set_aside", must_not_run)
    x = Value(0.5, name="x")
    y = x
    for _ in range(20_000):
        y = y * 1.0000001
    with pytest.raises(ValueError, match="more than max_nodes=1200 nodes"):
        slides(y, tmp_path / "chain.pdf")
    with pytest.raises(ValueError, match="takes 3 steps, more than max_steps=2"):
        model.walk(Value(1.0, name="a") * 2 * 3 * 4, max_steps=2)
    assert not (tmp_path / "chain.pdf").exists()
