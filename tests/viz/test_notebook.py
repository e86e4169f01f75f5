"""In a real notebook, on a real kernel (this interpreter): a backprop and a step display as
HTML (the part-way diagram, the step's text, the table); the notebook exported to HTML shows
them in Chromium."""

from __future__ import annotations

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
