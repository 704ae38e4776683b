"""The evaluation as the terminal shows it (a table) or as JSON (every miss named)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Final

from bot.evaluation.metrics import MISSES_SHOWN, Row
from bot.evaluation.run import Evaluation

_WIDTHS: Final = (28, 40, 6, 9, 10)
_MARK: Final = {True: "✓", False: "✗", None: " "}


def figure(value: float, unit: str) -> str:
    return f"{value:,.0f}/s" if unit == "msg/s" else f"{value:.1%}"


def target(r: Row) -> str:
    if r.target is None:
        return "—"
    sign = "≤" if r.at_most else "≥"
    return f"{sign} {figure(r.target, r.unit)}"


def line(r: Row) -> str:
    cells = (r.name, r.measure, str(r.count), figure(r.value, r.unit), target(r))
    text = "  " + "".join(
        f"{c:<{w}}" if i < 2 else f"{c:>{w}}"
        for i, (c, w) in enumerate(zip(cells, _WIDTHS, strict=True))
    )
    return f"{text}  {_MARK[r.met]}"


def render(evaluation: Evaluation) -> str:
    scope = f"sample of {evaluation.sample} per set" if evaluation.sample else "full run"
    out = [f"Replyminder on real mail: {evaluation.root} ({scope}, {evaluation.seconds:.0f} s)", ""]
    head = ("set", "measure", "n", "figure", "target")
    out.append(
        "  "
        + "".join(
            f"{h:<{w}}" if i < 2 else f"{h:>{w}}"
            for i, (h, w) in enumerate(zip(head, _WIDTHS, strict=True))
        )
    )
    group = ""
    for r in evaluation.rows:
        if r.group != group:
            group = r.group
            out.append(group)
        out.append(line(r))
        if r.note:
            out.append(f"      {r.note}")
        if r.met is False:
            out.extend(f"      missed: {name}" for name in r.misses[:MISSES_SHOWN])
    missed = [r for r in evaluation.rows if r.met is False]
    out.append("")
    out.append(
        "Every target is met."
        if not missed
        else f"{len(missed)} target(s) missed: "
        + ", ".join(f"{r.name} ({r.measure})" for r in missed)
    )
    return "\n".join(out)


def as_json(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "root": evaluation.root,
        "sample": evaluation.sample,
        "seconds": round(evaluation.seconds, 1),
        "met": evaluation.met,
        "rows": [{**asdict(r), "met": r.met, "misses": list(r.misses)} for r in evaluation.rows],
    }
