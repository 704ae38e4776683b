"""An Exchange user through the real CLI: register, tick, hold from chat, status (issue 4)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli import Cli
from tests.exchange.conftest import HUONG, MINH
from tests.exchange.fake_ews import PASSWORD, SERVICE_ACCOUNT, FakeEws

QUESTION = (
    "Chào chị Hương,\n\nChị gửi giúp em báo giá 200 bộ bàn ghế trước thứ Sáu được không ạ?\n\nMinh"
)


class ExchangeCli(Cli):
    def thread(self, subject: str) -> dict[str, Any]:
        return next(t for t in self.json("threads", HUONG[1], "--all") if subject in t["subject"])


@pytest.fixture
def cli(
    fake: FakeEws,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> ExchangeCli:
    """REPLYMINDER_* pointing at the fake Exchange and a fresh database; nothing registered."""
    env = {
        "DATABASE_URL": database_url,
        "EWS_URL": fake.url,
        "EWS_AUTH": "basic",
        "EWS_USERNAME": SERVICE_ACCOUNT,
        "EWS_PASSWORD": PASSWORD,
        "INTERNAL_DOMAINS": "saomai.vn",
        "LOG_LEVEL": "WARNING",
    }
    for name, value in env.items():
        monkeypatch.setenv("REPLYMINDER_" + name, value)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return ExchangeCli(capsys)


def test_an_exchange_user_is_tracked_and_answered_from_chat(
    fake: FakeEws, cli: ExchangeCli
) -> None:
    """user add --exchange, tick, `hẹn #N thứ sáu` sends a real reply, the thread stays holding."""
    assert (0, f"added {HUONG[1]} (exchange: {HUONG[1]})\n", "") == cli.run(
        "user", "add", HUONG[1], "--name", HUONG[0], "--exchange"
    )
    question = fake.deliver(
        HUONG[1], "Báo giá bàn ghế", MINH, body=QUESTION, message_id="<bg200@doitac.vn>"
    )
    code, _, progress = cli.run("tick")
    thread = cli.thread("Báo giá bàn ghế")
    assert (0, f"  {HUONG[1]} inbox: 1/1 read, 1 in this page\n", "pending") == (
        code,
        progress,
        thread["state"],
    )
    fake.clock += timedelta(minutes=10)
    answer = cli.json("chat", HUONG[1], f"hẹn #{thread['ref']} thứ sáu", now="2026-11-30T08:10")
    [sent] = fake.sent
    assert ("holding_sent", "holding", [MINH]) == (
        answer["action"],
        answer["thread"]["state"],
        sent.to,
    )
    assert ("ReplyToItem", "<bg200@doitac.vn>") == (sent.verb, sent.in_reply_to)
    assert "tôi sẽ phản hồi anh/chị chậm nhất vào thứ Sáu, 04/12/2026." in sent.body
    assert sent.body.rstrip().endswith(
        "trước thứ Sáu được không ạ?\n\nMinh"
    )  # the original, quoted
    assert sent.headers["x-replyminder"].startswith(f"hold:{thread['id']}:2026-12-04")
    code, _, progress = cli.run("tick", now="2026-11-30T08:15")
    seen = (
        f"  {HUONG[1]} sent: 1 read, 1 in this page\n  {HUONG[1]} inbox: 1 read, 1 in this page\n"
    )
    assert (0, seen, "holding") == (code, progress, cli.thread("Báo giá bàn ghế")["state"])
    assert (
        "102" == question.extended[("tag", "0x1081")]
    )  # Exchange marked it replied: still the bot's


def test_status_shows_each_exchange_mailbox(fake: FakeEws, cli: ExchangeCli) -> None:
    """status lists the mailbox with its last sync, and a missing one with its error."""
    cli.run("user", "add", HUONG[1], "--name", HUONG[0], "--exchange")
    cli.run("user", "add", "ghost@saomai.vn", "--name", "Bóng Ma", "--exchange")
    cli.run("sync")
    code, out, _ = cli.run("status")
    lines = dict(line.split(maxsplit=1) for line in out.splitlines())
    assert 1 == code
    assert lines[HUONG[1]].startswith("exchange last synced 2026-11-30 08:00")  # local time
    assert lines["ghost@saomai.vn"].endswith(
        "last error 2026-11-30 08:00: Exchange has no mailbox ghost@saomai.vn"
    )


def test_registering_exchange_users_needs_ews_settings(
    cli: ExchangeCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--exchange without EWS_URL or autodiscover: one line saying what to set."""
    for name in ("EWS_URL", "EWS_USERNAME", "EWS_PASSWORD"):
        monkeypatch.delenv("REPLYMINDER_" + name)
    code, out, err = cli.run("user", "add", HUONG[1], "--name", HUONG[0], "--exchange")
    expected = (
        "replyminder: Exchange is not configured: set REPLYMINDER_EWS_URL (…/EWS/Exchange.asmx) "
        "or REPLYMINDER_EWS_AUTODISCOVER=true, and the service account, first\n"
    )
    assert (2, "", expected) == (code, out, err)


def test_inconsistent_ews_settings_are_one_line(
    cli: ExchangeCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OAuth2 without the app's id: the start stops with one line naming what is missing."""
    monkeypatch.setenv("REPLYMINDER_EWS_AUTH", "oauth2")
    code, _, err = cli.run("status")
    expected = (
        "replyminder: REPLYMINDER_EWS_CLIENT_ID and REPLYMINDER_EWS_CLIENT_SECRET and "
        "REPLYMINDER_EWS_TENANT_ID are needed with REPLYMINDER_EWS_AUTH=oauth2\n"
    )
    assert (2, expected) == (code, err)
