"""The words of an engine check: each finding's sentence, its minimal example as code for the
learner's class, and the hint at the usual cause, in the stepper's words (``upstream x local``,
a node gathering its contributions), with chainrule's own ``Value`` and op records as reference.

- :func:`failure_finding` turns the minimal failing probe of a property into a :class:`Finding`;
- :func:`twice_finding`, :func:`zero_grad_finding` and :func:`depth_finding` say which behaviour
  the engine has (notes and limits);
- :func:`repro` writes a probe as code to paste under the class, ending where the problem shows.

Example:
    >>> passed_finding("a.tanh()", "op", "tanh", 100).summary
    '100 examples'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ...value import Value
from ...words import format_number, local_text
from .guard import Outcome, describe_error, error_location
from .probe import FORMS, OP_SYMBOLS, Engine, Probe, Problem, shown
from .report import Finding

__all__ = [
    "chainrule_graph",
    "depth_finding",
    "failure_finding",
    "one_line",
    "passed_finding",
    "repro",
    "twice_finding",
    "zero_grad_finding",
]


# -- findings -------------------------------------------------------------------------------------
def passed_finding(title: str, group: str, op: str | None, examples: int) -> Finding:
    return Finding(title, group, "ok", f"{examples} examples", op)


def failure_finding(engine: Engine, title: str, group: str, op: str | None, search: Any,
                    earlier: Sequence[Finding] = ()) -> Finding:
    """A failing property: the sentence, the minimal example, the hint."""
    probe, problem = search.probe, search.problem
    core = _core(engine, probe, problem, group)
    lead = {
        "op": f"your {OP_SYMBOLS[op] if op else ''}",
        "reuse": f"your {OP_SYMBOLS[op] if op else ''} on a node used twice",
        "order": "topological order",
        "expressions": "random expressions",
    }[group]
    sentence = f"{lead}: {core}"
    summary = core if len(core) <= 70 else core[:67] + "..."
    return Finding(
        title, group, "FAIL", summary, op, sentence, repro(engine, probe, problem), _hint(engine, probe, problem, group,
                                                                                         op, earlier),
        problem.engine, problem.expected, stopped=search.stopped, flaky=search.flaky,
    )


def _point(probe: Probe) -> str:
    return ", ".join(f"{probe.name(i)} = {format_number(x)}" for i, x in enumerate(probe.expression.inputs))


def _core(engine: Engine, probe: Probe, problem: Problem, group: str) -> str:
    """The problem in one sentence, e.g. ``d/dx at 0.5 is 0.5379, should be 0.7864``."""
    at = _point(probe)
    if problem.what == "gradient":
        x, out = probe.name(problem.input), probe.output_name
        numbers = f"is {format_number(problem.engine)}, should be {format_number(problem.expected)}"
        if group == "op":
            e = probe.expression
            single = len(e.inputs) == 1
            where = format_number(e.inputs[0]) if single else at
            form = e.steps[0][0]
            within = f" in {engine.text(form, [probe.name(0), probe.name(1) if not single else ''], e.steps[0][2])}" \
                if FORMS[engine.kind_run(form)].constant else ""
            return f"d/d{x}{within} at {where} {numbers}"
        return f"{one_line(engine, probe)} at {at}: d{out}/d{x} {numbers}"
    if problem.what == "forward":
        step = engine.step_text(probe, problem.step) if problem.step is not None else "the sum of the outputs"
        return (f"{step} at {at} gives {shown(problem.engine)}, "
                f"should be {format_number(problem.expected)}")
    graph = "" if group == "op" else f"{one_line(engine, probe)}: "
    return f"{graph}{problem.message}, at {at}"


def one_line(engine: Engine, probe: Probe) -> str:
    """The probe's graph on one line: ``b = a + a; c = b + b``."""
    e = probe.expression
    lines = [engine.step_text(probe, k) for k in range(len(e.steps))]
    if len(e.output) > 1:
        lines.append("out = " + " + ".join(probe.name(i) for i in e.output))
    return "; ".join(lines)


def repro(engine: Engine, probe: Probe, problem: Problem) -> str:
    """The probe as code for the learner's class, ending where the problem shows."""
    e = probe.expression
    lines = [f"{probe.name(i)} = {engine.name}({x!r})" for i, x in enumerate(e.inputs)]
    last = len(e.steps) if problem.step is None else problem.step + 1
    lines += [engine.step_text(probe, k) for k in range(last)]
    if problem.step is not None:
        node = probe.name(len(e.inputs) + problem.step)
        if problem.what == "forward":
            lines.append(f"print({node}.{engine.data_attr})  # your engine: {shown(problem.engine)}, "
                         f"should be {format_number(problem.expected)}")
        else:
            lines[-1] += f"  # {_comment(problem)}"
        return "\n".join(lines)
    out = probe.output_name
    if len(e.output) > 1:
        lines.append(f"out = {' + '.join(probe.name(i) for i in e.output)}")
    backward = engine.backward_text.format(node=out)
    if problem.what == "forward":
        lines.append(f"print(out.{engine.data_attr})  # your engine: {shown(problem.engine)}, "
                     f"should be {format_number(problem.expected)}")
    elif problem.what in ("raised", "timeout"):
        lines.append(f"{backward}  # {_comment(problem)}")
    else:
        lines.append(backward)
        x = probe.name(problem.input if problem.input is not None else 0)
        if problem.what == "gradient":
            lines.append(f"print({x}.{engine.grad_attr})  # your engine: {shown(problem.engine)}, "
                         f"finite differences: {format_number(problem.expected)}")
        else:
            lines.append(f"print({x}.{engine.grad_attr})  # {_comment(problem)}")
    return "\n".join(lines)


def _comment(problem: Problem) -> str:
    if problem.what == "timeout":
        return "does not finish"
    if problem.what == "raised":
        return "raises " + problem.message.split(" raised ", 1)[-1]
    if " returned " in problem.message:
        return "returns " + problem.message.split(" returned ", 1)[-1]
    return problem.message.split(" is ", 1)[-1]


# -- hints ----------------------------------------------------------------------------------------
def _hint(engine: Engine, probe: Probe, problem: Problem, group: str, op: str | None,
          earlier: Sequence[Finding]) -> str:
    where = f" ({problem.location})" if problem.location else ""
    if problem.what == "raised":
        return f"the exception comes from your code{where}: the example above raises it every time."
    if problem.what == "returned":
        return (f"every op must return a new {engine.name} that remembers its inputs (and .{engine.grad_attr} must "
                "hold a number after backward), or backward cannot reach them.")
    if problem.what == "timeout":
        return ("an endless loop: a walk over the graph that never marks a node as visited, or a graph that "
                "contains itself. The check stopped here: every later probe would wait as long.")
    if problem.what == "forward":
        symbol = OP_SYMBOLS[FORMS[engine.kind_run(probe.expression.steps[problem.step][0])].op] \
            if problem.step is not None else "+"
        return (f"the forward value is wrong before any gradient is computed: look at the number your {symbol} "
                f"stores in its result's .{engine.data_attr}.")
    if group == "op":
        return _op_hint(engine, probe, problem, op or "")
    if group == "reuse":
        return _reuse_hint(engine, probe, problem, op or "")
    if group == "order":
        return _order_hint(engine, probe, problem)
    return _expression_hint(engine, probe, problem, earlier)


def chainrule_graph(probe: Probe) -> list[Any]:
    """The probe built with chainrule's own Value (every node named as in the probe), backward run:
    the reference the hints quote, in the stepper's words."""
    e = probe.expression
    nodes: list[Any] = [Value(x, name=probe.name(i)) for i, x in enumerate(e.inputs)]
    for k, (kind, operands, constant) in enumerate(e.steps):
        node = FORMS[kind].on_nodes([nodes[i] for i in operands], constant)
        node.name = probe.name(len(e.inputs) + k)
        nodes.append(node)
    out = nodes[e.output[0]]
    for i in e.output[1:]:
        out = out + nodes[i]
    out.backward()
    return nodes + ([out] if len(e.output) > 1 else [])


def _op_hint(engine: Engine, probe: Probe, problem: Problem, op: str) -> str:
    nodes = chainrule_graph(probe)
    node = nodes[len(probe.expression.inputs)]
    leaf = nodes[problem.input or 0]
    index = next((i for i, p in enumerate(node.parents) if p is leaf), 0)
    formula = local_text(node, index)
    x = probe.name(problem.input or 0)
    slip = _slip(op, probe, problem)
    text = (f"backprop sends each input upstream x local ({x}.{engine.grad_attr} += out.{engine.grad_attr} * local, "
            f"with upstream 1 here), so the local derivative in your {OP_SYMBOLS[op]}'s backward is off. "
            f"It should be\n    {formula}\n")
    if slip:
        text += f"Your {shown(problem.engine)} is {slip}."
    return text.rstrip()


def _slip(op: str, probe: Probe, problem: Problem) -> str:
    """The usual slip that gives the engine's number, if one does (``1 - t`` for tanh)."""
    e = probe.expression
    kind, _, constant = e.steps[0]
    x = e.inputs[0]
    y = e.inputs[1] if len(e.inputs) > 1 else None
    out = probe.values()[len(e.inputs)]
    candidates: list[tuple[str, Any]] = {
        "tanh": [("1 - out, without the square", lambda: 1 - out),
                 ("1 - x**2: the input squared where the output belongs", lambda: 1 - x * x),
                 ("out**2 - 1: the sign turned round", lambda: out * out - 1)],
        "sigmoid": [("out, without the factor (1 - out)", lambda: out),
                    ("x * (1 - x): the input where the output belongs", lambda: x * (1 - x))],
        "exp": [("x: the input where exp(x) belongs", lambda: x), ("exp(x) * x", lambda: out * x)],
        "log": [("x, where 1/x belongs", lambda: x), ("log(x) itself", lambda: out), ("-1/x**2", lambda: -1 / (x * x))],
        "relu": [("x: the input where 1 (or 0) belongs", lambda: x),
                 ("the rule turned round (1 where x < 0)", lambda: 1.0 if x < 0 else 0.0)],
        "pow": [("n * x**n: the exponent not lowered by one", lambda: constant * x**constant),
                ("x**(n - 1), without the factor n", lambda: x ** (constant - 1))] if kind == "pow" else [],
        "mul": [("the input's own value: each input's local derivative is the other input",
                 lambda: x if problem.input == 0 else y), ("1, as for +", lambda: 1.0)] if y is not None else [],
        "div": [("-a/b, without the square of b", lambda: -x / y), ("1/b, as for the first input", lambda: 1 / y),
                ("a/b**2, without the minus sign", lambda: x / (y * y))] if y is not None else [],
        "sub": [("+1: the minus sign for the second input is lost", lambda: 1.0)],
        "neg": [("+1: the minus sign is lost", lambda: 1.0)],
    }.get(op, [])
    for words, value in candidates:
        try:
            guess = float(value())
        except (ArithmeticError, TypeError, ValueError):
            continue
        if problem.engine is not None and math.isclose(guess, problem.engine, rel_tol=1e-6, abs_tol=1e-9):
            return words
    return ""


def _contributions(probe: Probe, target: int) -> list[tuple[str, float, float, float]]:
    """Each use of node ``target``: (the step using it, upstream, local, upstream x local)."""
    nodes = chainrule_graph(probe)
    leaf = nodes[target]
    found = []
    for node in nodes[len(probe.expression.inputs):]:
        twice = sum(p is leaf for p in node.parents) > 1
        for i, parent in enumerate(node.parents):
            if parent is leaf:
                local = float(node.local[i])
                where = f"{node.name or 'out'}" + (f" (as its {('first', 'second')[i]} input)" if twice else "")
                found.append((where, float(node.grad), local, float(node.grad) * local))
    return found


def _reuse_hint(engine: Engine, probe: Probe, problem: Problem, op: str) -> str:
    x = probe.name(problem.input or 0)
    uses = _contributions(probe, problem.input or 0)
    listed = ", ".join(f"{format_number(u)} x {format_number(lo)} = {format_number(c)} from {name}"
                       for name, u, lo, c in uses)
    total = sum(c for *_, c in uses)
    text = (f"{x} is used {len(uses)} times, so it gathers {len(uses)} contributions, upstream x local: {listed}; "
            f"its gradient is their sum, {format_number(total)}.")
    got = problem.engine
    kept = [c for *_, c in uses if got is not None and math.isclose(c, got, rel_tol=1e-6, abs_tol=1e-9)]
    if kept:
        text += f" Your engine kept only one of them ({format_number(kept[0])}): "
    else:
        text += " Your engine lost part of it: "
    attr = engine.grad_attr
    text += (f"the backward of your {OP_SYMBOLS[op]} sets the gradient (self.{attr} = ...) where it must add to "
             f"it (self.{attr} += ...), for each of its inputs.")
    return text


def _order_hint(engine: Engine, probe: Probe, problem: Problem) -> str:
    e = probe.expression
    uses: dict[int, list[str]] = {}
    for k, (_, operands, _) in enumerate(e.steps):
        for i in operands:
            uses.setdefault(i, []).append(probe.name(len(e.inputs) + k))
    shared = [(i, users) for i, users in uses.items() if i >= len(e.inputs) and len(users) > 1]
    text = "every op passed alone and on a node used twice, so the order of the backward walk is wrong. "
    if shared:
        i, users = shared[0]
        by = f"twice by {users[0]}" if len(set(users)) == 1 else f"by {' and '.join(users)}"
        inputs = " and ".join(dict.fromkeys(probe.name(j) for j in e.steps[i - len(e.inputs)][1]))
        text += (f"{probe.name(i)} is used {by}: it must gather every contribution before its own backward "
                 f"sends its gradient on to {inputs}. ")
    got, want = problem.engine, problem.expected
    if got is not None and want and abs(got) > abs(want) * 1.5 and float(got / want).is_integer():
        text += (f"Your gradient is {format_number(got / want)} times too large: a node's backward ran more than once "
                 "(keep a set of the nodes already visited). ")
    text += ("Sort the nodes topologically (a depth-first search that appends a node after all its inputs) and call "
             "each node's backward once, in the reverse of that order.")
    return text


def _expression_hint(engine: Engine, probe: Probe, problem: Problem, earlier: Sequence[Finding]) -> str:
    failing = [f for f in earlier if f.failed]
    lead = ("fix the properties above first (each op alone, a node used twice, the order): this graph uses them. "
            if failing else
            "every op passed alone, on a node used twice and in the order checks, so the bug needs this combination. ")
    names = " ".join(f"{probe.name(i)}={x!r}" for i, x in enumerate(probe.expression.inputs))
    return (lead + "chainrule can walk the same graph step by step, upstream x local on every edge: "
            f'chainrule steps "{probe.expression.source}" {names}')


# -- notes and limits -----------------------------------------------------------------------------
_TWICE_TITLE = "y = x * x * 2.0 at 3, backward() twice"


def twice_finding(engine: Engine, outcome: Outcome, strict: bool) -> Finding:
    """Which of the three behaviours a second backward() has: accumulate (24), afresh (12), or 36."""
    backward = engine.backward_text.format(node="y")
    if outcome.timed_out or outcome.error is not None:
        why = "did not finish" if outcome.timed_out else f"raised {describe_error(outcome.error, engine.source)}"
        sentence = (f"a second {backward} {why} (PyTorch refuses a second backward too, unless asked to keep the "
                    "graph)")
        return Finding(_TWICE_TITLE, "twice", "note", sentence, None, sentence, stopped=outcome.timed_out)
    first, second = outcome.value
    grad = engine.grad_attr
    if first is None or not math.isclose(first, 12.0, rel_tol=1e-9):
        sentence = f"the first {backward} gave x.{grad} = {shown(first)}, not 12 (the failures above say why)"
        return Finding(_TWICE_TITLE, "twice", "note", sentence, None, sentence)
    if second is not None and math.isclose(second, 24.0, rel_tol=1e-9):
        sentence = (f"x.{grad} is 24 after a second {backward}: it accumulates, twice the 12 of the first pass, as "
                    "PyTorch does (zero the gradients before each new pass)")
        return Finding(_TWICE_TITLE, "twice", "note", "accumulates (24, as PyTorch)", None, sentence, engine_value=24.0)
    if second is not None and math.isclose(second, 12.0, rel_tol=1e-9):
        sentence = (f"x.{grad} is 12 again after a second {backward}: each pass starts afresh (PyTorch would "
                    "accumulate to 24)")
        return Finding(_TWICE_TITLE, "twice", "note", "starts afresh (12)", None, sentence, engine_value=12.0)
    if second is not None and math.isclose(second, 36.0, rel_tol=1e-9):
        why = ("the intermediate x * x kept its gradient from the first pass and sent it again, added onto the new "
               "one (micrograd 0.1.0 does the same)")
        summary = "36: intermediate gradients sent again"
    else:
        why = "something else than accumulating or starting afresh"
        summary = f"{shown(second)}: neither 24 nor 12"
    sentence = (f"x.{grad} is {shown(second)} after a second {backward}: neither 24 (accumulating, as PyTorch) nor 12 "
                f"(starting afresh): {why}. Zero every node's gradient, intermediates included, before a new pass")
    status = "FAIL" if strict else "note"
    return Finding(_TWICE_TITLE, "twice", status, summary, None, sentence,
                   example=f"x = {engine.name}(3.0)\ny = x * x * 2.0\n{backward}\n{backward}\n"
                           f"print(x.{grad})  # your engine: {shown(second)}; PyTorch: 24; a reset: 12",
                   hint=("a new pass must start from zero gradients on every node it will visit; only the output "
                         "is reset by backward() itself."),
                   engine_value=second, expected=24.0)


def zero_grad_finding(engine: Engine, outcome: Outcome | None, strict: bool) -> Finding:
    title = "y = x * x * 2.0 at 3, zero_grad, backward()"
    if outcome is None:
        return Finding(title, "zero_grad", "not found", "no zero_grad method (or function in its module)")
    call = engine.zero_grad_text.format(node="y")
    grad = engine.grad_attr
    if outcome.timed_out or outcome.error is not None:
        why = "did not finish" if outcome.timed_out else f"raised {describe_error(outcome.error, engine.source)}"
        sentence = f"{call} {why}"
        return Finding(title, "zero_grad", "FAIL", sentence, None, sentence, stopped=outcome.timed_out,
                       hint=(f"the exception comes from your code ({error_location(outcome.error, engine.source)})"
                             if outcome.error is not None else ""))
    left, again = outcome.value
    names = ("x", "x * x", "y")
    kept = [(n, g) for n, g in zip(names, left) if g is None or g != 0]
    if not kept and again is not None and math.isclose(again, 12.0, rel_tol=1e-9):
        return Finding(title, "zero_grad", "ok", f"{call} clears every node")
    held = ", ".join(f"{n} still holds {shown(g)}" for n, g in kept) or "every gradient was 0"
    sentence = (f"after {call}, {held}; a new backward() then gives x.{grad} = {shown(again)}, not 12 "
                "(zero every node the output depends on, intermediates included, not only the leaves)")
    status = "FAIL" if strict else "note"
    summary = "; ".join(f"{n}: {shown(g)}" for n, g in kept) or f"x.grad {shown(again)}"
    return Finding(title, "zero_grad", status, summary, None, sentence, engine_value=again, expected=12.0)


def depth_finding(engine: Engine, outcome: Outcome, depth: int, limit: int) -> Finding:
    backward = engine.backward_text.format(node="out")
    title = f"a chain of {depth:,} additions"
    if outcome.timed_out:
        sentence = f"{backward} on a chain {depth:,} nodes deep did not finish"
        return Finding(title, "depth", "FAIL", "did not finish", None, sentence, stopped=True,
                       hint="an endless loop, or a walk that visits nodes many times over")
    error = outcome.error
    if isinstance(error, RecursionError):
        where = error_location(error, engine.source)
        sentence = (f"{backward} on a chain {depth:,} nodes deep raised RecursionError (Python's recursion limit is "
                    f"{limit:,}){' at ' + where if where else ''}: the walk calls itself once per node. Fine for "
                    "small networks; for deep graphs, build the topological order with a loop and a stack of your own")
        return Finding(title, "depth", "limit", "RecursionError", None, sentence)
    if error is not None:
        sentence = f"{backward} on a chain {depth:,} nodes deep raised {describe_error(error, engine.source)}"
        return Finding(title, "depth", "FAIL", sentence, None, sentence)
    grad, _ = outcome.value
    if grad is None or not math.isclose(grad, 1.0, rel_tol=1e-9):
        sentence = (f"x.{engine.grad_attr} is {shown(grad)} after {backward} on a chain of {depth:,} additions, "
                    "should be 1")
        return Finding(title, "depth", "FAIL", sentence, None, sentence, engine_value=grad, expected=1.0)
    return Finding(title, "depth", "ok", f"{depth:,} nodes deep")


