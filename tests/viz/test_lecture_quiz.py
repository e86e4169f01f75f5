"""The quiz page's content: each step's questions are the REPL quiz's (the same prompts, answers
and hints), what a later question asks is in no earlier frame, and a page without a quiz is as
it was.  (The page in a browser: test_lecture_quiz_browser.py.)"""

from __future__ import annotations

import json
import re

import pytest

import viz
from autograd_core import Value
from autograd_core.cli import main
from autograd_core.steps.quiz import plan


def page_data(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="lecture-data">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def neuron():
    w, x, b = Value(-2.0, name="w"), Value(0.5, name="x"), Value(0.3, name="b")
    y = (w * x + b).tanh()
    y.name = "y"
    return y


def test_each_step_asks_what_the_repl_quiz_asks_there(tmp_path):
    y = neuron()
    data = page_data(viz.lecture(y, tmp_path / "q.html", quiz="both").read_text())
    repl = plan(y.backprop(), "both").questions
    steps = data["frames"][2:]
    assert [[q["p"] for q in frame.get("q", [])] for frame in steps] == [[q.prompt.strip() for q in step]
                                                                         for step in repl]
    first = steps[0]["q"][1]
    assert first["c"] == "d(w*x + b)" and first["s"] == "0.6347" and len(first["h"]) == 3
    assert first["h"][0].startswith("d(w*x + b) = upstream x local, over each use of w*x + b:")
    assert data["quiz"] == {"digits": 3, "rel": 1e-3, "abs": 1e-9, "tries": 3, "max": 100, "blank": "________"}


def test_a_running_sum_asked_later_is_in_no_earlier_frame(tmp_path):
    x, y = Value(1.5, name="x"), Value(-0.4, name="y")
    h = x * y
    h.name = "h"
    f = h * h + h
    text = viz.lecture(f, tmp_path / "h.html", quiz=True).read_text()
    data = page_data(text)
    first = data["frames"][2]  # nodes in order: x, y, h, h*h, f
    assert "2" not in first["r"]  # h gathers 1 at step 1, its total is asked at step 2: no "so far 1"
    assert first["r"]["3"] == ["so far 1"] and first["h"] == [2, 3]  # h*h's, asked now, hidden until answered
    assert first["e"] == {"g-e4.0": ["← 1 × 1 = 1"], "g-e4.1": ["← 1 × 1 = ?"]}
    assert "-&gt; ? (asked later)" in text


def test_a_page_without_a_quiz_has_no_quiz(tmp_path):
    text = viz.lecture(neuron(), tmp_path / "plain.html").read_text()
    assert "window.chainruleQuiz = Quiz" not in text and 'id="quiz"' not in text and '"quiz":' not in text


def test_bad_quiz_options_are_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match="quiz must be True, False or one of 'grads', 'locals', 'both', got 'all'"):
        viz.lecture(neuron(), tmp_path / "q.html", quiz="all")
    assert main(["lecture", "y = x * x", "x=3", "--ask", "both", "-o", str(tmp_path / "a.html")]) == 2
    assert "--ask says what a quiz page asks for: add --quiz" in capsys.readouterr().err
    assert main(["lecture", "y = x * x", "x=3", "--quiz", "--ask", "locals", "-o", str(tmp_path / "b.html")]) == 0
    assert [q["k"] for q in page_data((tmp_path / "b.html").read_text())["frames"][2]["q"]] == ["local", "local"]
