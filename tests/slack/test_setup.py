"""Setting Slack up: clear one-line errors, safe rendering, people looked up sparingly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.slack import SlackSetupError
from bot.chat.slack_blocks import card_blocks
from bot.core.cards import Card, CardKind
from bot.settings import SettingsError, load
from tests.slack.conftest import LAN, U_LAN, World, build_world, environment
from tests.slack.fake_slack import FakeSlack
from tests.slack.server import Served


def test_a_wrong_bot_token_stops_the_start_with_one_line(
    database_url: str, tmp_path: Path, fake: FakeSlack
) -> None:
    """Slack refuses the token at start (auth.test): one line naming the setting, no server."""
    world = build_world(database_url, tmp_path, fake, SLACK_BOT_TOKEN="xoxb-not-the-token")
    with pytest.raises(SlackSetupError) as raised:
        Served(world.app).start()
    message = str(raised.value)
    assert 1 == len(message.splitlines())
    assert "REPLYMINDER_SLACK_BOT_TOKEN" in message and "invalid_auth" in message
    world.app.store.engine.dispose()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"SLACK_BOT_TOKEN": "xapp-1-2"},
            "REPLYMINDER_SLACK_BOT_TOKEN: expected a token starting with xoxb-",
        ),
        (
            {"SLACK_APP_TOKEN": "xoxb-1-2"},
            "REPLYMINDER_SLACK_APP_TOKEN: expected a token starting with xapp-",
        ),
        ({"CHAT": "slack"}, "REPLYMINDER_CHAT=slack needs REPLYMINDER_SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1-2"}, "REPLYMINDER_SLACK_SIGNING_SECRET (HTTP events) or "),
        (
            {"SLACK_API_URL": "slack.com/api"},
            "REPLYMINDER_SLACK_API_URL: expected an http(s):// URL",
        ),
    ],
)
def test_bad_slack_settings_are_one_line_each(values: dict[str, str], expected: str) -> None:
    """A token in the wrong field, Slack as default without a token, no way to verify requests."""
    with pytest.raises(SettingsError) as raised:
        load({f"REPLYMINDER_{k}": v for k, v in values.items()}, None)
    assert 1 == len(str(raised.value).splitlines())
    assert str(raised.value).startswith(expected)


def test_the_api_url_may_omit_the_last_slash(tmp_path: Path, fake: FakeSlack) -> None:
    """…/api and …/api/ mean the same: slack_sdk appends the method name."""
    values = environment("sqlite:///x.db", tmp_path, fake, SLACK_API_URL=fake.url.rstrip("/"))
    assert fake.url == load(values, None).slack_api_url


def test_someone_not_in_slack_is_looked_up_again_only_later(world: World) -> None:
    """Lan is not in Slack: looked up once, reminded on the console meanwhile, again hours later."""
    del world.fake.people[U_LAN]
    world.remind()
    world.remind(world.clock.now().replace(hour=13))
    looked_up = [c["email"] for c in world.fake.called("users.lookupByEmail", ok_only=False)]
    assert 1 == looked_up.count(LAN)
    world.remind(world.clock.now().replace(day=1, month=12, hour=8))
    looked_up = [c["email"] for c in world.fake.called("users.lookupByEmail", ok_only=False)]
    assert 2 == looked_up.count(LAN)


def test_text_from_mail_cannot_ping_the_workspace() -> None:
    """A subject like "<!channel>" is shown as text: &, < and > are escaped for mrkdwn."""
    card = Card(
        CardKind.REMINDER,
        "en",
        "Mallory is waiting",
        thread_id=1,
        ref=1,
        sender="Mallory <m@x.io>",
        subject="<!channel> urgent & important",
    )
    text = str(card_blocks(card))
    assert "&lt;!channel&gt; urgent &amp; important" in text
    assert "<!channel>" not in text
