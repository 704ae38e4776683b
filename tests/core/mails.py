"""Small builders for hand-written core fixtures: a plain personal mail, and its reader.

`mail()` is an ordinary mail from an outside partner to Minh, received on a Thursday
morning in Hanoi; each test overrides only what its rule looks at.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from bot.core.mail import Address, Folder, Mail, Viewer

HANOI = timezone(timedelta(hours=7))
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=HANOI)  # a Thursday
ME = Address("minh@acme.vn", "Nguyễn Văn Minh")
COLLEAGUE = Address("lan@acme.vn", "Trần Thị Lan")
PARTNER = Address("hoa@partner.com.vn", "Phạm Hoa")
STRANGER = Address("someone@unknown-co.com", "Someone")


def mail(**overrides: Any) -> Mail:
    """A personal mail from PARTNER to ME; `headers` keys may be given in any case."""
    headers = {name.lower(): value for name, value in overrides.pop("headers", {}).items()}
    fields: dict[str, Any] = {
        "folder": Folder.INBOX,
        "provider_id": "1",
        "message_id": "m1@partner.com.vn",
        "subject": "Báo giá tháng 12",
        "sender": PARTNER,
        "received_at": NOW - timedelta(minutes=10),
        "to": (ME,),
        "text": "Chào anh Minh,\n\nEm gửi anh báo giá tháng 12.\n\nTrân trọng,\nHoa",
        "headers": headers,
    }
    return Mail(**{**fields, **overrides})


def viewer(**overrides: Any) -> Viewer:
    """ME at acme.vn, who has written twice to PARTNER and often to COLLEAGUE."""
    fields: dict[str, Any] = {
        "email": ME.email,
        "name": ME.name,
        "internal_domains": frozenset({"acme.vn"}),
        "correspondents": {PARTNER.email: 2, COLLEAGUE.email: 12},
        "known_domains": frozenset({"partner.com.vn"}),
    }
    return Viewer(**{**fields, **overrides})
