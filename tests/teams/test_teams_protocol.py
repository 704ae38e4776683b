"""Teams at the protocol level: Activity JSON posted to our /api/messages (dev mode), and
what reached the fake Bot Framework connector; the real remind and act services behind."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from bot.services import identity
from bot.store import threads, users
from tests.teams.activities import Person, bot_left, executed, in_channel, typed, uninstalled
from tests.teams.conftest import DAVID, LAN, MONDAY, STRANGER, World
from tests.teams.fake_connector import PREFIX, Call
from tests.teams.helpers import buttons, card, said, texts, thread_of

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


def minh_card(world: World) -> Call:
    """Lan installs the app and gets her reminder about Phạm Minh's urgent email."""
    world.install(LAN)
    world.remind()
    return next(c for c in world.connector.of("send") if "Phạm Minh" in said(c))


def state(world: World, thread_id: int) -> str:
    with world.app.store.unit() as session:
        thread = threads.get(session, thread_id)
        assert thread is not None
        return thread.state


def test_installing_links_the_user_by_the_connectors_member_record(world: World) -> None:
    """conversationUpdate → GET …/members/{id} (under the serviceUrl's path) → linked, greeted."""
    response = world.install(LAN)
    lookup, welcome = world.connector.calls
    assert (202, "member", LAN.user_id) == (response.status_code, lookup.kind, lookup.target)
    assert LAN.email == identity.who(world.app.store, "teams", LAN.aad)
    expected = (
        "👋 Chào Trần Thị Lan! Tôi là Replyminder. Tôi sẽ nhắc bạn tại đây những email đang "
        "chờ bạn trả lời, trước hạn 24 giờ làm việc. Bạn bấm nút trên thẻ nhắc hoặc gõ lệnh; "
        "gõ “giúp” để xem các lệnh."
    )
    assert ("reply", expected, "plain") == (welcome.kind, said(welcome), welcome.body["textFormat"])
    assert PREFIX in world.address(LAN.email).key


def test_a_person_not_registered_is_told_so_in_both_languages(world: World) -> None:
    """Somebody whose email has no Replyminder user gets a polite answer and no link."""
    world.install(STRANGER)
    answer = said(world.connector.of("reply")[0])
    linked = identity.who(world.app.store, "teams", STRANGER.aad)
    assert (None, 2) == (linked, len(answer.split("\n")))
    assert answer.startswith("Xin lỗi, khach@saomai.vn chưa được đăng ký với Replyminder")
    assert answer.endswith("Ask your administrator to add you.")


def test_what_a_person_types_never_decides_who_they_are(world: World) -> None:
    """No member record (404): nobody is linked, whatever the message says."""
    world.connector.members.pop(LAN.user_id)
    world.say(LAN, "list lan@saomai.vn")
    answer = said(world.connector.of("reply")[0])
    assert (None, "Xin lỗi, Teams chưa cho tôi biết bạn là ai") == (
        identity.who(world.app.store, "teams", LAN.aad),
        answer.split(" nên ")[0],
    )


def test_a_reminder_arrives_proactively_as_an_adaptive_card_once(
    world_on_each_engine: World,
) -> None:
    """The real remind service sends Lan's reminders to her Teams chat, each exactly once."""
    world = world_on_each_engine
    world.install(LAN)
    sent = [d for d in world.remind() if d.user == LAN.email]
    calls = world.connector.of("send")
    assert (["teams", "teams"], 2) == ([d.channel for d in sent], len(calls))
    first = calls[0]
    assert (LAN.conversation, sent[0].card.title) == (first.conversation, first.body["summary"])
    assert "application/vnd.microsoft.card.adaptive" == first.body["attachments"][0]["contentType"]
    assert ([], 2) == (world.remind(), len(world.connector.of("send")))


def test_snooze_from_the_card_updates_the_card_in_place(world: World) -> None:
    """The snooze form's choice → `snooze #1 3h` → the card now says what happened."""
    reminder = minh_card(world)
    data = buttons(card(reminder))["💤 Hoãn"] | {"rm_when": "3h", "rm_when_text": ""}
    world.click(LAN, data, reminder.answered)
    update = world.connector.of("update")[0]
    expected = (
        "#1 Phạm Minh — KHẨN: Xác nhận đơn hàng PO-2311 trước 15h hôm nay\n"
        "💤 Đã hoãn #1 đến 11:00 T2 30/11. Hạn trả lời vẫn là 17:00 T4 02/12."
    )
    assert (reminder.answered, expected) == (update.target, said(update))
    assert "snoozed" == state(world, thread_of(reminder))


def test_a_typed_time_in_the_snooze_form_wins_over_the_choice(world: World) -> None:
    """“2 tiếng nữa” typed in the form is what the snooze uses."""
    reminder = minh_card(world)
    data = buttons(card(reminder))["💤 Hoãn"] | {"rm_when": "1h", "rm_when_text": "2 tiếng nữa"}
    world.click(LAN, data, reminder.answered)
    expected = "💤 Đã hoãn #1 đến 10:00 T2 30/11. Hạn trả lời vẫn là 17:00 T4 02/12."
    assert expected == said(world.connector.of("update")[0]).splitlines()[1]


def test_the_holding_reply_form_sends_the_reply_and_updates_the_card(world: World) -> None:
    """The date input → `hold #1 2026-12-01` → a reply in Lan's Sent folder, the card updated."""
    reminder = minh_card(world)
    data = buttons(card(reminder))["Gửi thư hẹn trả lời"] | {"rm_day": "2026-12-01"}
    world.click(LAN, data, reminder.answered)
    outcome = said(world.connector.of("update")[0]).splitlines()[1]
    expected = (
        "✅ Đã gửi thư hẹn trả lời cho Phạm Minh <minh@vinaplast.vn>, hẹn trả lời chậm nhất vào "
        "thứ Ba, 01/12/2026. Tôi sẽ nhắc bạn sáng hôm đó."
    )
    assert (expected, "holding") == (outcome, state(world, thread_of(reminder)))
    sent = mailbox.Maildir(world.boxes[LAN.email], create=False).get_folder("Sent")
    subjects = [message_from_bytes(m.as_bytes(), policy=policy.default)["Subject"] for m in sent]
    assert 1 == sum(subject.startswith("Re: KHẨN: Xác nhận") for subject in subjects)


def test_forwarding_inside_the_company_goes_at_once(world: World) -> None:
    """The forward form with a team alias → forwarded to accounting, the card updated."""
    reminder = minh_card(world)
    data = buttons(card(reminder))["Chuyển tiếp"] | {"rm_to_text": "ketoan", "rm_note": "nhờ chị"}
    world.click(LAN, data, reminder.answered)
    expected = "📨 Đã chuyển #1 cho Phòng Kế toán (Accounting)."
    assert (expected, "forwarded") == (
        said(world.connector.of("update")[0]).splitlines()[1],
        state(world, thread_of(reminder)),
    )


def test_forwarding_outside_the_company_asks_first(world: World) -> None:
    """An outside address → a confirmation card; its button forwards and updates that card."""
    reminder = minh_card(world)
    data = buttons(card(reminder))["Chuyển tiếp"] | {"rm_to_text": "someone@elsewhere.com"}
    world.click(LAN, data, reminder.answered)
    question = world.connector.of("reply")[-1]
    assert ([], "pending") == (world.connector.of("update"), state(world, thread_of(reminder)))
    assert said(question).startswith("⚠ someone@elsewhere.com ở ngoài công ty.")
    world.click(LAN, buttons(card(question))["Xác nhận"], question.answered)
    update = world.connector.of("update")[0]
    assert (question.answered, "📨 Đã chuyển #1 cho someone@elsewhere.com.") == (
        update.target,
        said(update).splitlines()[-1],
    )


def test_done_closes_the_thread_and_the_card_says_so(world: World) -> None:
    """The Done button → `done #1` → closed."""
    reminder = minh_card(world)
    world.click(LAN, buttons(card(reminder))["Xong"], reminder.answered)
    assert ("✔ Đã đóng #1.", "done") == (
        said(world.connector.of("update")[0]).splitlines()[1],
        state(world, thread_of(reminder)),
    )


def test_an_execute_click_is_answered_with_the_updated_card(world: World) -> None:
    """Action.Execute is an invoke: the HTTP answer carries the new card (no update call)."""
    reminder = minh_card(world)
    data = buttons(card(reminder))["Xong"]
    response = world.post(executed(LAN, world.connector.service_url, data, reminder.answered))
    body = response.json()
    assert (200, 200, "application/vnd.microsoft.card.adaptive") == (
        response.status_code,
        body["statusCode"],
        body["type"],
    )
    shown = texts(body["value"]["body"])
    assert ("✔ Đã đóng #1.", []) == (shown[-1], world.connector.of("update"))


TYPED = [
    (LAN, "danh sách", "📋 Email đang chờ bạn (4), xếp theo mức độ gấp:"),
    (DAVID, "list", "📋 Your open emails (3), most urgent first:"),
    (LAN, "hoãn #1 2 tiếng nữa",
     "💤 Đã hoãn #1 đến 10:00 T2 30/11. Hạn trả lời vẫn là 17:00 T4 02/12."),
    (DAVID, "snooze #1 2h",
     "💤 Snoozed #1 until Mon 30/11 10:00. The deadline stays Wed 2/12 14:00."),
    (LAN, "giúp",
     "Bạn có thể nhắn tôi (#ref là số trong danh sách; bỏ trống thì tôi dùng email tôi vừa nhắc):"),
    (DAVID, "what?", "Sorry, I didn't understand “what?”. Type help to see what I can do."),
]  # fmt: skip


@pytest.mark.parametrize(("who", "text", "first_line"), TYPED, ids=[t[1] for t in TYPED])
def test_typed_commands_in_both_languages(
    world: World, who: Person, text: str, first_line: str
) -> None:
    """Text typed in the 1:1 chat goes to `act` as it is, answered in the user's language."""
    world.install(who)
    world.say(who, text)
    assert first_line == said(world.connector.of("reply")[-1]).splitlines()[0]


def test_somebody_elses_thread_is_refused(world: World) -> None:
    """David replays Lan's Done button: refused, and Lan's thread stays as it was."""
    reminder = minh_card(world)
    world.install(DAVID)
    world.click(DAVID, buttons(card(reminder))["Xong"], reminder.answered)
    answer = said(world.connector.of("reply")[-1])
    assert ("That email is not yours, so I changed nothing.", [], "pending") == (
        answer,
        world.connector.of("update"),
        state(world, thread_of(reminder)),
    )


def test_an_execute_click_on_somebody_elses_thread_is_refused_in_the_response(
    world: World,
) -> None:
    """The refusal comes back in the invoke response; nothing is updated or changed."""
    reminder = minh_card(world)
    world.install(DAVID)
    data = buttons(card(reminder))["Xong"]
    response = world.post(executed(DAVID, world.connector.service_url, data, reminder.answered))
    expected = {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "That email is not yours, so I changed nothing.",
    }
    assert (expected, [], "pending") == (
        response.json(),
        world.connector.of("update"),
        state(world, thread_of(reminder)),
    )


def test_in_a_team_channel_the_bot_asks_for_the_1_1_chat(world: World) -> None:
    """The app is personal-scope: a channel message gets a pointer, and nothing is acted on."""
    world.post(in_channel(typed(LAN, world.connector.service_url, "list")))
    answer = said(world.connector.of("reply")[0])
    assert ([], "Tôi chỉ làm việc trong trò chuyện riêng") == (
        world.connector.of("member"),
        answer.split(":")[0],
    )


def test_throttling_is_retried_then_the_reminder_goes_once(world: World) -> None:
    """429 and 502 from the connector: the proactive card is retried and delivered once."""
    world.install(LAN)
    world.connector.fail("send", 429, 502)
    sent = [d for d in world.remind() if d.user == LAN.email]
    refused = world.connector.refused
    calls = world.connector.of("send")
    assert ([("send", 429), ("send", 502)], 2, 2) == (refused, len(sent), len(calls))


def test_replies_and_card_updates_are_retried_too(world: World) -> None:
    """A 412 on the update and a 504 on a reply are retried; the user sees each once."""
    reminder = minh_card(world)
    world.connector.fail("update", 412)
    world.click(LAN, buttons(card(reminder))["Xong"], reminder.answered)
    world.connector.fail("reply", 504)
    world.say(LAN, "danh sách")
    assert (1, 2) == (len(world.connector.of("update")), len(world.connector.of("reply")))
    assert [("update", 412), ("reply", 504)] == world.connector.refused


def test_a_throttled_member_look_up_is_retried(world: World) -> None:
    """429 then 502 on GET …/members/{id}: the third try links Lan."""
    world.connector.fail("member", 429, 502)
    world.install(LAN)
    assert (LAN.email, [("member", 429), ("member", 502)]) == (
        identity.who(world.app.store, "teams", LAN.aad),
        world.connector.refused,
    )


def test_a_reminder_that_keeps_failing_waits_for_the_next_pass(
    world_on_each_engine: World,
) -> None:
    """Still throttled after the back-off: ChatError, the outbox keeps it, a later pass sends it."""
    world = world_on_each_engine
    world.install(LAN)
    world.connector.fail("send", 429, 429, 429, 429)
    first = [d.thread_ids for d in world.remind() if d.user == LAN.email]
    world.clock.at += timedelta(minutes=2)
    second = [d.thread_ids for d in world.remind() if d.user == LAN.email]
    world.clock.at += timedelta(minutes=5)
    sends = [thread_of(call) for call in world.connector.of("send")]
    assert (1, 1, []) == (len(first), len(second), world.remind())
    assert (2, 2) == (len(sends), len(set(sends)))


def test_removing_the_app_stops_reminders_until_it_is_added_again(teams_only: World) -> None:
    """installationUpdate "remove": Lan is unlinked and nothing is sent into the gone chat;
    the reminders wait in the outbox and arrive, once each, after she adds the app again."""
    world = teams_only
    world.install(LAN)
    response = world.post(uninstalled(LAN, world.connector.service_url))
    waiting = [d for d in world.remind() if d.user == LAN.email]
    assert (202, None, [], []) == (
        response.status_code,
        identity.who(world.app.store, "teams", LAN.aad),
        waiting,
        world.connector.of("send"),
    )
    world.install(LAN)
    world.clock.at += timedelta(minutes=2)  # the outbox's first retry
    sent = [d for d in world.remind() if d.user == LAN.email]
    world.clock.at += timedelta(minutes=5)
    assert (["teams", "teams"], [], 2) == (
        [d.channel for d in sent],
        world.remind(),
        len(world.connector.of("send")),
    )


def test_the_bot_leaving_the_chat_unlinks_too(world: World) -> None:
    """Some clients say it as conversationUpdate membersRemoved with the bot: same effect."""
    world.install(LAN)
    world.post(bot_left(LAN, world.connector.service_url))
    assert None is identity.who(world.app.store, "teams", LAN.aad)


def test_an_installation_add_changes_nothing(world: World) -> None:
    """installationUpdate "add" comes with the conversationUpdate that greets: no double."""
    world.install(LAN)
    world.post(uninstalled(LAN, world.connector.service_url, action="add"))
    assert (LAN.email, 1) == (
        identity.who(world.app.store, "teams", LAN.aad),
        len(world.connector.of("reply")),
    )


def test_after_removing_teams_reminders_go_to_slack_where_they_are_linked(world: World) -> None:
    """Linked on Slack too: once Teams is removed, Slack is where they are reached."""
    world.install(LAN)
    identity.link(
        world.app.store, "slack", "U0LAN00001", "U0LAN00001", LAN.email, world.clock.now()
    )
    world.install(LAN)  # writing in Teams again makes Teams their platform of choice
    world.post(uninstalled(LAN, world.connector.service_url))
    with world.app.store.unit() as session:
        user = users.user_by_email(session, LAN.email)
        assert ("slack", {"slack"}) == (
            user.last_platform,
            set(users.chat_addresses(session, user.id)),
        )


def test_a_dm_that_failed_at_the_end_of_the_day_waits_for_the_next_morning(
    world: World,
) -> None:
    """Teams is down at 16:55, when Lan's urgent reminder is planned. Up again at 17:05, the
    retry does not go out after hours: it waits for 08:00, and goes then, once."""
    world.install(LAN)
    world.clock.at = MONDAY.replace(hour=16, minute=55)
    world.connector.fail("send", *[500] * 40)
    assert [] == [d for d in world.remind() if d.user == LAN.email]
    world.connector.failures.clear()
    world.clock.at = MONDAY.replace(hour=17, minute=5)
    assert [] == world.remind()
    world.clock.at = MONDAY + timedelta(days=1)  # Tuesday 08:00
    morning = [d for d in world.remind() if d.user == LAN.email]
    urgent = [d.thread_ids for d in morning if "PO-2311" in d.card.as_text()]
    threads = [i for d in morning if d.kind != "digest" for i in d.thread_ids]
    assert (1, len(threads)) == (len(urgent), len(set(threads)))
