"""Only Slack is believed: signatures and timestamps checked, retried events run once."""

from __future__ import annotations

import json
import logging

import pytest

from tests.slack import payloads
from tests.slack.conftest import DAVID, U_DAVID, World


def test_a_bad_signature_is_refused(served: World) -> None:
    """A body signed with another secret: 401, and nothing reaches the bot."""
    body = json.dumps(payloads.dm(U_DAVID, "done #1"))
    headers = {"Content-Type": "application/json", **payloads.sign(body, secret="not-the-secret")}
    assert served.server is not None
    response = served.server.post("/slack/events", body, headers)
    served.settle()
    assert 401 == response.status_code
    assert "pending" == served.thread(DAVID, "Quotation").state


def test_a_refused_request_leaves_no_message_text_in_the_logs(
    served: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt would log a refused body at INFO; what a person wrote must not reach the logs."""
    body = json.dumps(payloads.dm(U_DAVID, "forward #1 about project phoenix-secret"))
    headers = {"Content-Type": "application/json", **payloads.sign(body, secret="not-the-secret")}
    assert served.server is not None
    with caplog.at_level(logging.INFO):
        assert 401 == served.server.post("/slack/events", body, headers).status_code
    assert "phoenix-secret" not in caplog.text


def test_a_request_older_than_five_minutes_is_refused(served: World) -> None:
    """A correctly signed request from six minutes ago (a replay): 401, nothing done."""
    body = json.dumps(payloads.dm(U_DAVID, "done #1"))
    response = served.send(body, "application/json", age=6 * 60)
    served.settle()
    assert 401 == response.status_code
    assert "pending" == served.thread(DAVID, "Quotation").state


def test_a_retried_event_is_handled_once(served: World) -> None:
    """Slack sends the same event again (X-Slack-Retry-Num: 1): acked, not acted on twice."""
    event = payloads.dm(U_DAVID, "snooze #1 2h")
    before = len(served.fake.posted())  # counted first: the answer may come before `event` returns
    first = served.event(event)
    served.fake.wait("chat.postMessage", before + 1)
    again = served.event(
        event, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    served.settle()
    assert (200, 200) == (first.status_code, again.status_code)
    answers = [m for m in served.fake.posted() if m["text"].startswith("💤 Snoozed #1")]
    assert 1 == len(answers)
    history = [e.action for e in _history(served, "Quotation")]
    assert 1 == history.count("snoozed")


def test_slacks_url_check_is_answered(served: World) -> None:
    """Setting the Request URL in Slack sends url_verification: the challenge comes back."""
    response = served.event(
        {
            "token": "unused",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    assert (200, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") == (
        response.status_code,
        response.json()["challenge"],
    )


def _history(world: World, subject: str) -> list:  # type: ignore[type-arg]
    from bot.store import threads

    thread = world.thread(DAVID, subject)
    with world.app.store.session() as session:
        return threads.history(session, thread.id)
