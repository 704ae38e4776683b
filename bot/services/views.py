"""Threads as the CLI's JSON contract shows them (DESIGN.md, "JSON shapes")."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core.risks import describe as describe_risk
from bot.core.triage import describe as describe_reason
from bot.store import threads as store
from bot.store.models import Thread


def thread_json(session: Session, thread: Thread, locale: str, zone: str = "UTC") -> dict[str, Any]:
    """A thread in the contract's shape; times in the user's zone, with their offset."""
    tz = ZoneInfo(zone)

    def iso(moment: datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat() if moment else None

    view = store.view(thread)
    return {
        "id": thread.id,
        "ref": thread.ref,
        "subject": thread.subject,
        "from": thread.sender_email,
        "from_name": thread.sender_name,
        "received_at": iso(thread.received_at),
        "importance": thread.importance,
        "reasons": [describe_reason(r, locale) for r in view.reasons],
        "state": thread.state,
        "due_at": iso(view.deadline()),  # once a holding reply went out, the promised date
        "snoozed_until": iso(thread.snoozed_until),
        "promised_by": iso(thread.promised_by),
        "risks": [{"kind": r.kind.value, "detail": describe_risk(r, locale)} for r in view.risks],
        "suggested_forward": [
            {"to": s.to.email, "name": s.to.name, "reason": s.reason(locale)}
            for s in view.suggestions
        ],
        "forwarded_to": thread.forwarded_to,
        "answered_by": thread.answered_by,
        "language": thread.language,
        "history": [
            {
                "at": iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "detail": e.detail,
                "platform": e.platform,
            }
            for e in store.history(session, thread.id)
        ],
    }
