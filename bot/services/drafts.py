"""Drafts a chat form shows before mail goes out, and the send of an edited draft.

A chat app with forms (Slack's modals) lets the user read, and edit, the holding
reply before it leaves, and pick whom to forward to from the suggestions. The
draft is exactly what `hold` would send: it is prepared by `send` from the same
template; an edited text replaces only the body, and goes out under the same
outbox key, so a double submit still sends once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.core.commands import Command, Verb
from bot.services import send
from bot.services.turn import Acting, Answer, Turn, resolve
from bot.store import threads as store
from bot.store import users
from bot.store.db import Store
from bot.store.models import Thread

MAX_BODY = 5_000  # characters: a holding reply is a few lines, not a full answer


@dataclass(frozen=True, slots=True)
class Draft:
    """The text a holding reply would have, or (`ok` false) why there will be none."""

    text: str
    ok: bool
    to: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    """Someone the thread could be forwarded to, with the reason shown beside them."""

    email: str
    label: str


def hold_draft(
    store_: Store, setup: Acting, email: str, thread_id: int, day: date, now: datetime
) -> Draft:
    """The holding reply `hold` would send today for `thread_id`, promising `day`."""
    prepared = _prepare(store_, setup, email, thread_id, day, "", now)
    if isinstance(prepared, Answer):
        return Draft(prepared.reply, ok=False)
    return Draft(prepared.message.body, ok=True, to=prepared.message.to[0].display)


def hold(
    store_: Store,
    setup: Acting,
    email: str,
    thread_id: int,
    day: date,
    body: str,
    platform: str,
    now: datetime,
) -> Answer:
    """Send the holding reply with the user's own `body` (the draft, edited)."""
    prepared = _prepare(store_, setup, email, thread_id, day, platform, now)
    if isinstance(prepared, Answer):
        return prepared
    text = body.strip()[:MAX_BODY] or prepared.message.body
    edited = replace(prepared, message=replace(prepared.message, body=text))
    return send.deliver(store_, setup, edited, now)


def _prepare(
    store_: Store,
    setup: Acting,
    email: str,
    thread_id: int,
    day: date,
    platform: str,
    now: datetime,
) -> Answer | send.Send:
    """What `hold DAY` on this thread's button would prepare (nothing is written)."""
    with store_.unit() as session:
        user = users.user_by_email(session, email)
        command = Command(Verb.HOLD, None, day.isoformat())
        turn = Turn(session, user, setup, command, now, platform, thread_id)
        return send.prepare_hold(turn)


def forward_choices(
    store_: Store, setup: Acting, email: str, thread_id: int, now: datetime
) -> tuple[Choice, ...]:
    """The thread's forward suggestions (none when the thread is not the user's)."""
    with store_.unit() as session:
        user = users.user_by_email(session, email)
        turn = Turn(session, user, setup, Command(Verb.FORWARD), now, "", thread_id)
        thread = resolve(turn)
        if not isinstance(thread, Thread):
            return ()
        return tuple(
            Choice(s.to.email, f"{s.to.display} — {s.reason(user.locale)}")
            for s in store.view(thread).suggestions
        )
