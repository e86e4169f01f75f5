"""What :func:`check_layers` found: one row per layer output (``dx``, ``dW``, ``db``, ...), the
first wrong layer named, readable as text (``print(report)``) and as a notebook table.

Example:
    >>> import numpy as np
    >>> from autograd_core.check.report import compare
    >>> row = LayerRow(1, "Affine1", "Affine", "dW", compare("dW", np.ones(2), np.ones(2), atol=1e-7, rtol=1e-5))
    >>> report = LayerReport([row], eps=1e-6, atol=1e-7, rtol=1e-5)
    >>> report.passed, report.first_failure is None
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd_core.check.report import GradientRow, html_table

__all__ = ["LayerReport", "LayerRow"]


@dataclass(frozen=True)
class LayerRow:
    """One output of one layer's ``backward`` against central differences of its ``forward``.

    ``position`` counts layers from 1 in forward order; ``key`` is the layer's name in the
    network's ``layers`` (or ``"lastLayer"``, or ``"[i]"`` for a plain list); ``output`` is
    ``"dx"`` (the input's gradient, ``"dy"`` for a second input) or ``"d" + attribute`` for a
    parameter (``"dW"``, ``"db"``, ``"dgamma"``); ``checked`` of ``size`` elements were compared
    (a sample of a large array), ``kinks`` of them skipped where the forward pass has a kink.
    ``explanation`` says why a disagreement is not a bug (the loss's ``1e-7``).
    """

    position: int
    key: str
    layer_class: str
    output: str
    comparison: GradientRow
    checked: int = 0
    size: int = 0
    kinks: int = 0
    explanation: str = ""

    @property
    def passed(self) -> bool:
        """True when backward agrees with central differences (or the difference is explained)."""
        return self.comparison.passed or bool(self.explanation)

    @property
    def relative_error(self) -> float:
        """``||backprop - numerical|| / (||backprop|| + ||numerical||)`` over the checked elements."""
        return self.comparison.relative_error

    @property
    def where(self) -> str:
        """``layer 3 of the forward order, 'Affine2' (Affine)``."""
        return f"layer {self.position} {self.key!r} ({self.layer_class})"

    def sentence(self) -> str:
        """What is wrong, in one line."""
        c = self.comparison
        if c.problem:
            return f"{self.where}: {self.output} is wrong: {c.problem}"
        at = f" at {list(c.worst_index)}" if c.worst_index else ""
        return (
            f"{self.where}: {self.output} is wrong, relative error {c.relative_error:.2g} "
            f"(backprop {c.backprop:.6g}, numerical {c.numerical:.6g}{at}; {c.bad_elements} of {self.checked} "
            "checked element(s) beyond tolerance)"
        )


@dataclass
class LayerReport:
    """All rows of a :func:`check_layers` run; ``passed`` when every row passed.

    ``first_failure`` is the first wrong row in forward order (each layer is checked alone, so a
    wrong layer does not make the layers before or after it look wrong).
    """

    rows: list[LayerRow]
    eps: float
    atol: float
    rtol: float
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rows)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def first_failure(self) -> LayerRow | None:
        return next((r for r in self.rows if not r.passed), None)

    @property
    def wrong_layers(self) -> list[str]:
        """The keys of every layer with a wrong output, in forward order."""
        keys: list[str] = []
        for r in self.rows:
            if not r.passed and r.key not in keys:
                keys.append(r.key)
        return keys

    def row(self, key: str, output: str) -> LayerRow:
        """The row of one layer's output, e.g. ``report.row("Affine1", "dW")``."""
        for r in self.rows:
            if r.key == key and r.output == output:
                return r
        layers = ", ".join(dict.fromkeys(r.key for r in self.rows))
        raise KeyError(f"check_layers: no row for {key!r} {output!r}; layers: {layers}")

    def failures(self) -> list[str]:
        """One sentence per wrong output, first wrong layer first."""
        return [r.sentence() for r in self.rows if not r.passed]

    def headline(self) -> str:
        first = self.first_failure
        if first is None:
            layers = len(dict.fromkeys((r.position, r.key) for r in self.rows))
            return f"check_layers passed: every backward of {layers} layer(s) agrees with its forward"
        error = f" (relative error {first.relative_error:.2g})" if first.relative_error == first.relative_error else ""
        return f"check_layers FAILED: the first wrong layer is {first.where}: {first.output} is wrong{error}"

    def _cells(self) -> list[list[str]]:
        cells = []
        for r in self.rows:
            c = r.comparison
            status = "ok" if c.passed else ("explained" if r.explanation else "FAIL")
            checked = f"{r.checked}" if r.checked == r.size else f"{r.checked} of {r.size}"
            cells.append(
                [str(r.position), r.key, r.layer_class, r.output, checked, f"{c.relative_error:.2e}",
                 f"{c.max_abs_error:.2e}", status]
            )
        return cells

    _HEADER = ("#", "layer", "class", "output", "checked", "rel err", "max abs err", "")

    def table(self) -> str:
        """The rows as an aligned text table."""
        lines = [list(self._HEADER), *self._cells()]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self._HEADER))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)

    def _notes(self) -> list[str]:
        notes = self.failures()
        notes += [f"{r.where}: {r.output}: {r.explanation}" for r in self.rows if r.explanation]
        kinks = sum(r.kinks for r in self.rows)
        if kinks:
            notes.append(
                f"{kinks} element(s) skipped where the forward pass has a kink (ReLU at 0, tied maxima in pooling): "
                "central differences average both sides there"
            )
        return notes + list(self.notes)

    def __str__(self) -> str:
        tolerance = (
            f"(float64, eps={self.eps:g}, pass when |backprop - numerical| <= "
            f"{self.atol:g} + {self.rtol:g} * |numerical|)"
        )
        parts = [f"{self.headline()} {tolerance}", self.table()]
        parts.extend(self._notes())
        return "\n".join(parts)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The report as a small HTML table, for notebooks (every text escaped)."""
        return html_table(
            self.headline(), self._HEADER, self._cells(), [not r.passed for r in self.rows], self._notes(), self.passed
        )
