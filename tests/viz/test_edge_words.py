"""What an array op sends back along an edge reads the same on a diagram, on the lecture page and
in the step text: one function of the words module fills the op's record for all three.

Oracles: the step text the stepper prints (its own words, checked in the engine's tests), and
words written here by hand for the two cases a learner meets first (a bias summed over the
batch, softmax cross-entropy's ``softmax − one_hot``)."""

from __future__ import annotations

import html
import re

import numpy as np

import viz
from autograd_core import Tensor, batch_norm, softmax_cross_entropy, topological_order
from viz.dot import layout_json
from viz.walk.dot import EDGE_LINE

LOCAL_LINE = re.compile(r'<font color="#1f5fa8" point-size="10">(.*?)</font>')


def linear_loss() -> Tensor:
    x = Tensor(np.arange(8.0).reshape(4, 2) / 8, name="x")
    W = Tensor(np.array([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5]]), requires_grad=True, name="W")
    b = Tensor(np.zeros(3), requires_grad=True, name="b")
    loss = softmax_cross_entropy(x @ W + b, np.array([0, 2, 1, 0]))
    loss.name = "loss"
    return loss


def edge_words(source: str) -> dict[tuple[str, str], str]:
    """Each drawn input edge ``(tail, op)`` -> its blue words, the wrapped lines joined by spaces."""
    words = {}
    for line in source.splitlines():
        match = re.match(r"\s*(v\d+) -> (o\d+) \[label=<(.*)>", line)
        if match:
            lines = [html.unescape(text) for text in LOCAL_LINE.findall(match.group(3))]
            words[(match.group(1), match.group(2))] = " ".join(lines)
    return words


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_array_edge_says_what_its_step_says():
    loss = linear_loss()
    steps = loss.backprop()
    said = {}
    for step in steps:
        for c in step.contributions:
            if c.local is None:  # an array op: its VJP in words
                assert flat(c.local_text) in flat(step.text)
                said[c.node, c.index] = c.local_text
    assert len(said) == 4  # softmax CE -> logits, + -> x@W and b, @ -> W  (x needs no gradient)
    index = {node: i for i, node in enumerate(topological_order(loss))}  # the DOT ids: v3, o3, ...
    drawn = edge_words(viz.draw(loss).source)
    for (node, k), words in said.items():
        assert drawn[(f"v{index[node.parents[k]]}", f"o{index[node]}")] == words


def test_the_bias_edge_says_the_batch_sum_and_the_loss_edge_softmax_minus_one_hot():
    loss = linear_loss()
    loss.backward()
    drawn = set(edge_words(viz.draw(loss).source).values())
    assert "g summed over the batch, axis 0" in drawn  # into + from b, shape (3,) against (4, 3)
    assert "g (softmax(x@W + b) − one_hot(labels)) / N" in drawn


def test_the_lecture_page_draws_the_same_words_on_its_edges(tmp_path):
    loss = linear_loss()
    page = viz.lecture(loss, tmp_path / "linear.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg"):page.index("</svg>")]
    local = [html.unescape(t) for t in re.findall(r'<text [^>]*class="loc"[^>]*>([^<]*)</text>', svg)]
    joined = " | ".join(local)
    assert "g summed over the batch, axis 0" in local
    assert "g (softmax(x@W +" in joined and "one_hot(labels)) / N" in joined
    # and the step that sends it says so in its text panel
    panels = [html.unescape(t) for t in re.findall(r'<pre class="text"[^>]*>(.*?)</pre>', page, re.S)]
    assert any("d(b) += g summed over the batch, axis 0" in flat(text) for text in panels)


def test_batch_norms_long_words_wrap_and_stay_inside_the_drawing():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((4, 3)), requires_grad=True, name="x")
    gamma = Tensor(np.ones(3), requires_grad=True, name="gamma")
    beta = Tensor(np.zeros(3), requires_grad=True, name="beta")
    y = batch_norm(x, gamma, beta, np.zeros(3), np.ones(3))
    loss = (y * y).sum()
    loss.backward()
    for rankdir in ("LR", "TB"):
        source = viz.draw(loss, rankdir=rankdir).source
        lines = [html.unescape(t) for t in LOCAL_LINE.findall(source)]
        assert "γ/σ ⊙ (g − mean g − x̂ ⊙" in lines and "in eval(): γ/σ ⊙ g" in lines
        assert max(len(line) for line in lines) <= EDGE_LINE
        # Graphviz's own layout: every line of every edge label lies inside the drawing's box
        layout = layout_json(source)
        x0, _, x1, _ = (float(v) for v in layout["bb"].split(","))
        for edge in layout["edges"]:
            for op in edge.get("_ldraw_", []):
                if op["op"] == "T":
                    middle, width = op["pt"][0], op["width"]
                    assert x0 <= middle - width / 2 and middle + width / 2 <= x1, op["text"]
