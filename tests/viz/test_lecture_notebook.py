"""A lecture in a real notebook, on a real kernel (this interpreter): the cell's result is the
whole page inline (an HTML MIME bundle, with the path as plain text), and the notebook exported
to HTML plays in Chromium: Next moves the inline lecture without any kernel."""

from __future__ import annotations

import html
import re

from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

CELL = (
    "import viz\n"
    "from autograd_core import Value\n"
    "apple, count, tax = Value(100, name='apple'), Value(2, name='count'), Value(1.1, name='tax')\n"
    "price = apple * count * tax\n"
    "price.name = 'price'\n"
    "viz.lecture(price, 'apple.html')"
)


def test_a_lecture_shows_inline_in_a_real_notebook(tmp_path, run_notebook):
    notebook = run_notebook([CELL])
    [result] = [o for o in notebook.cells[0].outputs if o.output_type == "execute_result"]
    written = (tmp_path / "apple.html").read_text(encoding="utf-8")  # the file is still written
    assert "apple.html" in result.data["text/plain"]
    inline = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^>]*></iframe>', result.data["text/html"])
    assert inline is not None and html.unescape(inline.group(1)) == written

    exported = tmp_path / "notebook.html"
    body, _ = HTMLExporter().from_notebook_node(notebook)
    exported.write_text(body, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900}, reduced_motion="reduce")
            page.goto(exported.resolve().as_uri())
            [lecture] = [frame for frame in page.frames if frame.parent_frame is not None]
            lecture.wait_for_selector("body[data-frame='0']")
            assert lecture.inner_text("#counter") == "forward pass"
            lecture.click("#next")
            lecture.click("#next")
            assert lecture.inner_text("#counter") == "step 1 / 2"
            assert "d(tax)" in lecture.inner_text("section.frame:not([hidden]) pre")
            # what flows back sits under the edge's local derivative, centred on it
            offsets = lecture.evaluate("""() => Array.from(document.querySelectorAll('#diagram .edge.s-current'))
              .filter(edge => edge.querySelector('.bk'))
              .map(edge => { const centre = t => { const r = t.getBoundingClientRect(); return r.left + r.width / 2; };
                return Math.abs(centre(edge.querySelector('.bk')) - centre(edge.querySelector('.loc'))); })""")
            assert len(offsets) == 2 and max(offsets) < 3
            page.screenshot(path=str(tmp_path / "notebook.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "notebook.png").stat().st_size > 10_000
