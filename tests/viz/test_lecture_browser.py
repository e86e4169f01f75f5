"""The lecture page in a real browser: headless Chromium, driven by Playwright, opening the file
from disk, clicking through every step and going back with the arrow key."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

import viz
from autograd_core import Value

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def orange_graph():
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    total = apple * apple_num + orange * orange_num
    total.name = "all_price"
    price = total * tax
    price.name = "price"
    return price


def test_click_through_the_lecture_in_chromium(tmp_path):
    path = viz.lecture(orange_graph(), tmp_path / "orange.html", title="Apples and oranges")
    requests = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("request", lambda request: requests.append(request.url))
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.resolve().as_uri())

            assert page.inner_text("#counter") == "forward pass"
            assert page.is_disabled("#prev") and page.is_enabled("#next")
            assert page.locator("section.frame:visible svg").count() == 1
            assert "mul(150, 3) = 450" in page.inner_text("section.frame:visible pre")

            clicks = 0
            while page.is_enabled("#next"):
                page.click("#next")
                clicks += 1
            assert clicks == 5  # the seed, then one step per operation: 2 mul + add + 2 mul
            assert page.inner_text("#counter") == "step 4 / 4"
            last = page.inner_text("section.frame:visible pre")
            assert "step 4/4" in last
            assert "-> 2.2" in last and "-> 110" in last  # the last step reaches apple and apple_num
            assert "dorange = 3.3" in last and "dtax = 650" in last and "dorange_num = 165" in last
            # exactly one diagram is visible, and it is drawn, not empty
            box = page.locator("section.frame:visible svg").bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 200
            page.screenshot(path=str(tmp_path / "lecture-last-step.png"))

            page.keyboard.press("ArrowLeft")
            assert page.inner_text("#counter") == "step 3 / 4"
            assert "step 3/4" in page.inner_text("section.frame:visible pre")
            page.keyboard.press("ArrowRight")
            assert page.inner_text("#counter") == "step 4 / 4"
            # z zooms the diagram to twice its laid-out size (scrollable), z again fits it back
            fitted = page.locator("section.frame:visible svg").bounding_box()["width"]
            page.keyboard.press("z")
            assert "zoomed" in page.get_attribute("main", "class")
            assert page.locator("section.frame:visible svg").bounding_box()["width"] > fitted
            page.keyboard.press("z")
            assert page.locator("section.frame:visible svg").bounding_box()["width"] == fitted
            page.keyboard.press("Home")
            assert page.inner_text("#counter") == "forward pass"
            assert errors == []
        finally:
            browser.close()
    # the page asked for nothing but itself
    assert requests == [path.resolve().as_uri()]
    assert (tmp_path / "lecture-last-step.png").stat().st_size > 10_000
