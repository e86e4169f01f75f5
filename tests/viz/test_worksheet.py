"""viz.worksheet: the exercise then the answer key, on pages of one paper size, read back with
pypdf (the text, the pages' sizes, the size every piece of text is printed at)."""

from __future__ import annotations

import re
import sys
import warnings

import pytest
from pypdf import PdfReader

import viz
from autograd_core import Value
from nn.scalar import MLP
from viz.worksheet import BLANK

A4 = (595.28, 841.89)


def orange():
    """The textbook's figure-14 exercise: apples 100 x 2, oranges 150 x 3, tax 1.1."""
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.name = "price"
    return price, (apple, apple_num, orange, orange_num, tax)


def mlp_loss() -> Value:
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    return (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2


def grads_on(text):
    return re.findall(r"grad (\S+)", text)


def printed_sizes(page) -> list[tuple[float, str]]:
    """(size in points as printed, text) of every piece of text on a page: the font's size times
    the scale of the text and drawing matrices it is drawn with."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale_tm = (tm[0] ** 2 + tm[1] ** 2) ** 0.5
            scale_cm = (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            found.append((size * scale_tm * scale_cm, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def sizes(reader) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}


def test_figure_14_worksheet_has_blanks_then_the_key(tmp_path):
    price, leaves = orange()
    path = viz.worksheet(price, tmp_path / "sheet.pdf")
    reader = PdfReader(path)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 2
    exercise, key = pages
    # page 1: forward values and the seed only; 8 gradients to fill in
    assert "715" in exercise and "fill in every gradient" in exercise
    assert grads_on(exercise).count(BLANK) == 8 and "1" in grads_on(exercise)
    assert not {"2.2", "110", "3.3", "165", "650"} & set(grads_on(exercise))
    # page 2: the textbook's answers, worked out by hand (d/dapple = 2 x 1.1, d/dtax = 200 + 450, ...)
    assert {"2.2", "110", "3.3", "165", "650", "1.1", "1"} <= set(grads_on(key)) and "answer key" in key
    # both pages one size: A4 (upright or on its side, whichever prints the drawing larger)
    assert len(sizes(reader)) == 1 and sizes(reader) <= {A4, (A4[1], A4[0])}
    # the graph's own gradients are untouched
    assert price.grad == 0.0 and all(leaf.grad == 0.0 for leaf in leaves)


def test_mlp_sheet_on_a4_prints_nothing_under_8_points(tmp_path):
    loss = mlp_loss()
    reader = PdfReader(viz.worksheet(loss, tmp_path / "w.pdf", paper="a4", collapse=1))
    assert len(sizes(reader)) == 1 and sizes(reader) <= {A4, (A4[1], A4[0])}
    printed = [found for page in reader.pages for found in printed_sizes(page)]
    assert printed and min(size for size, _ in printed) >= 8.0, min(printed)
    # the exercise pages leave the gradients blank, the key's pages fill them in
    half = len(reader.pages) // 2
    exercise = " ".join(page.extract_text() for page in reader.pages[:half])
    key = " ".join(page.extract_text() for page in reader.pages[half:])
    assert BLANK in exercise and BLANK not in key and "answer key" in key


def test_letter_paper_and_the_same_size_for_both_pages(tmp_path):
    price, _ = orange()
    reader = PdfReader(viz.worksheet(price, tmp_path / "letter.pdf", paper="letter"))
    assert len(sizes(reader)) == 1 and sizes(reader) <= {(792.0, 612.0), (612.0, 792.0)}
    assert len(reader.pages) == 2


def test_focus_leaves_blanks_only_in_that_scope(tmp_path):
    loss = mlp_loss()
    reader = PdfReader(viz.worksheet(loss, tmp_path / "focus.pdf", collapse=1, focus="layer2/neuron1"))
    half = len(reader.pages) // 2
    exercise = " ".join(page.extract_text() for page in reader.pages[:half])
    # layer2/neuron1 is open: its weights are drawn, their gradients blank; the other neurons are
    # folded boxes whose gradients are given
    assert "w0" in exercise and "neuron1" in exercise and "fill in every gradient in layer2/neuron1" in exercise
    # blank: its 4 weights, b, 4 products, 4 sums and the activation (a node on the border of two
    # parts of the sheet is on both pages)
    assert grads_on(exercise).count(BLANK) >= 14
    # given: the folded neurons' gradients, as numbers (a box lists them under the word grad)
    assert len(re.findall(r"^grad\n[-\d]", exercise, re.M)) >= 8


def test_a_part_way_backprop_gives_what_is_known_and_leaves_the_rest_blank(tmp_path):
    price, (apple, apple_num, orange_, orange_num, tax) = orange()
    steps = price.backprop()
    steps.step()  # price: tax is final (200 + 450 = 650), the sum is gathering
    exercise = PdfReader(viz.worksheet(steps, tmp_path / "partway.pdf")).pages[0].extract_text()
    assert "650" in grads_on(exercise) and "1" in grads_on(exercise)
    # blank: the sum still gathering, both products and the four inputs
    assert grads_on(exercise).count(BLANK) == 7 and "fill in the gradients left blank" in exercise
    assert steps.position == 1 and tax.grad == pytest.approx(650)  # the backprop is where it was


def test_worksheet_refuses_bad_input_before_any_work(tmp_path, monkeypatch):
    price, _ = orange()
    with pytest.raises(ValueError, match="ending in .pdf"):
        viz.worksheet(price, tmp_path / "sheet.png")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(OSError, match="cannot write"):
        viz.worksheet(price, tmp_path / "a-file" / "sheet.pdf")
    with pytest.raises(TypeError, match="graph node"):
        viz.worksheet(3.0, tmp_path / "sheet.pdf")
    for grad in (float("nan"), float("inf"), True, "1"):
        with pytest.raises(ValueError, match="grad must be a finite number"):
            viz.worksheet(price, tmp_path / "sheet.pdf", grad=grad)
    with pytest.raises(ValueError, match="paper must be one of a4, letter"):
        viz.worksheet(price, tmp_path / "sheet.pdf", paper="a3")
    with pytest.raises(ValueError, match="no node of the graph is in the scope 'layer9'"):
        viz.worksheet(mlp_loss(), tmp_path / "sheet.pdf", focus="layer9")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    # a graph too big is refused before anything is backpropagated
    import viz.walk.model as model

    monkeypatch.setattr(model, "gradients_set_aside", lambda *a: (_ for _ in ()).throw(AssertionError("walked")))
    x = Value(0.5, name="x")
    y = x
    for _ in range(5_000):
        y = y * 1.0000001
    with pytest.raises(ValueError, match="more than max_nodes=1200"):
        viz.worksheet(y, tmp_path / "chain.pdf")
    assert y.grad == 0.0


def test_the_seed_in_the_heading_is_written_as_every_number_is(tmp_path):
    price, _ = orange()
    reader = PdfReader(viz.worksheet(price, tmp_path / "seed.pdf", grad=123456.0))
    heading = reader.pages[0].extract_text()
    # the one formatter (autograd_core.words): 4 significant digits, exponent without padding
    assert "the output's is 1.235e5" in heading


def runs(pdf) -> list[tuple[int, str, float, float, float, float, float, float]]:
    """Every run of text with its page, box (left, top, right, bottom; points, y down) and page
    size, by poppler's pdftohtml."""
    import subprocess

    out = subprocess.run(["pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    found = []
    for number, height, width, page in re.findall(
            r'<page number="(\d+)" position="absolute" top="0" left="0" height="(\d+)" width="(\d+)">(.*?)</page>',
            out, re.S):
        for top, left, w, h, text in re.findall(
                r'<text top="(-?\d+)" left="(-?\d+)" width="(\d+)" height="(\d+)" font="\d+">(.*?)</text>', page):
            found.append((int(number), re.sub("<[^>]+>", "", text), float(left), float(top), float(left) + float(w),
                          float(top) + float(h), float(width), float(height)))
    return found


def test_the_mlp_folded_by_neuron_fits_one_a4_page_per_side(tmp_path):
    # the lecturer's network, one box per neuron: the exercise on one A4 page, the key on another,
    # upright or on its side but both alike, nothing printed under 8 points
    reader = PdfReader(viz.worksheet(mlp_loss(), tmp_path / "w.pdf", paper="a4", collapse=1))
    assert len(reader.pages) == 2
    assert len(sizes(reader)) == 1 and sizes(reader) <= {A4, (A4[1], A4[0])}
    assert min(size for page in reader.pages for size, _ in printed_sizes(page)) >= 8.0


def test_a_sheet_too_big_is_folded_before_anything_is_drawn(tmp_path, monkeypatch):
    # unfolded, the MLP takes many pages at 8 points: the sheet folds it as little as fits two pages
    # a side, says so in a warning and on the paper, and draws only once it has decided
    module = sys.modules["viz.worksheet"]  # the module (viz.worksheet is also the function)
    drawn = []
    real = module.render_pages

    def render(sources, *args, **kwargs):
        drawn.append(len(sources))
        return real(sources, *args, **kwargs)

    monkeypatch.setattr(module, "render_pages", render)
    with pytest.warns(viz.CollapsedWarning, match=r"collapse=1.*collapse=False, max_pages=None"):
        path = viz.worksheet(mlp_loss(), tmp_path / "auto.pdf", paper="a4")
    reader = PdfReader(path)
    assert drawn == [len(reader.pages)] and len(reader.pages) <= 2 * 2
    text = reader.pages[0].extract_text()
    assert "collapse=1" in text and "collapse=False, max_pages=None" in text
    assert min(size for page in reader.pages for size, _ in printed_sizes(page)) >= 8.0
    # max_pages=None: no budget, nothing folded, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        unfolded = PdfReader(viz.worksheet(mlp_loss(), tmp_path / "all.pdf", max_pages=None))
    assert len(unfolded.pages) > 2 * 2


def test_a_sheet_cut_into_parts_never_cuts_a_box(tmp_path):
    # every node of the unfolded MLP drawn whole on some page of each side, no word outside the
    # printable part of its page, every cut marked with the pages it continues on
    loss = mlp_loss()
    path = viz.worksheet(loss, tmp_path / "parts.pdf", collapse=False, max_pages=None)
    reader = PdfReader(path)
    pages = len(reader.pages)
    assert pages % 2 == 0 and pages > 2 and len(sizes(reader)) == 1
    found = runs(path)
    for number, text, left, top, right, bottom, width, height in found:
        if not text.strip():
            continue  # the blank label of a white mask
        assert left >= 20 and right <= width - 20 and top >= 20 and bottom <= height - 20, (number, text)
    from autograd_core import topological_order

    names = [node.name for node in topological_order(loss) if node.name in ("w0", "prod0", "sum1", "b")]
    for side in (range(1, pages // 2 + 1), range(pages // 2 + 1, pages + 1)):
        on_side = [text.strip() for number, text, *_ in found if number in side]
        for name in set(names):
            assert on_side.count(name) >= names.count(name), (name, on_side.count(name), names.count(name))
    marks = [int(m) for _, text, *_ in found for m in re.findall(r"(?:p\.|page) (\d+)", text)]
    assert marks and all(1 <= m <= pages for m in marks)
    assert any("continued on page" in text for _, text, *_ in found)


def test_a_sheet_of_many_pages_repeats_byte_for_byte(tmp_path):
    first = viz.worksheet(mlp_loss(), tmp_path / "a.pdf", collapse=False, max_pages=None).read_bytes()
    assert viz.worksheet(mlp_loss(), tmp_path / "b.pdf", collapse=False, max_pages=None).read_bytes() == first


def test_a_focus_sheet_stays_readable(tmp_path):
    # one neuron's exercise: the rest folded around it as far as it goes, every gradient outside it
    # given, nothing printed under 8 points (it takes more than two pages a side: a warning says so)
    with pytest.warns(viz.CollapsedWarning, match="layer2/neuron1"):
        reader = PdfReader(viz.worksheet(mlp_loss(), tmp_path / "focus.pdf", focus="layer2/neuron1"))
    assert min(size for page in reader.pages for size, _ in printed_sizes(page)) >= 8.0
    half = len(reader.pages) // 2
    exercise = " ".join(page.extract_text() for page in reader.pages[:half])
    # blank: its 4 weights, b, 4 products, 4 sums and the activation; layer1 and layer3 are boxes
    assert grads_on(exercise).count(BLANK) >= 14 and "layer1" in exercise and "layer3" in exercise
    assert "32 nodes" in exercise  # layer1, folded whole


def test_max_pages_is_checked(tmp_path):
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="max_pages must be a positive integer or None"):
            viz.worksheet(mlp_loss(), tmp_path / "w.pdf", max_pages=bad)
    assert not (tmp_path / "w.pdf").exists()
