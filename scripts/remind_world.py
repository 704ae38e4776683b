"""The company behind the reminder-pass benchmark (`bench_remind.py`), in bulk rows.

50 users and their threads, written with bulk inserts through the models: open ones
(pending, snoozed, holding) whose next checks are spread over the coming days, half as
many closed ones, and, for a third of the reminded ones, the DM they got, sent, in the
outbox. 100 threads are due now, one of three ways: new urgent mail, a deadline that
passed, a snooze that ended. `reset_due` puts them back as they were after each pass.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update

from bot import app as composition
from bot.store.models import OutboxRow, Thread, User
from scripts import mailtext as words
from scripts.benchkit import NOW, TZ

USERS = 50
DUE = 100
_OPEN = (("pending", 0.8), ("snoozed", 0.12), ("holding", 0.08))
_CLOSED = ("answered", "done", "forwarded", "ignored")
_IMPORTANCE = (("urgent", 0.05), ("high", 0.15), ("normal", 0.6), ("low", 0.2))


class World:
    """The rows of the benchmark's company, grown in bulk."""

    def __init__(self, app: composition.App, rng: random.Random) -> None:
        self.app, self.rng = app, rng
        self.open = 0
        self.user_ids = self._users()
        self.next_ref = dict.fromkeys(self.user_ids, 1)
        self.people = [p for group in words.people(rng) for p in group]
        self.due: list[dict[str, Any]] = []
        self.made_due = 0
        self.outbox_top = 0

    def _users(self) -> list[int]:
        tomorrow = (NOW + timedelta(days=1)).replace(hour=8, minute=0)
        rows = [
            {
                "email": f"user{n}@{words.DOMAIN}",
                "name": f"Nhân viên {n}",
                "locale": "vi" if n % 3 else "en",
                "timezone": str(TZ),
                "next_ref": 1,
                "next_digest_at": tomorrow,  # the morning digest went out at 08:00
                "created_at": NOW - timedelta(days=90),
            }
            for n in range(USERS)
        ]
        with self.app.store.unit() as session:
            session.execute(insert(User), rows)
            return list(session.scalars(select(User.id).order_by(User.id)))

    def grow_to(self, open_threads: int) -> None:
        """Add open threads (and half as many closed ones) up to `open_threads` open."""
        if self.due:
            self.reset_due()  # the outbox without the last pass's DMs, before it grows
        while self.open < open_threads:
            batch = min(5_000, open_threads - self.open)
            rows = [self._open_row() for _ in range(batch)]
            rows += [self._closed_row() for _ in range(batch // 2)]
            self._insert(rows)
            self.open += batch
        with self.app.store.unit() as session:
            if not self.due:  # as made, before any pass moved them on
                self.due = [_due_columns(t) for t in session.scalars(_due_query())]
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("ANALYZE"))  # as autovacuum would after a bulk load
        self._baseline_outbox()

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        """Threads, and a sent DM in the outbox for about a third of the reminded ones."""
        with self.app.store.unit() as session:
            first = (session.scalar(select(func.max(Thread.id))) or 0) + 1
            session.execute(insert(Thread), rows)
            reminded = session.execute(
                select(Thread.id, Thread.user_id, Thread.last_reminded_at).where(
                    Thread.id >= first, Thread.last_reminded_at.is_not(None)
                )
            ).all()
            history = [
                _sent_dm(thread_id, user_id, at)
                for thread_id, user_id, at in reminded
                if at is not None and self.rng.random() < 0.35
            ]
            if history:
                session.execute(insert(OutboxRow), history)

    def _baseline_outbox(self) -> None:
        with self.app.store.unit() as session:
            self.outbox_top = session.scalar(select(func.max(OutboxRow.id))) or 0

    def reset_due(self) -> None:
        """The due threads as they were, and no DM of a previous pass in the outbox."""
        with self.app.store.unit() as session:
            session.execute(update(Thread), self.due)
            session.execute(delete(OutboxRow).where(OutboxRow.id > self.outbox_top))

    def _base_row(self, state: str) -> dict[str, Any]:
        rng = self.rng
        user_id = rng.choice(self.user_ids)
        ref, self.next_ref[user_id] = self.next_ref[user_id], self.next_ref[user_id] + 1
        sender = rng.choice(self.people)
        subject = words.fill(rng.choice(words.SUBJECTS[sender.lang]), rng)
        received = NOW - timedelta(minutes=rng.uniform(30, 60 * 24 * 4))
        importance = _pick(rng, _IMPORTANCE)
        return {
            "user_id": user_id,
            "ref": ref,
            "subject": subject,
            "subject_key": subject.lower(),
            "conversation_id": None,
            "sender_email": sender.email,
            "sender_name": sender.name,
            "language": sender.lang,
            "excerpt": words.paragraph(rng, sender.lang, 2)[:240],
            "message_id": f"{rng.getrandbits(64):x}@{sender.email.rpartition('@')[2]}",
            "provider_id": f"inbox/{rng.getrandbits(48):x}",
            "references": [f"{rng.getrandbits(64):x}@x" for _ in range(rng.randint(0, 3))],
            "importance": importance,
            "reasons": [{"code": "to_me", "params": {}}, {"code": "question", "params": {}}],
            "risks": [],
            "suggestions": [],
            "needs_warning": False,
            "state": state,
            "received_at": received,
            "first_seen_at": received + timedelta(minutes=3),
            "backfilled": False,
            "due_at": received + timedelta(days=3),
            "snoozed_until": None,
            "promised_by": None,
            "forwarded_to": None,
            "answered_by": None,
            "answered_at": None,
            "next_remind_at": None,
            "last_reminded_at": None,
            "steps_done": [],
            "updated_at": received,
        }

    def _open_row(self) -> dict[str, Any]:
        row = self._base_row(_pick(self.rng, _OPEN))
        if self.made_due < DUE:
            self.made_due += 1
            return _make_due(row, self.made_due)
        later = NOW + timedelta(minutes=self.rng.uniform(1, 60 * 24 * 5))
        row["next_remind_at"] = later
        if row["importance"] in ("urgent", "high"):
            row["steps_done"], row["last_reminded_at"] = ["first"], row["first_seen_at"]
        if row["state"] == "snoozed":
            row["snoozed_until"] = later
        if row["state"] == "holding":
            row["promised_by"] = later + timedelta(days=1)
        return row

    def _closed_row(self) -> dict[str, Any]:
        state = self.rng.choice(_CLOSED)
        row = self._base_row(state)
        if state == "answered":
            row["answered_by"], row["answered_at"] = "user@x", row["received_at"]
        return row


def _sent_dm(thread_id: int, user_id: int, at: datetime) -> dict[str, Any]:
    return {
        "key": f"remind:{thread_id}:first",
        "kind": "dm",
        "user_id": user_id,
        "thread_id": thread_id,
        "payload": {"kind": "reminder", "step": "first"},
        "status": "sent",
        "attempts": 0,
        "next_attempt_at": at,
        "sent_at": at,
        "delivery_id": "console-0",
        "created_at": at,
    }


def _make_due(row: dict[str, Any], n: int) -> dict[str, Any]:
    """One of the three ways a thread falls due now: new urgent mail, a breach, a snooze's end."""
    row["next_remind_at"] = NOW - timedelta(minutes=1 + n % 50)
    kind = n % 3
    if kind == 0:  # urgent mail that came in since the last pass
        row.update(state="pending", importance="urgent", received_at=NOW - timedelta(minutes=12))
        row["first_seen_at"] = NOW - timedelta(minutes=10)
        row["due_at"] = NOW + timedelta(days=3)
    elif kind == 1:  # the deadline passed an hour ago, the 75% warning went out before
        row.update(state="pending", importance="normal", steps_done=["warning"])
        row["due_at"] = NOW - timedelta(hours=1)
    else:  # a snooze that just ended
        row.update(state="snoozed", importance="high", steps_done=["first"])
        row["snoozed_until"] = row["next_remind_at"]
        row["last_reminded_at"] = row["first_seen_at"]
        row["due_at"] = NOW + timedelta(days=1)
    return row


def _due_query() -> Any:
    return select(Thread).where(Thread.next_remind_at <= NOW)


def _due_columns(thread: Thread) -> dict[str, Any]:
    """What a pass changes on a due thread, to put it back."""
    return {
        "id": thread.id,
        "state": thread.state,
        "snoozed_until": thread.snoozed_until,
        "next_remind_at": thread.next_remind_at,
        "last_reminded_at": thread.last_reminded_at,
        "steps_done": thread.steps_done,
        "updated_at": thread.updated_at,
    }


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]
