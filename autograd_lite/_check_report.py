"""The report of :func:`autograd_lite.check.gradcheck`: rows, hygiene checks, text and HTML tables."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

_COLUMNS = ("derivative", "at", "analytic", "numeric", "± est", "abs err", "rel err", "status")
_RIGHT = {"analytic", "numeric", "± est", "abs err", "rel err"}


@dataclass(frozen=True)
class Row:
    """One derivative compared: its name (``df/dx0``), where, analytic and numeric values, verdict.

    ``status`` is ``"ok"``, ``"FAIL"`` or ``"near kink"`` (near a non-differentiable
    point: ``numeric`` and ``error`` are None and ``note`` says why).
    ``vacuous``: abs(numeric) < atol, so a wrong derivative could pass too.
    ``uncertain``: the numeric estimate's error bar exceeds the tolerance.
    """

    name: str
    at: str
    analytic: float
    numeric: float | None
    error: float | None
    status: str
    order: int = 1
    vacuous: bool = False
    uncertain: bool = False
    note: str = ""

    @property
    def abs_err(self) -> float | None:
        """abs(analytic - numeric)."""
        return None if self.numeric is None else abs(self.analytic - self.numeric)

    @property
    def rel_err(self) -> float | None:
        """abs(analytic - numeric) / abs(numeric) (inf when numeric is 0 and they differ)."""
        if self.numeric is None:
            return None
        err = abs(self.analytic - self.numeric)
        if self.numeric == 0.0:
            return 0.0 if err == 0.0 else math.inf
        return err / abs(self.numeric)

    @property
    def verdict(self) -> str:
        """The status with its marks, as the table shows it."""
        marks = [m for m, on in (("vacuous", self.vacuous), ("uncertain", self.uncertain)) if on]
        return f"{self.status} ({', '.join(marks)})" if marks else self.status

    def cells(self) -> tuple[str, ...]:
        def num(x: float | None, spec: str) -> str:
            return "-" if x is None else format(x, spec)

        return (
            self.name,
            self.at,
            num(self.analytic, ".9g"),
            num(self.numeric, ".9g"),
            num(self.error, ".1e"),
            num(self.abs_err, ".2e"),
            num(self.rel_err, ".2e"),
            self.verdict,
        )


@dataclass(frozen=True)
class HygieneCheck:
    """One property of the backward pass itself, checked on the function: name, passed, detail."""

    name: str
    passed: bool
    detail: str = ""


@dataclass
class GradcheckReport:
    """What :func:`~autograd_lite.check.gradcheck` found: one :class:`Row` per derivative.

    ``str(report)`` is an aligned text table; in Jupyter it shows as an HTML table.
    """

    function: str
    point: tuple[float, ...]
    labels: tuple[str, ...]
    rows: list[Row]
    hygiene: list[HygieneCheck] = field(default_factory=list)
    atol: float = 1e-5
    rtol: float = 1e-4
    order: int = 1

    @property
    def failures(self) -> list[Row]:
        """Derivatives that disagree with finite differences."""
        return [r for r in self.rows if r.status == "FAIL"]

    @property
    def hygiene_failures(self) -> list[HygieneCheck]:
        """Properties of the backward pass that did not hold."""
        return [h for h in self.hygiene if not h.passed]

    @property
    def near_kinks(self) -> list[Row]:
        """Derivatives not checked because the point is near a non-differentiable point."""
        return [r for r in self.rows if r.status == "near kink"]

    @property
    def vacuous(self) -> list[Row]:
        """Derivatives so small (abs(numeric) < atol) that a wrong one would pass too."""
        return [r for r in self.rows if r.vacuous]

    @property
    def failed(self) -> bool:
        """Whether any derivative or hygiene check failed."""
        return bool(self.failures or self.hygiene_failures)

    @property
    def passed(self) -> bool:
        """Whether every derivative was checked and passed, and every hygiene check held."""
        return not self.failed and not self.near_kinks

    # ------------------------------------------------------------ text
    def summary(self) -> str:
        where = ", ".join(f"{lab}={x:.6g}" for lab, x in zip(self.labels, self.point))
        counts = [f"{sum(r.status == 'ok' for r in self.rows)} ok"]
        if self.failures:
            counts.append(f"{len(self.failures)} FAILED")
        if self.near_kinks:
            counts.append(f"{len(self.near_kinks)} near a non-differentiable point")
        if self.hygiene_failures:
            counts.append(f"{len(self.hygiene_failures)} hygiene check(s) FAILED")
        return (
            f"gradcheck of {self.function} at {where} (order {self.order}, "
            f"atol={self.atol:g}, rtol={self.rtol:g}): {', '.join(counts)}"
        )

    def table(self, rows: list[Row] | None = None) -> str:
        """The rows (all by default) as an aligned text table."""
        body = [r.cells() for r in (self.rows if rows is None else rows)]
        widths = [max(len(line[k]) for line in [_COLUMNS, *body]) for k in range(len(_COLUMNS))]

        def line(cells) -> str:
            parts = [
                c.rjust(w) if col in _RIGHT else c.ljust(w) for col, c, w in zip(_COLUMNS, cells, widths)
            ]
            return "  ".join(parts).rstrip()

        return "\n".join(["  " + line(_COLUMNS)] + ["  " + line(cells) for cells in body])

    def _notes(self, rows: list[Row]) -> list[str]:
        notes = [f"{r.name}: {r.note}" for r in rows if r.note]
        if any(r.vacuous for r in rows):
            notes.append(
                f"vacuous: |numeric| < atol = {self.atol:g}, so a wrong derivative would pass there too"
            )
        if any(r.uncertain for r in rows):
            notes.append("uncertain: the finite-difference error bar (± est) exceeds the tolerance")
        return notes

    def _hygiene_lines(self, only_failed: bool) -> list[str]:
        lines = []
        for h in self.hygiene:
            if h.passed and only_failed:
                continue
            mark = "ok  " if h.passed else "FAIL"
            lines.append(f"  {mark} {h.name}" + (f": {h.detail}" if h.detail else ""))
        return lines

    def __str__(self) -> str:
        parts = [self.summary(), self.table()]
        if self.hygiene:
            parts.append("backward-pass hygiene:\n" + "\n".join(self._hygiene_lines(False)))
        notes = self._notes(self.rows)
        if notes:
            parts.append("\n".join(notes))
        return "\n".join(parts)

    def failure_text(self) -> str:
        """The summary, the failing rows as a table, and failed hygiene checks."""
        parts = [self.summary()]
        if self.failures:
            parts.append(self.table(self.failures))
        if self.hygiene_failures:
            parts.append("backward-pass hygiene:\n" + "\n".join(self._hygiene_lines(True)))
        parts += self._notes(self.failures)
        return "\n".join(parts)

    def weak_text(self) -> str:
        """Why some passes prove little (the text of the GradcheckWarning)."""
        weak = [r for r in self.rows if r.vacuous or r.uncertain]
        return "\n".join(
            [
                f"gradcheck of {self.function}: {len(weak)} derivative(s) checked weakly",
                self.table(weak),
                *self._notes(weak),
            ]
        )

    def __repr__(self) -> str:
        return f"<GradcheckReport: {self.summary()}>"

    # ------------------------------------------------------------ html
    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in _COLUMNS)
        body = []
        for r in self.rows:
            style = {
                "FAIL": ' style="color:#b00020;font-weight:bold"',
                "near kink": ' style="color:#8a6d00"',
            }.get(r.status, "")
            cells = "".join(
                f'<td style="text-align:{"right" if col in _RIGHT else "left"}">{esc(c)}</td>'
                for col, c in zip(_COLUMNS, r.cells())
            )
            body.append(f"<tr{style}>{cells}</tr>")
        out = [
            f"<div><p>{esc(self.summary())}</p>",
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
        ]
        if self.hygiene:
            items = "".join(
                f"<li>{'ok' if h.passed else '<b>FAIL</b>'} {esc(h.name)}"
                f"{': ' + esc(h.detail) if h.detail else ''}</li>"
                for h in self.hygiene
            )
            out.append(f"<p>backward-pass hygiene:</p><ul>{items}</ul>")
        notes = self._notes(self.rows)
        if notes:
            out.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
        out.append("</div>")
        return "".join(out)
