"""GradcheckReport._repr_html_: the notebook table shows every row, marks the failing ones and
escapes names (a parameter called '<b>' is shown, not interpreted)."""

from __future__ import annotations

import html

import numpy as np

from autograd_core.check.report import GradcheckReport, compare


def test_html_table_marks_failures_and_escapes():
    good = compare("W<1>", np.ones(3), np.ones(3), atol=1e-7, rtol=1e-5)
    bad = compare("b&1", np.array([1.0, 2.0]), np.array([1.0, 2.5]), atol=1e-7, rtol=1e-5)
    report = GradcheckReport([good, bad], 1e-6, 1e-7, 1e-5, title="check_model")
    page = report._repr_html_()
    assert ">W&lt;1&gt;</td>" in page and ">b&amp;1</td>" in page
    assert "<b>" not in page.replace("<body>", "")
    assert page.count("<tr") == 3  # header and two rows
    assert page.count('style="background:#ffebe9"') == 1  # only b&1 failed
    assert html.escape("check_model FAILED") in page
    # The failure sentence (as failures() gives it) is listed below the table.
    assert html.escape("gradient of 'b&1' differs at [1]: backprop 2, numerical 2.5") in page
