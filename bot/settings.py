"""Settings: one frozen object built from an explicit environment mapping.

Every setting is `REPLYMINDER_<NAME>` in the environment (or in `.env`); `app.json`
describes each one, and a test keeps the two in step. A bad value stops the start
with one line naming the setting, never a traceback.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
from dotenv import dotenv_values
from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.core import calendar

PREFIX = "REPLYMINDER_"
DEFAULT_DATABASE = "sqlite:///replyminder.db"


class SettingsError(Exception):
    """One line per bad setting, ready to print."""


def _csv(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip().lower() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    database_url: str = Field(DEFAULT_DATABASE, description="SQLAlchemy URL of the database")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="default time zone of users")
    work_hours: str = Field("08:00-12:00,13:00-17:00", description="working spans of a day")
    work_days: str = Field("mon-fri", description="working days of the week")
    holidays: str = Field("VN", description="country code for public holidays; empty for none")
    sla_hours: float = Field(24.0, gt=0, le=2_000, description="working hours to answer")
    internal_domains: tuple[str, ...] = Field(
        (),
        description="the company's mail domains, every one it sends from (mail from its name "
        "under another ending is flagged as a look-alike)",
    )
    locale: Literal["vi", "en"] = Field("vi", description="default language of the bot")
    poll_minutes: int = Field(5, ge=1, le=60, description="minutes between mail checks")
    sync_workers: int = Field(4, ge=1, le=64, description="mailboxes synced at the same time")
    lookback_days: int = Field(14, ge=1, le=365, description="how far a first sync looks back")
    high_after_hours: float = Field(
        2.0, ge=0, le=2_000, description="working hours before a high DM"
    )
    repeat_hours: float = Field(4.0, gt=0, le=2_000, description="working hours between repeat DMs")
    sla_warning: float = Field(0.75, gt=0, lt=1, description="share of the SLA before a DM")
    routing_file: Path | None = Field(None, description="YAML file of teams to forward to")
    templates_dir: Path | None = Field(None, description="folder overriding reply templates")
    chat: Literal["console", "slack", "teams"] = Field("console", description="default chat")
    port: int = Field(3000, ge=1, le=65_535, description="port of the web server")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="log level")

    ews_url: str = Field("", description="EWS endpoint (…/EWS/Exchange.asmx)")
    ews_autodiscover: bool = Field(False, description="find the endpoint by autodiscover")
    ews_auth: Literal["ntlm", "basic", "oauth2"] = Field("ntlm", description="EWS auth type")
    ews_username: str = Field("", description="EWS service account")
    ews_password: str = Field("", description="EWS service account password")
    ews_access: Literal["impersonation", "delegate"] = Field("impersonation", description="access")
    ews_client_id: str = Field("", description="Entra app id for EWS OAuth2")
    ews_client_secret: str = Field("", description="Entra app secret for EWS OAuth2")
    ews_tenant_id: str = Field("", description="Entra tenant for EWS OAuth2")
    ews_ca_bundle: Path | None = Field(None, description="CA bundle for a private EWS cert")
    ews_authority: str = Field("https://login.microsoftonline.com", description="EWS token host")
    ews_max_wait: float = Field(60.0, ge=0, le=3600, description="seconds to wait on a busy EWS")

    graph_tenant_id: str = Field("", description="Entra tenant of the Graph app")
    graph_client_id: str = Field("", description="Entra app id for Graph")
    graph_client_secret: str = Field("", description="Entra app secret for Graph")
    graph_url: str = Field("https://graph.microsoft.com/v1.0", description="Graph base URL")
    graph_authority: str = Field("https://login.microsoftonline.com", description="token host")
    graph_ca_bundle: Path | None = Field(None, description="CA bundle for a private Graph cert")

    slack_bot_token: str = Field("", description="Slack bot token (xoxb-…)")
    slack_signing_secret: str = Field("", description="Slack signing secret")
    slack_app_token: str = Field("", description="Slack app token (xapp-…): Socket Mode")
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL")

    teams_app_id: str = Field("", description="Bot Framework app id")
    teams_app_password: str = Field("", description="Bot Framework app password")
    teams_tenant_id: str = Field("", description="Entra tenant of the bot")
    teams_dev_mode: bool = Field(False, description="accept unauthenticated activities")

    _csv_fields = field_validator("internal_domains", mode="before")(_csv)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (try Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("work_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        calendar.parse_hours(value)
        return value

    @field_validator("work_days")
    @classmethod
    def _days(cls, value: str) -> str:
        calendar.parse_days(value)
        return value

    @field_validator("holidays")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.strip().upper()
        if code and code not in holidays_lib.list_supported_countries():
            raise ValueError(f"{value!r} is not a country code the holidays package knows")
        return code

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgres")):
            raise ValueError("expected a sqlite:/// or postgresql:// URL")
        for plain in ("postgres://", "postgresql://"):  # Heroku says postgres://
            if value.startswith(plain):
                return "postgresql+psycopg://" + value[len(plain) :]
        return value

    @field_validator("graph_url", "graph_authority")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):  # the app's secret and tokens travel there
            raise ValueError("expected an https:// URL")
        return value.rstrip("/")

    @field_validator("ews_url", "ews_authority")
    @classmethod
    def _ews_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("expected a URL like https://mail.example.com/EWS/Exchange.asmx")
        return value

    @field_validator("templates_dir")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"no such folder: {value} (of holding.vi.txt, forward.en.txt…)")
        return value

    @field_validator("ews_ca_bundle", "graph_ca_bundle")
    @classmethod
    def _bundle(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value} (a PEM file of the CAs to trust)")
        return value

    @model_validator(mode="after")
    def _ews(self) -> Settings:
        """EWS is an endpoint (or autodiscover) and the credentials of its auth type, together."""
        where = "REPLYMINDER_EWS_URL (or REPLYMINDER_EWS_AUTODISCOVER=true)"
        names: tuple[str, ...] = ("ews_client_id", "ews_client_secret", "ews_tenant_id")
        if self.ews_auth != "oauth2":
            names = ("ews_username", "ews_password")
        given = [n for n in names if getattr(self, n)]
        if given and not (self.ews_url or self.ews_autodiscover):
            raise ValueError(f"{where} is needed with {PREFIX}{given[0].upper()}")
        missing = [PREFIX + n.upper() for n in names if not getattr(self, n)]
        if missing and (self.ews_url or self.ews_autodiscover or self.ews_auth == "oauth2"):
            needed = " and ".join(missing) + (" are" if len(missing) > 1 else " is")
            raise ValueError(f"{needed} needed with {PREFIX}EWS_AUTH={self.ews_auth}")
        return self

    @model_validator(mode="after")
    def _graph_app(self) -> Settings:
        """The Graph app is its tenant, id and secret together, or not configured at all."""
        names = ("graph_tenant_id", "graph_client_id", "graph_client_secret")
        missing = [n for n in names if not getattr(self, n)]
        if 0 < len(missing) < len(names):
            given = " and ".join(PREFIX + n.upper() for n in names if n not in missing)
            needed = " and ".join(PREFIX + n.upper() for n in missing)
            raise ValueError(f"{needed} {'are' if len(missing) > 1 else 'is'} needed with {given}")
        return self

    @model_validator(mode="after")
    def _teams_pair(self) -> Settings:
        if self.teams_app_id and not self.teams_app_password:
            raise ValueError("TEAMS_APP_PASSWORD is needed with TEAMS_APP_ID")
        if self.teams_app_id and not self.teams_tenant_id:  # msal needs it for every token
            raise ValueError(
                "TEAMS_TENANT_ID is needed with TEAMS_APP_ID (the Entra tenant of the bot's app)"
            )
        return self

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _slack_token(cls, value: str, info: ValidationInfo) -> str:
        kind = "xoxb-" if info.field_name == "slack_bot_token" else "xapp-"
        if value and not value.startswith(kind):  # the other token pasted here, most often
            raise ValueError(f"expected a token starting with {kind} (Slack app settings)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _slack_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("expected an http(s):// URL ending in /api/")
        return value if value.endswith("/") else value + "/"  # slack_sdk appends the method

    @model_validator(mode="after")
    def _slack_modes(self) -> Settings:
        """Slack's requests are trusted only when verifiable: a signing secret, or Socket Mode."""
        if self.chat == "slack" and not self.slack_bot_token:
            raise ValueError("REPLYMINDER_CHAT=slack needs REPLYMINDER_SLACK_BOT_TOKEN")
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "REPLYMINDER_SLACK_SIGNING_SECRET (HTTP events) or REPLYMINDER_SLACK_APP_TOKEN "
                "(Socket Mode) is needed with REPLYMINDER_SLACK_BOT_TOKEN"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what `load` passes in: the process environment is never read behind our back."""
        return (init_settings,)

    def calendar(
        self, timezone: str | None = None, work_hours: str | None = None
    ) -> calendar.WorkCalendar:
        """A user's working calendar: their zone and hours, the organisation's by default."""
        country = self.holidays
        table = holidays_lib.country_holidays(country) if country else calendar.NoHolidays()
        return calendar.WorkCalendar(
            tz=ZoneInfo(timezone or self.timezone),
            spans=calendar.parse_hours(work_hours or self.work_hours),
            days=calendar.parse_days(self.work_days),
            holidays=table,
        )


def load(environ: Mapping[str, str], env_file: Path | None = Path(".env")) -> Settings:
    """Settings from `REPLYMINDER_*` in `environ`, over those in `env_file` when it exists."""
    raw: dict[str, Any] = {}
    if env_file is not None and env_file.is_file():
        raw.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    raw.update(environ)
    values = {k[len(PREFIX) :].lower(): v for k, v in raw.items() if k.startswith(PREFIX)}
    # Heroku-style platforms say where to listen with PORT and where the add-on database is
    # with DATABASE_URL; our own names win when both are set.
    borrowed: set[str] = set()
    for plain in ("PORT", "DATABASE_URL"):
        if plain.lower() not in values and plain in raw:
            values[plain.lower()] = raw[plain]
            borrowed.add(plain)
    try:
        return Settings(**values)
    except ValidationError as error:
        raise SettingsError(_describe(error, borrowed)) from None


def _describe(error: ValidationError, borrowed: Collection[str] = ()) -> str:
    """One line per wrong setting, named as it was set (`PORT`, when the platform's was used)."""
    lines = []
    for problem in error.errors():
        field = "_".join(str(p) for p in problem["loc"]).upper()
        name = (field if field in borrowed else PREFIX + field) if field else ""
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if name else message)
    return "\n".join(lines)
