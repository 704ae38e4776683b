"""Exchange Online users end to end: the real CLI, the database, the fake Graph over TLS.

What a user of a --graph mailbox meets, from registration to status: first sync,
incremental ticks, paging with progress, replies found in Sent Items and through
Outlook's last verb, a holding reply and a forward really sent and read back,
throttling, a broken mailbox beside a healthy one, a restart in the middle of a
sync, an expired delta link. The provider-level contract shared with Maildir and
Exchange is tests/contract/test_mail_provider_contract.py (its Graph harness is
graph_harness.py here).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.graph.conftest import NOW
from tests.graph.fake_delta import folder_token
from tests.graph.fake_graph import FakeGraph
from tests.graph.fake_mailbox import Box, sent_message
from tests.graph.fake_server import TlsFiles
from tests.graph.world import BAO, HUONG, MINH, GraphWorld, graph_world


@pytest.fixture
def world(
    graph: FakeGraph,
    tls_files: TlsFiles,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[GraphWorld]:
    yield from graph_world(graph, tls_files, database_url, tmp_path, monkeypatch, capsys)


@pytest.fixture
def huong(world: GraphWorld) -> Box:
    """Hương's Exchange Online mailbox, registered with --graph."""
    box = world.graph.add_mailbox(HUONG[1], HUONG[0])
    out = world.ok("user", "add", HUONG[1], "--name", HUONG[0], "--graph")
    assert f"added {HUONG[1]} (graph: {HUONG[1]})\n" == out
    return box


def test_user_add_graph_needs_graph_settings(
    world: GraphWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the Graph app's settings, registering a --graph user is refused in one line."""
    for name in ("TENANT_ID", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"REPLYMINDER_GRAPH_{name}")
    code, out, err = world.run("user", "add", HUONG[1], "--name", HUONG[0], "--graph")
    expected = (
        "replyminder: Graph is not configured: set REPLYMINDER_GRAPH_TENANT_ID, "
        "REPLYMINDER_GRAPH_CLIENT_ID and REPLYMINDER_GRAPH_CLIENT_SECRET first\n"
    )
    assert (2, "", expected) == (code, out, err)


def test_half_configured_graph_app_is_one_line(
    world: GraphWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client id without its secret stops every command with one line naming what is missing."""
    monkeypatch.delenv("REPLYMINDER_GRAPH_CLIENT_SECRET")
    code, _, err = world.run("status")
    expected = (
        "replyminder: REPLYMINDER_GRAPH_CLIENT_SECRET is needed with "
        "REPLYMINDER_GRAPH_TENANT_ID and REPLYMINDER_GRAPH_CLIENT_ID\n"
    )
    assert (2, expected) == (code, err)


def test_first_tick_tracks_mail_and_a_later_one_reminds(world: GraphWorld, huong: Box) -> None:
    """The first tick opens a pending thread; a tick near its deadline reminds Hương of it."""
    world.mail(huong, "Xác nhận đơn hàng PO-2311")
    assert "no reminders due\n" == world.ok("tick")
    thread = world.thread("Xác nhận đơn hàng PO-2311")
    assert ("pending", MINH[1]) == (thread["state"], thread["from"])
    assert "Xác nhận đơn hàng PO-2311" in world.ok("tick", now="2026-03-24T10:00")


def test_incremental_tick_adds_only_new_mail(world: GraphWorld, huong: Box) -> None:
    """A later tick follows the delta links: the new mail becomes a thread, nothing twice."""
    world.mail(huong, "Hỏi giá vận chuyển")
    world.ok("tick")
    world.mail(huong, "Lịch giao hàng tháng 4", hours_ago=0.5)
    before = len(world.graph.requests)
    world.ok("tick", now="2026-03-20T09:30")
    assert ["Hỏi giá vận chuyển", "Lịch giao hàng tháng 4"] == sorted(
        t["subject"] for t in world.threads()
    )
    assert 2 == len(world.graph.requests) - before  # one delta request per folder


def test_first_sync_in_pages_shows_progress(world: GraphWorld, huong: Box) -> None:
    """A big first sync comes in pages of 100 and says how far it got."""
    for number in range(130):
        world.mail(huong, f"Đơn hàng số {number}", hours_ago=2 + number / 10)
    code, _, err = world.run("sync")
    assert 0 == code
    assert f"  {HUONG[1]} inbox: 100/130 read, 100 in this page" in err.splitlines()
    assert f"  {HUONG[1]} inbox: 130/130 read, 30 in this page" in err.splitlines()
    assert 130 == len(world.threads())


def test_reply_from_outlook_is_found_in_sent_items(world: GraphWorld, huong: Box) -> None:
    """Hương answers in Outlook: the reply in Sent Items closes the thread as answered."""
    original = world.mail(huong, "Hợp đồng khung 2026")
    world.ok("tick")
    sent_message(
        huong,
        to=MINH,
        subject="RE: Hợp đồng khung 2026",
        text="Chị đã nhận, cảm ơn em.",
        sent=NOW - timedelta(minutes=20),
        in_reply_to=original,
    )
    world.ok("tick", now="2026-03-20T09:05")
    assert ("answered", HUONG[1]) == tuple(
        world.thread("Hợp đồng khung 2026")[k] for k in ("state", "answered_by")
    )


def test_reply_seen_only_through_outlooks_last_verb(world: GraphWorld, huong: Box) -> None:
    """Replied from a phone whose copy never reached Sent Items: PidTagLastVerbExecuted says so."""
    original = world.mail(huong, "Báo cáo công nợ")
    world.ok("tick")
    huong.set_verb(original.id, "reply", NOW - timedelta(minutes=10))
    world.ok("tick", now="2026-03-20T09:05")
    assert "answered" == world.thread("Báo cáo công nợ")["state"]


def test_holding_reply_is_sent_and_read_back(world: GraphWorld, huong: Box) -> None:
    """`hold #N` sends a real reply through Graph; read back from Sent Items it is the bot's own."""
    world.mail(huong, "Yêu cầu báo giá container")
    world.ok("tick")
    ref = world.thread("Yêu cầu báo giá container")["ref"]
    answer = world.chat(f"hold #{ref} thứ ba")
    assert ("holding_sent", "holding") == (answer["action"], answer["thread"]["state"])
    [sent] = world.graph.outbound
    assert ([MINH[1]], f"hold:{answer['thread']['id']}:2026-03-24") == (
        [r["emailAddress"]["address"] for r in sent["toRecipients"]],
        next(v for k, v in sent["properties"].items() if k.endswith("X-Replyminder")),
    )
    world.ok("tick", now="2026-03-20T09:10")  # the reply comes back; Exchange marked the original
    assert "holding" == world.thread("Yêu cầu báo giá container")["state"]


def test_forward_is_sent_and_read_back(world: GraphWorld, huong: Box) -> None:
    """`forward #N` sends through Graph with the attachment; the thread is forwarded."""
    world.mail(huong, "Hồ sơ thầu", attachments=[("ho-so.pdf", "application/pdf", 120_000, False)])
    world.ok("tick")
    ref = world.thread("Hồ sơ thầu")["ref"]
    answer = world.chat(f"forward #{ref} {BAO[1]} nhờ anh xem giúp")
    assert "forwarded" == answer["action"]
    [sent] = world.graph.outbound
    assert ([BAO[1]], ["ho-so.pdf"]) == (
        [r["emailAddress"]["address"] for r in sent["toRecipients"]],
        sent["attachments"],
    )
    world.ok("tick", now="2026-03-20T09:10")
    assert ("forwarded", BAO[1]) == tuple(
        world.thread("Hồ sơ thầu")[k] for k in ("state", "forwarded_to")
    )
    assert [] == world.graph.content_served


def test_throttling_is_waited_out(world: GraphWorld, huong: Box) -> None:
    """429 with Retry-After during a tick: retried after the wait, the tick completes."""
    world.mail(huong, "Khiếu nại giao hàng")
    world.graph.fail(429, times=2, retry_after="0", path="/delta")
    world.ok("tick")
    assert ["Khiếu nại giao hàng"] == [t["subject"] for t in world.threads()]


def test_broken_mailbox_beside_a_healthy_one(world: GraphWorld, huong: Box) -> None:
    """Bảo's mailbox is outside the access policy: his error is in status, Hương's mail flows."""
    world.graph.add_mailbox(BAO[1], BAO[0])
    world.ok("user", "add", BAO[1], "--name", BAO[0], "--graph")
    world.graph.policy = {HUONG[1]}
    world.mail(huong, "Đề nghị thanh toán")
    code, _, err = world.run("tick")
    assert 1 == code  # one mailbox failed: the exit says so, the others were synced
    assert f"replyminder: {BAO[1]}: Graph denied access to {BAO[1]}" in err
    assert ["Đề nghị thanh toán"] == [t["subject"] for t in world.threads()]
    code, out, _ = world.run("status")
    lines = dict(line.split(maxsplit=1) for line in out.splitlines())
    assert (1, True) == (code, "last error" in lines[BAO[1]])
    assert "last error" not in lines[HUONG[1]]


def test_restart_mid_sync_resumes_without_duplicates(world: GraphWorld, huong: Box) -> None:
    """A pass that dies after its first page resumes from the stored next link next time."""
    for number in range(150):
        world.mail(huong, f"Phiếu xuất kho {number}", hours_ago=2 + number / 10)
    world.graph.fail(500, times=1, path=f"mailFolders('{folder_token('inbox')}')")
    code, _, err = world.run("tick")
    assert (1, 100) == (code, len(world.threads()))  # the failed pass says so
    assert "Graph answered 500" in err
    world.ok("tick", now="2026-03-20T09:05")
    assert 150 == len({t["subject"] for t in world.threads()}) == len(world.threads())


def test_expired_delta_link_resyncs_without_duplicate_threads(
    world: GraphWorld, huong: Box
) -> None:
    """410 SyncStateNotFound: the folder is read again from the look-back; no thread twice."""
    for number in range(5):
        world.mail(huong, f"Báo giá {number}")
    world.ok("tick")
    world.graph.links.expire()
    world.mail(huong, "Báo giá mới", hours_ago=0.2)
    world.ok("tick", now="2026-03-20T09:15")
    subjects = [t["subject"] for t in world.threads()]
    assert (6, 6) == (len(subjects), len(set(subjects)))
