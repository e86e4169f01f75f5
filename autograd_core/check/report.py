"""What a gradient check found, laid out to be read in a REPL.

A :class:`GradcheckReport` holds one :class:`GradientRow` per input or parameter (the
backprop gradient against the numerical one), the local derivatives that disagree with their op
(:class:`LocalMismatch`), the extra checks that failed and the warnings.  ``repr`` shows the
table; ``summary()`` gives the seed's one-line form ``W1: 3.2e-10, b1: 1.1e-12``.

Example:
    >>> import numpy as np
    >>> from autograd_core.check.report import compare
    >>> row = compare("w", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]), atol=1e-7, rtol=1e-5)
    >>> row.passed, row.worst_index
    (True, (1,))
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class GradientRow:
    """Backprop against central differences for one input or parameter.

    ``relative_error`` is ``||a - n|| / (||a|| + ||n||)`` over all elements (0/0 shown as 0): the
    seeds' ``|a - b| / (|a| + |b|)`` for a single number, about 1e-10 for a correct gradient in
    float64 and 1 for a gradient of the wrong sign.  ``worst_index`` is the element with the
    largest error in units of its tolerance ``atol + rtol * |n|``, with both values there
    (``backprop``, ``numerical``); the whole arrays are ``backprop_gradient`` and
    ``numerical_gradient``.
    """

    name: str
    shape: tuple[int, ...]
    max_abs_error: float
    mean_abs_error: float
    relative_error: float
    worst_index: tuple[int, ...]
    backprop: float
    numerical: float
    passed: bool
    bad_elements: int = 0
    problem: str = ""
    backprop_gradient: np.ndarray | None = field(default=None, repr=False, compare=False)
    numerical_gradient: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class LocalMismatch:
    """A node whose recorded local derivative disagrees with central differences of its op alone."""

    op: str
    node: str | None
    input_index: int
    input_label: str
    local: float
    numerical: float
    detail: str = ""

    def __str__(self) -> str:
        where = f"{self.op} node {self.node!r}" if self.node is not None else f"{self.op} node"
        if math.isnan(self.local) and self.detail:
            return f"{where} input {self.input_index} ({self.input_label!r}): {self.detail}"
        text = (
            f"{where} input {self.input_index} ({self.input_label!r}): "
            f"local derivative {_num(self.local)}, numerical {_num(self.numerical)}"
        )
        return f"{text} {self.detail}".rstrip()


@dataclass
class GradcheckReport:
    """The outcome of :func:`autograd_core.check.gradcheck.gradcheck` or ``check_model``.

    ``passed`` is true when every row passed, no local derivative disagreed and no extra check
    failed.  Warnings (float32 inputs, inputs near a kink, ...) do not make a check fail.
    ``inconclusive`` is true when it failed but every disagreement is explained by a warning:
    ``inconclusive_reason`` says which (``"at a kink"``: an input sits where the derivative jumps
    and central differences average both sides; ``"in float32"``: central differences in float32
    lose most of their digits).  Such a point proves nothing either way: check another one.
    """

    rows: list[GradientRow]
    eps: float
    atol: float
    rtol: float
    local_mismatches: list[LocalMismatch] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = "gradcheck"
    inconclusive_reason: str | None = None

    @property
    def passed(self) -> bool:
        """True when backprop agrees with the numerical gradient everywhere."""
        return all(r.passed for r in self.rows) and not self.local_mismatches and not self.failed_checks

    @property
    def inconclusive(self) -> bool:
        """True when the check failed only where finite differences cannot be trusted (see the class)."""
        return not self.passed and self.inconclusive_reason is not None

    @property
    def verdict(self) -> str:
        """``"passed"``, ``"INCONCLUSIVE at a kink"`` (or ``in float32``) or ``"FAILED"``."""
        if self.passed:
            return "passed"
        return f"INCONCLUSIVE {self.inconclusive_reason}" if self.inconclusive else "FAILED"

    def __bool__(self) -> bool:
        return self.passed

    def row(self, name: str) -> GradientRow:
        """The row of one input or parameter, by name."""
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"{self.title}: no row named {name!r}; rows: {', '.join(r.name for r in self.rows)}")

    def failures(self) -> list[str]:
        """One sentence per problem found (empty when the check passed): the culprit ops (wrong
        local derivatives) first, then the gradients that differ, then the failed extra checks."""
        found = [str(m) for m in self.local_mismatches]
        for r in self.rows:
            if not r.passed and r.problem:
                found.append(f"gradient of {r.name!r}: {r.problem}")
            elif not r.passed:
                at = f" at {list(r.worst_index)}" if r.worst_index else ""
                found.append(
                    f"gradient of {r.name!r} differs{at}: backprop {_num(r.backprop)}, numerical {_num(r.numerical)} "
                    f"(max abs error {r.max_abs_error:.2g}, relative error {r.relative_error:.2g}, "
                    f"{r.bad_elements} element(s) beyond tolerance)"
                )
        found.extend(self.failed_checks)
        return found

    def summary(self) -> str:
        """The seed's one-line form: each parameter's mean absolute difference.

        >>> from autograd_core.check.report import GradcheckReport, compare
        >>> import numpy as np
        >>> r = GradcheckReport([compare("W1", np.ones(2), np.ones(2), atol=0, rtol=0)], 1e-6, 0, 0)
        >>> r.summary()
        'W1: 0.0e+00'
        """
        return ", ".join(f"{r.name}: {r.mean_abs_error:.1e}" for r in self.rows)

    def table(self) -> str:
        """The rows as an aligned text table."""
        first = "parameter" if self.title == "check_model" else "input"
        header = (first, "shape", "max abs err", "rel err", "worst at", "backprop", "numerical", "")
        lines = [header]
        for r in self.rows:
            lines.append(
                (
                    r.name,
                    "()" if not r.shape else "(" + ", ".join(map(str, r.shape)) + (",)" if len(r.shape) == 1 else ")"),
                    f"{r.max_abs_error:.2e}",
                    f"{r.relative_error:.2e}",
                    "[" + ", ".join(map(str, r.worst_index)) + "]" if r.worst_index else "-",
                    _num(r.backprop),
                    _num(r.numerical),
                    "ok" if r.passed else "FAIL",
                )
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)

    def _headline(self) -> str:
        return (
            f"{self.title} {self.verdict} (eps={self.eps:g}, pass when |backprop - numerical| <= "
            f"{self.atol:g} + {self.rtol:g} * |numerical|)"
        )

    def _repr_html_(self) -> str:
        """The report as a small HTML table (a notebook shows it instead of the text).

        >>> import numpy as np
        >>> r = GradcheckReport([compare("W<1>", np.ones(2), np.ones(2), atol=0, rtol=0)], 1e-6, 0, 0)
        >>> ">W&lt;1&gt;</td>" in r._repr_html_()
        True
        """
        first = "parameter" if self.title == "check_model" else "input"
        header = [first, "shape", "max abs err", "rel err", "worst at", "backprop", "numerical", ""]
        cells = []
        for r in self.rows:
            shape = "()" if not r.shape else str(tuple(r.shape))
            worst = "[" + ", ".join(map(str, r.worst_index)) + "]" if r.worst_index else "-"
            cells.append(
                [r.name, shape, f"{r.max_abs_error:.2e}", f"{r.relative_error:.2e}", worst,
                 _num(r.backprop), _num(r.numerical), "ok" if r.passed else "FAIL"]
            )
        notes = self.failures()
        notes += [f"warning: {w}" for w in self.warnings]
        if not self.passed:
            notes += list(self.notes)
        return html_table(self._headline(), header, cells, [not r.passed for r in self.rows], notes, self.passed)

    def __str__(self) -> str:
        parts = [self._headline(), self.table()]
        parts.extend(f"gradient of {r.name!r}: {r.problem}" for r in self.rows if r.problem)
        if self.local_mismatches:
            parts.append("local derivatives that disagree with their op (the likely culprit):")
            parts.extend(f"  {m}" for m in self.local_mismatches)
        if self.failed_checks:
            parts.append("failed checks:")
            parts.extend(f"  {c}" for c in self.failed_checks)
        if self.warnings:
            parts.append("warnings:")
            parts.extend(f"  {w}" for w in self.warnings)
        if self.notes and not self.passed:
            parts.extend(self.notes)
        return "\n".join(parts)

    __repr__ = __str__


class GradcheckWarning(UserWarning):
    """A gradient check that may not mean what it seems (float32, a kink, an unused array)."""


class GradcheckError(AssertionError):
    """Backprop and the numerical gradient disagree; ``report`` says where.

    An ``AssertionError``, so a failing check reads as a test failure under pytest.
    """

    def __init__(self, report: GradcheckReport) -> None:
        self.report = report
        problems = report.failures()
        first = "; ".join(problems[:3]) if problems else "gradient check failed"
        outcome = f"inconclusive {report.inconclusive_reason}" if report.inconclusive else "failed"
        super().__init__(f"{report.title} {outcome}: {first}\n{report}")


def compare(name: str, backprop: Any, numerical: Any, *, atol: float, rtol: float) -> GradientRow:
    """One row: backprop against numerical gradient for one input (arrays or numbers).

    An element passes when ``|a - n| <= atol + rtol * |n|`` (NaNs never pass).  A backprop
    gradient whose shape differs from the numerical one gives a failing row of NaNs.
    """
    a = np.asarray(backprop, dtype=np.float64)
    n = np.asarray(numerical, dtype=np.float64)
    if a.shape != n.shape:
        # A gradient of the wrong shape (a missing broadcast reduction) cannot be compared
        # element by element: the row fails, and the extra checks say which shapes differ.
        nan = float("nan")
        problem = f"backprop gave a gradient of shape {a.shape} for an input of shape {n.shape}"
        return GradientRow(name, n.shape, nan, nan, nan, (), nan, nan, False, int(n.size), problem, a, n)
    diff = np.abs(a - n)
    allowed = atol + rtol * np.abs(n)
    bad = ~(diff <= allowed)
    if a.size == 0:
        return GradientRow(name, a.shape, 0.0, 0.0, 0.0, (), 0.0, 0.0, True, 0, "", a, n)
    # The worst element: the largest error in units of its allowance (NaN counts as infinite).
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = np.where(allowed > 0, diff / np.where(allowed > 0, allowed, 1), np.where(diff > 0, np.inf, 0.0))
    excess = np.where(np.isnan(diff), np.inf, excess)
    flat = int(np.argmax(excess))
    index = tuple(int(i) for i in np.unravel_index(flat, a.shape)) if a.shape else ()
    denominator = float(np.linalg.norm(a.ravel()) + np.linalg.norm(n.ravel()))
    numerator = float(np.linalg.norm((a - n).ravel()))
    relative = 0.0 if numerator == 0.0 else (numerator / denominator if denominator else float("inf"))
    return GradientRow(
        name=name,
        shape=a.shape,
        max_abs_error=float(np.max(diff)),
        mean_abs_error=float(np.mean(diff)),
        relative_error=relative,
        worst_index=index,
        backprop=float(a[index]),
        numerical=float(n[index]),
        passed=not bool(bad.any()),
        bad_elements=int(bad.sum()),
        backprop_gradient=a,
        numerical_gradient=n,
    )


def html_table(
    headline: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    failing: Sequence[bool],
    notes: Sequence[str],
    passed: bool,
    *,
    code: str = "",
) -> str:
    """A report as HTML: a headline, a table whose failing rows are marked, and notes below
    (then ``code``, e.g. a minimal example, as a preformatted block).
    Every text is escaped, so names such as ``W<1>`` are shown, not interpreted.

    >>> print(html_table("ok", ["a"], [["1 < 2"]], [False], [], True))  # doctest: +ELLIPSIS
    <div class="chainrule-report"><p style="font-weight:bold;color:#1a7f37">ok</p><table>...>1 &lt; 2</td>...
    """
    esc = html.escape
    colour = "#1a7f37" if passed else "#cf222e"
    cell = 'style="padding:2px 10px;text-align:left"'
    parts = [f'<div class="chainrule-report"><p style="font-weight:bold;color:{colour}">{esc(headline)}</p><table>']
    parts.append("<thead><tr>" + "".join(f"<th {cell}>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>")
    for cells, bad in zip(rows, failing):
        style = ' style="background:#ffebe9"' if bad else ""
        parts.append(f"<tr{style}>" + "".join(f"<td {cell}>{esc(str(c))}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    if notes:
        parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    if code:
        parts.append(f"<pre>{esc(code)}</pre>")
    parts.append("</div>")
    return "".join(parts)


def _num(x: float) -> str:
    """A number short enough for a table and long enough to see a 1% difference."""
    return f"{x:.6g}"
