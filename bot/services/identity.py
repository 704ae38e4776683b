"""Chat identities: which user a platform's person is, as the platform proves it.

Adapters call these after verifying the request (a Slack signature, a Teams
token); the email they pass comes from the platform's own directory (Slack's
users.lookupByEmail / users.info, the Teams connector's member record), never
from what a person typed.
"""

from __future__ import annotations

from datetime import datetime

from bot.store import users
from bot.store.db import Store


def who(store_: Store, platform: str, external_id: str) -> str | None:
    """The email of the user known by `external_id` on `platform`, if linked."""
    with store_.unit() as session:
        user = users.user_by_chat(session, platform, external_id)
        return user.email if user else None


def link(
    store_: Store, platform: str, external_id: str, key: str, email: str, now: datetime
) -> str | None:
    """Link a platform identity to the registered user with `email`; None if there is none."""
    with store_.unit() as session:
        if not users.user_exists(session, email):
            return None
        user = users.user_by_email(session, email)
        users.link_chat(session, user, platform, external_id, key, now)
        return user.email


def unlink(store_: Store, platform: str, external_id: str) -> str | None:
    """The person removed the app from `platform`: no reminder goes there until they add it
    again (which links them anew). The email of the user they were, if linked."""
    with store_.unit() as session:
        user = users.unlink_chat(session, platform, external_id)
        return user.email if user else None


def used(store_: Store, email: str, platform: str) -> None:
    """The user just wrote from `platform`: their reminders go there from now on."""
    with store_.unit() as session:
        users.user_by_email(session, email).last_platform = platform


def locale_of(store_: Store, email: str) -> str:
    with store_.unit() as session:
        return users.user_by_email(session, email).locale
