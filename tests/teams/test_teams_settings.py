"""The Teams settings stop a start with one clear line when they cannot work together."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load

APP_ID = {"REPLYMINDER_TEAMS_APP_ID": "8c1f6a9e-5f0b-4a43-9d55-3b8d2f0c7e21"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "TEAMS_APP_PASSWORD is needed with TEAMS_APP_ID"),
        (
            {"REPLYMINDER_TEAMS_APP_PASSWORD": "x"},
            "TEAMS_TENANT_ID is needed with TEAMS_APP_ID (the Entra tenant of the bot's app)",
        ),
    ],
)
def test_an_app_id_needs_its_password_and_tenant(extra: dict[str, str], message: str) -> None:
    """msal needs all three for the bot's token: a missing one is named at start."""
    with pytest.raises(SettingsError) as raised:
        load(APP_ID | extra, None)
    assert message == str(raised.value)
