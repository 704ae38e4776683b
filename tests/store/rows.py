"""Rows the storage tests write directly: a thread with every column it needs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def thread_values(user_id: int, ref: int, **changes: Any) -> dict[str, Any]:
    """A pending thread's columns, as ingest would fill them; `changes` replace some."""
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    return {
        **{"user_id": user_id, "ref": ref, "subject": "Báo giá", "subject_key": "báo giá"},
        **{"sender_email": "minh@vinaplast.vn", "sender_name": "Minh", "language": "vi"},
        **{"excerpt": "Chào chị", "message_id": "m1@x", "provider_id": "p1"},
        **{"references": ["m0@x", "m1@x"], "importance": "high", "state": "pending"},
        **{"reasons": [{"code": "direct", "params": {}}], "risks": [], "suggestions": []},
        **{"needs_warning": False, "received_at": at, "first_seen_at": at, "due_at": at},
        **{"backfilled": False, "steps_done": [], "updated_at": at},
        **changes,
    }
