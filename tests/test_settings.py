"""Settings: defaults, one clear line per bad value, and app.json in step with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.settings import PREFIX, Settings, SettingsError, load

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_the_companys_process() -> None:
    """Nothing set: Hanoi time, 08-12/13-17 Mon-Fri, VN holidays, 24 working hours, hourly."""
    s = load({}, None)
    expected = ("Asia/Ho_Chi_Minh", "08:00-12:00,13:00-17:00", "mon-fri", "VN", 24.0, 5, "vi")
    assert expected == (
        s.timezone,
        s.work_hours,
        s.work_days,
        s.holidays,
        s.sla_hours,
        s.poll_minutes,
        s.locale,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WORK_HOURS", "8-5", "REPLYMINDER_WORK_HOURS: expected spans like 08:00-12:00"),
        ("WORK_HOURS", "13:00-12:00", "REPLYMINDER_WORK_HOURS:"),
        ("WORK_DAYS", "monday", "REPLYMINDER_WORK_DAYS: expected days like mon-fri"),
        (
            "POLL_MINUTES",
            "90",
            "REPLYMINDER_POLL_MINUTES: Input should be less than or equal to 60",
        ),
        ("TIMEZONE", "Mars/Olympus", "REPLYMINDER_TIMEZONE: unknown time zone"),
        ("HOLIDAYS", "XX", "REPLYMINDER_HOLIDAYS: 'XX' is not a country code"),
        ("SLA_HOURS", "zero", "REPLYMINDER_SLA_HOURS:"),
        ("DATABASE_URL", "mysql://x", "REPLYMINDER_DATABASE_URL: expected a sqlite"),
        ("LOCALE", "fr", "REPLYMINDER_LOCALE:"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(name: str, value: str, message: str) -> None:
    """Each wrong value stops the start with one line that names it."""
    with pytest.raises(SettingsError) as raised:
        load({PREFIX + name: value}, None)
    assert 1 == len(str(raised.value).splitlines())
    assert str(raised.value).startswith(message)


def test_accepted_edge_values() -> None:
    """A round-the-clock day and no holidays at all are allowed."""
    s = load({PREFIX + "WORK_HOURS": "00:00-24:00", PREFIX + "HOLIDAYS": ""}, None)
    assert ("00:00-24:00", "") == (s.work_hours, s.holidays)


def test_platform_variables_are_fallbacks() -> None:
    """PORT and DATABASE_URL (Heroku-style) are used unless our own names are set."""
    s = load({"PORT": "8080", "DATABASE_URL": "postgres://u@h/db"}, None)
    assert (8080, "postgresql+psycopg://u@h/db") == (s.port, s.database_url)
    s = load({"PORT": "8080", PREFIX + "PORT": "9000"}, None)
    assert 9000 == s.port


def test_a_wrong_platform_variable_is_named_as_it_was_set() -> None:
    """PORT=70000 from the platform: the error named REPLYMINDER_PORT, which nobody set."""
    with pytest.raises(SettingsError) as wrong:
        load({"PORT": "70000"}, None)
    assert str(wrong.value).startswith("PORT: ")
    with pytest.raises(SettingsError) as ours:
        load({PREFIX + "PORT": "70000"}, None)
    assert str(ours.value).startswith(PREFIX + "PORT: ")


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    """An optional .env provides values; the environment overrides them."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"{PREFIX}SLA_HOURS=16\n{PREFIX}LOCALE=en\n", encoding="utf-8")
    s = load({PREFIX + "LOCALE": "vi"}, env_file)
    assert (16.0, "vi") == (s.sla_hours, s.locale)


def test_app_json_describes_every_setting() -> None:
    """app.json's env and the Settings class name the same settings, each described."""
    env = json.loads((ROOT / "app.json").read_text(encoding="utf-8"))["env"]
    expected = {PREFIX + name.upper() for name in Settings.model_fields}
    assert expected == set(env)
    assert all(entry.get("description") for entry in env.values())


def test_app_json_runs_migrations_and_both_processes() -> None:
    """The manifest declares web and worker, PostgreSQL, and a migration step."""
    manifest = json.loads((ROOT / "app.json").read_text(encoding="utf-8"))
    assert {"web", "worker"} == set(manifest["formation"])
    assert "replyminder db upgrade" == manifest["scripts"]["postdeploy"]
    assert any("postgres" in addon["plan"] for addon in manifest["addons"])
