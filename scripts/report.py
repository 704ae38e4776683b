"""The benchmark's figures and targets as the table `./dev bench` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scripts.bench_chat import COMMANDS, Chat
from scripts.bench_ingest import Ingest
from scripts.bench_remind import INDEX, Pass
from scripts.benchkit import POSTGRES, SQLITE
from scripts.remind_world import DUE

MIN_RATE, MAX_RATIO = 1_000, 3.0  # issue 2: messages per second on SQLite; times the floor
MAX_PASS_MS, MAX_GROWTH = 50.0, 1.5  # issue 2: one pass at the largest size; largest / smallest
MAX_P95_MS = 50.0  # issue 3
_W = 20  # width of a figure column


@dataclass
class Figures:
    messages: int
    threads: tuple[int, ...]
    chat_runs: int
    machine: Any
    quick: bool
    mailbox: str = ""
    ingests: list[Ingest] = field(default_factory=list)
    passes: list[Pass] = field(default_factory=list)
    chat: Chat | None = None
    minutes: float = 0.0
    verdicts: list[bool] = field(default_factory=list)


def render(f: Figures) -> str:
    run = "quick run (--quick)" if f.quick else "full run"
    lines = [
        f"Replyminder core benchmarks (issues 2 and 3) — {run}, {f.minutes:.1f} minutes",
        f"Machine: {f.machine}",
    ]
    if f.ingests:
        lines += ["", *_ingest(f)]
    if f.passes:
        lines += ["", *_remind(f)]
    if f.chat:
        lines += ["", *_chat(f, f.chat)]
    met = sum(f.verdicts)
    lines += ["", f"Targets met: {met} of {len(f.verdicts)}."]
    return "\n".join(lines)


def _row(label: str, *cells: str) -> str:
    return f"   {label:<44}" + "".join(f"{cell:>{_W}}" for cell in cells)


def _verdict(f: Figures, ok: bool | None) -> str:
    if ok is None:
        return "—"
    f.verdicts.append(ok)
    return "met" if ok else "NOT MET"


def _engines(items: list[Any]) -> list[str]:
    return [e for e in (SQLITE, POSTGRES) if any(i.engine == e for i in items)]


def _ingest(f: Figures) -> list[str]:
    by = {i.engine: i for i in f.ingests}
    engines = _engines(f.ingests)
    return [
        "1. Ingest: one first sync through sync_all (Maildir: parse, triage, risks, threads, "
        f"storage); the best of {f.ingests[0].rounds} alternating runs of each",
        f"   the mailbox: {f.mailbox}",
        _row("", *engines),
        _row("Replyminder", *(f"{by[e].rate:,.0f} msg/s" for e in engines)),
        _row("  wall / CPU of this process", *(_seconds(by[e]) for e in engines)),
        _row(
            "floor: stdlib parse + 1 INSERT", *(f"{by[e].floor_rate:,.0f} msg/s" for e in engines)
        ),
        _row("  the floor's wall / CPU", *(_floor_seconds(by[e]) for e in engines)),
        _row("floor / Replyminder", *(f"{by[e].ratio:.2f}×" for e in engines)),
        _row(
            "  the same by CPU time of this process", *(f"{by[e].cpu_ratio:.2f}×" for e in engines)
        ),
        _row(
            f"target ≥ {MIN_RATE:,} msg/s (SQLite)",
            *(_verdict(f, by[e].rate >= MIN_RATE if e == SQLITE else None) for e in engines),
        ),
        _row(
            f"target within {MAX_RATIO:g}× of the floor",
            *(_verdict(f, by[e].ratio <= MAX_RATIO) for e in engines),
        ),
    ]


def _seconds(i: Ingest) -> str:
    return f"{i.seconds:.1f} s / {i.cpu_seconds:.1f} s"


def _floor_seconds(i: Ingest) -> str:
    return f"{i.floor_seconds:.1f} s / {i.floor_cpu_seconds:.1f} s"


def _remind(f: Figures) -> list[str]:
    engines = _engines(f.passes)
    at = {(p.engine, p.open_threads): p for p in f.passes}
    small, large = min(f.threads), max(f.threads)
    lines = [
        f"2. One reminder pass (remind, console channel), {DUE} threads due; "
        f"the median of {len(f.passes[0].timings)} warm passes",
        _row("", *engines),
        *(_row(f"{n:,} open threads", *(_ms(at[e, n]) for e in engines)) for n in f.threads),
        _row(
            f"{large:,} / {small:,}",
            *(f"{at[e, large].ms / at[e, small].ms:.2f}×" for e in engines),
        ),
        _row("DMs sent per pass", *(str(at[e, large].sent) for e in engines)),
        _row("whole-table scans", *(", ".join(at[e, large].scans) or "none" for e in engines)),
    ]
    quick = " (quick: not 100,000)" if f.quick else ""
    lines += [
        _row(
            f"target ≤ {MAX_PASS_MS:g} ms at {large:,}{quick}",
            *(_verdict(f, at[e, large].ms <= MAX_PASS_MS) for e in engines),
        ),
        _row(
            f"target ≤ {MAX_GROWTH}× the {small:,} pass",
            *(_verdict(f, at[e, large].ms <= MAX_GROWTH * at[e, small].ms) for e in engines),
        ),
        _row(f"due query uses {INDEX}", *(_verdict(f, at[e, large].indexed) for e in engines)),
    ]
    for e in engines:
        lines.append(f"   {e} plan of the due query: {at[e, large].due_plan}")
    return lines


def _ms(one: Pass) -> str:
    """The median pass, wall clock and (this process's) CPU time."""
    return f"{one.ms:.1f} ms ({one.cpu_ms:.0f} CPU)"


def _chat(f: Figures, chat: Chat) -> list[str]:
    users = ", ".join(f"{email} {n} open" for email, n in chat.open_threads.items())
    lines = [
        "3. A chat command end to end (act: parse, act, store, reply) on SQLite, after warm-up",
        f"   {chat.runs} rounds for each of 2 users ({users})",
        _row("command", "p50", "p95"),
    ]
    for command in COMMANDS:
        verb = command.split()[0]
        shown = command.replace("{ref}", "N")
        lines.append(_row(shown, f"{chat.p(verb, 0.5):.1f} ms", f"{chat.p(verb, 0.95):.1f} ms"))
    lines += [
        _row("all commands", f"{chat.p(None, 0.5):.1f} ms", f"{chat.p(None, 0.95):.1f} ms"),
        _row(f"target p95 ≤ {MAX_P95_MS:g} ms", "", _verdict(f, chat.p(None, 0.95) <= MAX_P95_MS)),
        "   answers: " + ", ".join(f"{a} {n}" for a, n in sorted(chat.actions.items())),
    ]
    return lines
