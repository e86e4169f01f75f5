"""What :func:`autograd_core.testing.check_engine` found, in words a learner understands.

One :class:`Finding` per property (each op alone, a node used twice, topological order, random
expressions, backward twice, zero_grad, depth), and an :class:`EngineReport` that explains the
first failing one: the problem in plain words, the minimal example as code to paste under the
learner's class, what their engine gave and what central differences give, and a hint at the
usual cause in the stepper's words (``upstream x local``, gathering contributions).  ``print``
shows it as text, Jupyter as a table; :class:`EngineCheckError` (an ``AssertionError``) carries
it as its message, so a failing check reads as a normal assertion under pytest.

Example:
    >>> finding = Finding("a.tanh()", "op", "ok", "100 examples", "tanh")
    >>> finding.failed, finding.status
    (False, 'ok')
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from ..report import html_table
from .probe import OP_SYMBOLS, Engine

__all__ = ["GROUPS", "EngineCheckError", "EngineReport", "Finding"]

#: The properties in the order they run, each with the heading the report gives it.
GROUPS = {
    "op": "each op alone: its forward value, and its local derivative against central differences",
    "reuse": "a node used twice: its gradient gathers every contribution (+=)",
    "order": "topological order: a node sends its gradient on after gathering all of it",
    "expressions": "random expressions, shrunk to the smallest that fails",
    "twice": "backward() twice",
    "zero_grad": "zero_grad",
    "depth": "depth",
}

_WIDTH = 100


@dataclass(frozen=True)
class Finding:
    """One property's outcome.

    ``status`` is ``"ok"``, ``"FAIL"``, ``"note"`` (backward twice, zero_grad: worth knowing,
    not a bug unless ``strict``), ``"limit"`` (depth) or ``"not found"``.  ``summary`` is the
    table's cell; for a failure, a note or a limit, ``sentence`` says it in plain words,
    ``example`` is the minimal example as code for the learner's class, ``engine_value`` and
    ``expected`` the two numbers compared, and ``hint`` the usual cause.  ``stopped``: the
    engine hung, so the check stopped here.  ``flaky``: the failure did not repeat every time
    (the engine's result depends on something besides the numbers, such as a set's order).
    """

    title: str
    group: str
    status: str
    summary: str
    op: str | None = None
    sentence: str = ""
    example: str = ""
    hint: str = ""
    engine_value: float | None = None
    expected: float | None = None
    stopped: bool = False
    flaky: bool = False

    @property
    def failed(self) -> bool:
        return self.status == "FAIL"


@dataclass
class EngineReport:
    """Everything :func:`check_engine` found; ``passed`` when no property failed (notes and
    limits do not fail a check unless ``strict``)."""

    engine: Engine
    findings: list[Finding]
    max_examples: int
    seconds: float
    strict: bool = False
    printed_lines: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(f.failed for f in self.findings)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.failed]

    @property
    def first_failure(self) -> Finding | None:
        return next((f for f in self.findings if f.failed), None)

    @property
    def engine_name(self) -> str:
        """``Value from engine.py``."""
        where = f" from {Path(self.engine.source).name}" if self.engine.source else ""
        return f"{self.engine.name}{where}"

    def headline(self) -> str:
        first = self.first_failure
        if first is None:
            ran = sum(1 for f in self.findings if f.status == "ok")
            return (f"check_engine passed: {self.engine_name} agrees with central differences on all {ran} "
                    f"properties checked ({self.seconds:.1f} s)")
        return f"check_engine FAILED: {self.engine_name}: {first.sentence}"

    def table(self) -> str:
        """Every property with its result, grouped, as aligned text."""
        lines = []
        width = max((len(_label(f)) for f in self.findings), default=0)
        for group, heading in GROUPS.items():
            rows = [f for f in self.findings if f.group == group]
            if not rows:
                continue
            lines.append(heading)
            for f in rows:
                lines.append(f"  {_label(f):<{width}}  {f.status:<9}  {f.summary}".rstrip())
        return "\n".join(lines)

    def _missing(self) -> str:
        missing = [why for why in self.engine.missing.values()]
        return "not checked (not found): " + "; ".join(missing) if missing else ""

    def _extras(self) -> list[str]:
        extras = []
        if self.printed_lines:
            extras.append(f"your engine printed {self.printed_lines} line(s) during the check (hidden)")
        extras.extend(self.notes)
        return extras

    def __str__(self) -> str:
        parts = [self.headline()]
        first = self.first_failure
        if first is not None:
            parts += _explain(first)
            others = [f for f in self.failures if f is not first]
            if others:
                parts.append("")
                parts.append(f"{len(others)} more failing propert{'y' if len(others) == 1 else 'ies'} "
                             "(usually the same cause; fix the first, then run the check again)")
        parts += ["", self.table()]
        for status, heading in (("note", "notes"), ("limit", "limits")):
            rows = [f for f in self.findings if f.status == status]
            if rows:
                parts.append(f"{heading}:")
                for f in rows:
                    parts.append(_wrap(f"{_GROUP_SHORT[f.group]}: {f.sentence}", indent="  "))
        missing = self._missing()
        if missing:
            parts.append(_wrap(missing))
        parts.extend(_wrap(e) for e in self._extras())
        parts.append(f"{self.max_examples} examples per property, {self.seconds:.1f} s")
        return "\n".join(parts)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The report as a table (a notebook shows it instead of the text)."""
        header = ["property", "op", "checks", "result", "details"]
        rows = [[_GROUP_SHORT[f.group], OP_SYMBOLS.get(f.op or "", ""), f.title, f.status, f.summary]
                for f in self.findings]
        notes = []
        first = self.first_failure
        if first is not None and first.hint:
            notes.append("why: " + " ".join(line.strip() for line in first.hint.splitlines()))
        notes += [f"{_GROUP_SHORT[f.group]}: {f.sentence}" for f in self.findings if f.status in ("note", "limit")]
        missing = self._missing()
        if missing:
            notes.append(missing)
        notes += self._extras()
        code = first.example if first is not None else ""
        if code:
            notes.append("the smallest example (paste it under your class):")
        return html_table(self.headline(), header, rows, [f.failed for f in self.findings], notes, self.passed,
                          code=code)


_GROUP_SHORT = {
    "op": "each op alone", "reuse": "a node used twice", "order": "topological order",
    "expressions": "random expressions", "twice": "backward() twice", "zero_grad": "zero_grad", "depth": "depth",
}


class EngineCheckError(AssertionError):
    """A property of the engine failed; the message is the whole report (``.report``).

    An ``AssertionError``, so under pytest a failing ``check_engine`` reads as a normal assertion.
    """

    def __init__(self, report: EngineReport) -> None:
        self.report = report
        super().__init__(str(report))


def _label(f: Finding) -> str:
    """A row's label in the text table: the op's symbol, then what was checked."""
    return f"{OP_SYMBOLS[f.op]:<8} {f.title}" if f.op else f.title


def _explain(f: Finding) -> list[str]:
    parts = []
    if f.example:
        parts += ["", "the smallest example (paste it under your class):"]
        parts += [f"    {line}" for line in f.example.splitlines()]
    if f.flaky:
        parts += ["", _wrap(
            "this failure does not happen every time: your engine's result depends on something besides the "
            "numbers (often the order of a set, such as _prev = set(children), walked without a topological sort)"
        )]
    if f.hint:
        parts += ["", _wrap("why: " + f.hint)]
    return parts


def _wrap(text: str, indent: str = "") -> str:
    """Each line of ``text`` filled to the report's width; a line indented by four spaces (a
    formula, code) is kept whole."""
    lines = []
    for number, line in enumerate(text.split("\n")):
        if line.startswith("    "):
            lines.append(indent + line)
        else:
            first = indent if number == 0 else indent + "  "
            lines.append(textwrap.fill(line, _WIDTH, initial_indent=first, subsequent_indent=indent + "  ",
                                       break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines)
