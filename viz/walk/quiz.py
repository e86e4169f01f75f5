"""A quiz's frames: the walk's step frames with the questions the REPL quiz asks before each step.

The questions are the engine's (:func:`autograd_core.steps.quiz.plan`: the same prompts, the same
answers, the same hints by try); this module only writes them into frames as plain data and
keeps out of every frame what a later question asks for: the running sum of a node whose total
is asked later is not shown (the step text says ``-> ? (asked later)``, an edge's flow ends
``= ?``).  A view hides what a step produced (its flows, the gradients of its node's inputs, its
text) until its questions are answered; a worksheet-like view draws ``asked`` as blanks.

>>> from autograd_core import Value
>>> from viz.walk.model import walk
>>> a = Value(3.0, name="a")
>>> w = walk(a * a + a, ask="grads")
>>> [[q["caption"] for q in f.questions] for f in w.frames]
[[], [], ['d(a*a)'], ['da']]
>>> w.frames[2].flows["2.1"], "-> ? (asked later)" in w.frames[2].text
(('← 1 × 1 = ?',), True)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from autograd_core import Node
from autograd_core.steps.exercises import hint
from autograd_core.steps.quiz import TRIES, QuizPlan, plan
from autograd_core.words import format_number, local_hint, step_lines

from .frames import Frame
from .pieces import BACK_ARROW

__all__ = ["quiz_frame", "quiz_plan"]


def quiz_plan(steps: Any, ask: str) -> QuizPlan:
    """The engine's plan of the quiz on ``steps``, checked once (``ask``: grads, locals or both)."""
    return plan(steps, ask)


def _record(question: Any, steps: Any, index: dict[Node, int]) -> dict[str, Any]:
    node = question.node
    if question.kind == "grad":
        hints = [hint(steps, node, level) for level in range(1, TRIES + 1)]
        edge = None
    else:
        hints = [local_hint(node, question.index, level, steps.captions) for level in range(1, TRIES + 1)]
        edge = f"{index[node]}.{question.index}"
    return {"kind": question.kind, "caption": question.caption, "prompt": question.prompt.strip(),
            "note": question.note, "expected": float(getattr(question.expected, "data", question.expected)),
            "answer": format_number(question.expected), "hints": hints, "node": index[node], "edge": edge}


def quiz_frame(frame: Frame, step: Any, steps: Any, quiz: QuizPlan, order: list[Node], rankdir: str) -> Frame:
    """``frame`` (step ``step``'s) as a quiz shows it: its questions, its text and flows without
    the running sums of the nodes asked later, and what the view hides until the questions are
    answered."""
    k = step.number - 1
    index = {node: i for i, node in enumerate(order)}
    later = {q.node for questions in quiz.questions[k + 1:] for q in questions if q.kind == "grad"}
    later |= set(quiz.hidden[k])
    asked = quiz.questions[k]
    flows = dict(frame.flows)
    for c in step.contributions:
        key = f"{index[step.node]}.{c.index}"
        if c.parent in later and key in flows and c.local is not None:
            flows[key] = (f"{BACK_ARROW[rankdir]}{format_number(step.upstream)} × {format_number(c.local)} = ?",)
    running = {i: lines for i, lines in frame.running.items() if order[i] not in later}
    text = "\n".join(step_lines(step, steps.captions, hidden=quiz.hidden[k]))
    if steps.done:
        text += frame.text[len(step.text):]  # the summary after the last step
    hides = tuple(sorted({index[c.parent] for c in step.contributions if c.parent in index}))
    return replace(
        frame, text=text, flows=flows, running=running,
        asked=tuple(index[q.node] for q in asked if q.kind == "grad"),
        questions=tuple(_record(q, steps, index) for q in asked), hides=hides,
    )

