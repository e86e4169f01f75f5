"""In a real notebook, on a real kernel (this interpreter): a backprop and a step display as
HTML (the part-way diagram, the step's text, the table); the notebook exported to HTML shows
them in Chromium."""

from __future__ import annotations

import re

from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

CELLS = [
    "from autograd_core import Value\n"
    "apple, count, tax = Value(100, name='apple'), Value(2, name='count'), Value(1.1, name='tax')\n"
    "price = apple * count * tax\n"
    "price.name = 'price'\n"
    "steps = price.backprop()\n"
    "first = steps.step()\n"
    "steps",
    "first",
]


def html_of(cell) -> str:
    [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert "text/plain" in result.data  # and a plain fallback for consoles
    return result.data["text/html"]


def test_backprop_and_step_display_as_html_in_a_real_notebook(tmp_path, run_notebook):
    notebook = run_notebook(CELLS)
    backprop, step = (html_of(cell) for cell in notebook.cells)
    # the part-way diagram inline, the current step's text, and the table
    assert "<svg" in backprop and "grad 200" in backprop
    assert "d(tax)         += 1 x 200 (local d/dtax = apple*count = 200)" in backprop
    assert "apple*count  mul      200   1.1  gathering" in backprop
    assert "upstream dprice = 1" in step and "<svg" not in step
    # exported to HTML and opened in Chromium, the diagram and the numbers are there
    page_path = tmp_path / "steps.html"
    body, _ = HTMLExporter().from_notebook_node(notebook)
    page_path.write_text(body, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_path.resolve().as_uri())
            assert page.locator("svg").count() >= 1
            text = page.inner_text("body")
            assert "1 x 200" in text and "gathering" in text
            box = page.locator("svg").first.bounding_box()
            assert box is not None and box["width"] > 200  # drawn, not collapsed
            page.screenshot(path=str(tmp_path / "notebook.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "notebook.png").stat().st_size > 10_000


def test_a_big_pass_shows_its_step_but_no_huge_diagram_or_table():
    from autograd_core import Value

    x = Value(0.5, name="x")
    y = x
    for _ in range(1000):
        y = y * 1.5
    steps = y.backprop()
    steps.step()
    html = steps._repr_html_()
    assert "<svg" not in html and "more than max_nodes=300" in html  # said, not drawn
    assert "1000 steps" in html and "step 1/1000" in html
    assert len(html) < 5_000


WIDE = [
    "import numpy as np\n"
    "import viz\n"
    "from nn import Linear, ReLU, Sequential, mse\n"
    "from autograd_core import Tensor\n"
    "model = Sequential(Linear(3, 4, seed=0), ReLU(), Linear(4, 2, seed=1))\n"
    "loss = mse(model(np.array([[1.0, -2.0, 0.5]])), np.array([[0.0, 1.0]]))\n"
    "loss.backward()\n"
    "viz.draw(loss)",
    "steps = (Tensor(2.0, requires_grad=True, name='a') * 3.0).backprop()\n"
    "_ = steps.step()\n"
    "steps.table()",
]


def test_a_wide_diagram_scrolls_instead_of_shrinking_and_the_table_is_html(tmp_path, run_notebook):
    notebook = run_notebook(WIDE)
    diagram, table = (html_of(cell) for cell in notebook.cells)
    assert "<table" in table and "<td" in table and "done" in table
    # a = 2 times 3 is 6; d(a*3)/da = 3 (numbers, not an array's memory)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", table)[:6] == ["1", "a", "input", "2", "3", "done"]
    assert "<td style=\"text-align: right\">6</td>" in table and "memory" not in table
    page_path = tmp_path / "wide.html"
    body, _ = HTMLExporter().from_notebook_node(notebook)
    page_path.write_text(body, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_path.resolve().as_uri())
            found = page.evaluate("""() => { const box = document.querySelector('.chainrule-diagram');
              // each text's font size in screen pixels: its size in the drawing's units times the
              // drawing's scale on screen
              const sizes = Array.from(box.querySelectorAll('svg text')).filter(t => t.textContent.trim())
                .map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a);
              return {scroll: box.scrollWidth, width: box.clientWidth, smallest: Math.min(...sizes)}; }""")
            # wider than the cell: it scrolls, and its smallest text stays readable
            assert found["scroll"] > found["width"] + 50, found
            assert found["smallest"] >= 11 - 0.01, found
            rows = page.locator("table.chainrule-table tr").count()
            assert rows == 4  # the header, a, 3 and a*3
            page.screenshot(path=str(tmp_path / "wide.png"), full_page=True)
        finally:
            browser.close()
    assert diagram.startswith('<div class="chainrule-diagram"')
