"""The quiz: a backprop walked step by step, where the learner gives every number before it shows.

Before each step the quiz shows the step's head (the node and the gradient it received), then
asks what the step computes: with ``ask="locals"`` or ``"both"`` the local derivative of each
input edge (checked against the op's own record), with ``"grads"`` or ``"both"`` the gradient of
every input that receives its last contribution in this step (a node used several times is asked
for its total once, with a note that it is a sum).  Only then does it show the rest of the step's
text, in which the running sum of an input still to be asked is hidden (``-> ? (asked later)``).
So no number the quiz asks for is printed before it is asked.  An answer is a number typed in:
the gradient of an array (a Tensor graph's) is not asked, its step shows it.

Each question has three tries; a wrong answer gets a hint that grows, an empty answer shows the
answer (counted as shown, not as wrong).  The score at the end says what to review.

:func:`plan` is the list of questions, step by step: the lecture page's quiz mode asks the same.

>>> from autograd_core import Value
>>> a = Value(3.0, name="a")
>>> out = a * a + a
>>> out.name = "out"
>>> for step in plan(out.backprop(), "both").questions:
...     print([q.caption for q in step])
['local d/d(a*a) of out', 'local d/da of out', 'd(a*a)']
['local d/da of a*a, input 1', 'local d/da of a*a, input 2', 'da']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..graph import Node
from ..words import (
    format_number,
    grad_prompt,
    grad_rule,
    local_name,
    local_prompt,
    local_rule,
    step_body,
    step_head,
    uses_note,
)
from .exercises import check, check_local, local_derivative, pass_gradients

__all__ = ["ASK", "TRIES", "Question", "QuizPlan", "Score", "plan", "run_quiz"]

#: What a quiz may ask for: gradients, local derivatives, or both.
ASK = ("grads", "locals", "both")
#: Tries per question before the answer is shown.
TRIES = 3


@dataclass(frozen=True)
class Question:
    """One number the learner is asked for, before step ``step`` (counted from 0) is shown.

    ``kind`` is ``"grad"`` (the gradient of ``node``) or ``"local"`` (the local derivative of
    ``node`` with respect to its input ``index``); ``caption`` names it (``dw``, ``local d/dw of
    w*x``), ``prompt`` asks it, ``note`` is said before asking (a node used several times);
    ``rule`` is how it is found, in one line (the review); ``expected`` is the number.
    """

    kind: str
    node: Node
    index: int | None
    step: int
    caption: str
    prompt: str
    rule: str
    note: str = ""
    expected: Any = field(default=None, repr=False)


@dataclass(frozen=True)
class QuizPlan:
    """The questions of a quiz, one tuple per step of the pass (from its start), and for each
    step the inputs whose running sum its text must hide (their total is asked later)."""

    questions: tuple[tuple[Question, ...], ...]
    hidden: tuple[frozenset[Node], ...]


def _checked_ask(ask: Any) -> str:
    if ask not in ASK:
        raise ValueError(f"quiz: ask must be one of {', '.join(map(repr, ASK))}, got {ask!r}")
    return ask


def plan(steps: Any, ask: str = "grads") -> QuizPlan:
    """The questions a quiz on ``steps`` asks before each step (see the module's docstring)."""
    ask = _checked_ask(ask)
    grads = pass_gradients(steps)
    captions = steps.captions
    ops = steps._ops
    last_use: dict[Node, int] = {}
    uses: dict[Node, list[tuple[Node, int]]] = {}
    for k, node in enumerate(ops):
        if node not in grads:  # no gradient reached it: it sends nothing back
            continue
        for i, parent in enumerate(node.parents):
            if parent in grads:
                last_use[parent] = k
                uses.setdefault(parent, []).append((node, i))
    questions: list[tuple[Question, ...]] = []
    hidden: list[frozenset[Node]] = []
    for k, node in enumerate(ops):
        asked: list[Question] = []
        reached = node in grads
        if reached and ask in ("locals", "both") and getattr(node, "local", None) is not None:
            for i, parent in enumerate(node.parents):
                if parent.requires_grad:
                    asked.append(Question(
                        "local", node, i, k, local_name(node, i, captions), local_prompt(node, i, captions),
                        local_rule(node, i, captions), expected=local_derivative(node, i),
                    ))
        later: set[Node] = set()
        if reached and ask in ("grads", "both"):
            for parent in dict.fromkeys(node.parents):
                if parent not in grads or np.ndim(getattr(grads[parent], "data", grads[parent])) > 0:
                    continue  # no gradient here, or an array's: an answer typed is a number
                if last_use[parent] > k:
                    later.add(parent)
                    continue
                used = uses[parent]
                note = uses_note(parent, len(used), captions) if len(used) > 1 else ""
                asked.append(Question(
                    "grad", parent, None, k, captions.grad_name(parent), grad_prompt(parent, captions),
                    grad_rule(parent, used, captions), note, grads[parent],
                ))
        questions.append(tuple(asked))
        hidden.append(frozenset(later))
    return QuizPlan(tuple(questions), tuple(hidden))


@dataclass
class Score:
    """How a quiz went.  ``asked`` questions in all: ``right`` (``first_try`` of them at the
    first try), ``missed`` (wrong three times, then shown) and ``revealed`` (shown on request, an
    empty answer: not counted as wrong); ``review`` says how each question not right at the first
    try is found; ``stopped`` says why the quiz ended early ("", "end of input", "interrupted")."""

    asked: int = 0
    right: int = 0
    first_try: int = 0
    missed: int = 0
    revealed: int = 0
    review: list[str] = field(default_factory=list)
    stopped: str = ""

    def __str__(self) -> str:
        answered = self.right + self.missed
        text = f"score: {self.right}/{answered} right, {self.first_try} at the first try"
        if self.revealed:
            text += f"; {self.revealed} shown on request"
        if self.stopped:
            text += f" (stopped: {self.stopped})"
        if self.review:
            text += "\nto review:\n" + "\n".join(f"  {line}" for line in self.review)
        return text


def run_quiz(steps: Any, *, ask: str = "grads", read: Callable[[str], str] | None = None,
             show: Callable[[str], Any] | None = None) -> Score:
    """``steps.quiz()``: see :meth:`autograd_core.steps.Backprop.quiz`."""
    quiz = plan(steps, ask)
    read = input if read is None else read
    show = print if show is None else show
    score = Score()
    captions = steps.captions
    total = len(steps)
    what = {"grads": "each gradient", "locals": "each local derivative",
            "both": "each local derivative and each gradient"}[ask]
    show(
        f"Backprop quiz on {steps.label(steps.root)}: {steps.grad_name(steps.root)} = {format_number(steps.seed)} "
        f"(the seed); {total - steps.position} step(s) to go.\nGive {what} when asked:\na number or "
        "arithmetic such as 1.1*2; an empty answer shows it."
    )
    try:
        while not steps.done:
            k = steps.position
            node = steps.next_node
            show("\n" + "\n".join(step_head(k + 1, total, node, steps.pending.get(node), captions)))
            for question in quiz.questions[k]:
                _ask(steps, question, read, show, score)
            show("\n".join(step_body(steps.step(), captions, hidden=quiz.hidden[k])))
        steps._finish_lone_input()
    except EOFError:
        score.stopped = "end of input"
    except KeyboardInterrupt:
        score.stopped = "interrupted"
    if score.stopped:
        show(f"\n(quiz stopped: {score.stopped})")
    show(str(score))
    return score


def _ask(steps: Any, question: Question, read: Callable[[str], str], show: Callable[[str], Any],
         score: Score) -> None:
    score.asked += 1
    if question.note:
        show(question.note)
    for attempt in range(1, TRIES + 1):
        text = read(question.prompt).strip()
        if not text:
            score.revealed += 1
            show(f"the answer: {question.caption} = {format_number(question.expected)}")
            score.review.append(question.rule)
            return
        try:
            if question.kind == "grad":
                verdict = check(steps, question.node, text)
            else:
                verdict = check_local(steps, question.node, question.index, text)
        except (TypeError, ValueError) as error:
            show(str(error))
            continue
        show(repr(verdict))
        if verdict.correct:
            score.right += 1
            if attempt == 1:
                score.first_try += 1
            else:
                score.review.append(question.rule)
            return
    score.missed += 1
    score.review.append(question.rule)
    show(f"the answer: {question.caption} = {format_number(question.expected)}")
