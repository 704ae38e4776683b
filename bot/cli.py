"""The `replyminder` command line (DESIGN.md, "CLI contract").

Every command but `run` takes `--now` to fix the clock. Errors are one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import OperationalError

from bot import app as composition
from bot.chat import teams_package
from bot.core.calendar import WorkCalendar, parse_hours
from bot.core.clock import Clock, FixedClock, SystemClock
from bot.core.i18n import LOCALES
from bot.core.mail import Address
from bot.core.ports import Mailbox, MailError, SyncPage
from bot.core.reminders import next_digest
from bot.routing import RoutingError
from bot.services import act, ingest, remind
from bot.services.views import thread_json
from bot.settings import SettingsError, load
from bot.store import db, threads, users

log = logging.getLogger("replyminder")


class CliError(Exception):
    """A problem to report in one line."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Shown(sys.stdout), _Shown(sys.stderr)
    try:
        return _main(args)
    finally:
        sys.stdout, sys.stderr = streams


class _Shown(io.TextIOBase):
    """An output stream without control characters (but tab and newline). What the CLI
    prints holds text strangers wrote (subjects, names, a mistyped command echoed back):
    an escape sequence in it would drive the operator's terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text.translate(_CONTROLS))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


_CONTROLS = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])


def _main(args: argparse.Namespace) -> int:
    try:
        settings = load(os.environ)
        _logging(settings.log_level)
        if getattr(args, "now", None) and args.now.tzinfo is None:
            args.now = args.now.replace(tzinfo=ZoneInfo(settings.timezone))  # the org's local time
        return int(args.handler(args, settings) or 0)
    except (
        CliError,
        SettingsError,
        RoutingError,
        users.UnknownUser,
        db.DatabaseError,
        MailError,
        ValueError,
    ) as error:
        message = str(error).strip('"') if isinstance(error, KeyError) else str(error)
        print(f"replyminder: {message}", file=sys.stderr)
        return 2 if isinstance(error, (SettingsError, CliError)) else 1
    except OperationalError as error:
        print(f"replyminder: {db.describe(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the contract: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        print(
            f"replyminder: unexpected error: {error!r} (REPLYMINDER_LOG_LEVEL=DEBUG shows where)",
            file=sys.stderr,
        )
        return 1


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",  # a service's log is read later
        datefmt="%Y-%m-%d %H:%M:%S",
        stream=sys.stderr,
    )
    # httpx and the Agents SDK (Teams) log every request at INFO, aiohttp every hit (health
    # checks each minute)
    for chatty in ("alembic", "httpx", "microsoft_agents", "aiohttp.access"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # At DEBUG, exchangelib logs whole SOAP bodies (mail) and request headers (Basic
    # credentials), requests-oauthlib the token request (the client secret): never below INFO.
    for leaky in ("exchangelib", "requests_oauthlib", "oauthlib"):
        logging.getLogger(leaky).setLevel(max(logging.INFO, logging.getLevelName(level)))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replyminder",
        description="Every work email gets an answer within 24 working hours.",
        epilog="Settings come from REPLYMINDER_* variables (or .env); see app.json.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_, handler, build in _COMMANDS:
        command = sub.add_parser(name, help=help_, description=help_)
        if name != "run":
            command.add_argument("--now", type=_instant, help=_NOW_HELP.get(name, _NOW_HELP[""]))
        build(command)
        command.set_defaults(handler=handler)
    return parser


_NOW_HELP = {
    "": "fix the clock (ISO 8601; without an offset, in REPLYMINDER_TIMEZONE)",
    "demo": "accepted, as by every command, but the demo's story always plays on 30 Nov 2026",
}


def _instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None


def _clock(args: argparse.Namespace) -> Clock:
    return FixedClock(args.now) if getattr(args, "now", None) else SystemClock()


def _app(args: argparse.Namespace, settings: Any, echo: bool = False) -> composition.App:
    return composition.build(settings, _clock(args), echo=sys.stdout if echo else None)


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False))


# ── db upgrade ──────────────────────────────────────────────────────────────
def _db(args: argparse.Namespace, settings: Any) -> int:
    store = db.connect(settings.database_url)
    applied = db.upgrade(store)
    print("database upgraded" if applied else "database already up to date")
    return 0


def _db_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("action", choices=["upgrade"], help="what to do")


# ── user add ────────────────────────────────────────────────────────────────
def _user(args: argparse.Namespace, settings: Any) -> int:
    _check_person(args)  # (these two before the database is opened: a typo creates nothing)
    mailbox = _mailbox(args)
    app = _app(args, settings)
    if mailbox.kind == "graph" and not settings.graph_client_id:
        raise CliError(
            "Graph is not configured: set REPLYMINDER_GRAPH_TENANT_ID, "
            "REPLYMINDER_GRAPH_CLIENT_ID and REPLYMINDER_GRAPH_CLIENT_SECRET first"
        )
    if mailbox.kind == "exchange" and "exchange" not in app.providers:
        raise CliError(
            "Exchange is not configured: set REPLYMINDER_EWS_URL (…/EWS/Exchange.asmx) or "
            "REPLYMINDER_EWS_AUTODISCOVER=true, and the service account, first"
        )
    now = app.clock.now()
    with app.store.unit() as session:
        if users.user_exists(session, args.email):
            raise CliError(f"user {args.email} already exists")
        user = users.add_user(
            session,
            Address(args.email, args.name),
            args.locale or settings.locale,
            args.timezone or settings.timezone,
            mailbox,
            now,
        )
        user.work_hours = _work_hours(args.work_hours)
        user.next_digest_at = next_digest(_calendar_of(app, user.timezone, user.work_hours), now)
    print(f"added {args.email} ({mailbox.kind}: {mailbox.locator})")
    return 0


def _work_hours(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parse_hours(text)
    except ValueError as error:
        raise CliError(f"--work-hours: {error}") from None
    return text


def _calendar_of(app: composition.App, timezone: str, work_hours: str | None) -> WorkCalendar:
    try:
        return app.calendar(timezone, work_hours)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(
            f"--timezone: unknown time zone {timezone!r} (try Asia/Ho_Chi_Minh)"
        ) from None


def _check_person(args: argparse.Namespace) -> None:
    if not args.name.strip():
        raise CliError("--name: the user's name is needed (it signs their holding replies)")
    if args.timezone is not None and not args.timezone.strip():
        raise CliError("--timezone: empty (leave it out for REPLYMINDER_TIMEZONE)")


def _mailbox(args: argparse.Namespace) -> Mailbox:
    email = args.email.strip().lower()
    local, _, domain = email.rpartition("@")
    if not local or not domain or any(char.isspace() for char in email):
        raise CliError(f"{args.email!r} is not an email address")
    if args.maildir:
        path = Path(args.maildir).expanduser().resolve()
        missing = [f"{sub}/" for sub in ("cur", "new") if not (path / sub).is_dir()]
        if missing:  # (the provider reads both: with one alone, every sync would fail)
            raise CliError(f"{path} is not a Maildir (no {' or '.join(missing)} inside)")
        return Mailbox(email, "maildir", str(path))
    kind = "exchange" if args.exchange else "graph"
    return Mailbox(email, kind, email)


def _user_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("action", choices=["add"], help="what to do")
    command.add_argument("email", help="the user's email address")
    command.add_argument("--name", required=True, help="the user's name, used to sign replies")
    command.add_argument("--locale", choices=LOCALES, help="language of the bot (default: LOCALE)")
    command.add_argument("--timezone", help="the user's time zone (default: TIMEZONE)")
    command.add_argument(
        "--work-hours",
        help="the user's working spans, e.g. 08:30-12:00,13:30-17:30 (default: WORK_HOURS)",
    )
    where = command.add_mutually_exclusive_group(required=True)
    where.add_argument("--maildir", help="a local Maildir mailbox")
    where.add_argument("--exchange", action="store_true", help="an Exchange Server mailbox (EWS)")
    where.add_argument("--graph", action="store_true", help="an Exchange Online mailbox (Graph)")


# ── sync, remind, tick ──────────────────────────────────────────────────────
def _progress(email: str, page: SyncPage) -> None:
    """One line per page. Mailboxes sync in threads: each line goes out whole, in one
    write under a lock (`print` writes the text and its newline apart, so two mailboxes'
    lines ran together)."""
    if page.mails or page.skipped:
        total = f"/{page.total}" if page.total else ""
        line = (
            f"  {email} {page.folder}: {page.seen}{total} read, {len(page.mails)} in this page"
            + (f", {page.skipped} skipped" if page.skipped else "")
        )
        with _PROGRESS_LOCK:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()


_PROGRESS_LOCK = threading.Lock()


@contextmanager
def _ctrl_c_ends_pages() -> Iterator[None]:
    """Ctrl-C during a sync: each mailbox stops after its current page and hands itself
    back. (Mailboxes sync in threads, and Ctrl-C reaches only the main thread, which
    then waited for every mailbox to finish its whole sync.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def note(*_: object) -> None:  # the first Ctrl-C; a second one interrupts at once
        _INTERRUPTED.set()
        signal.signal(signal.SIGINT, previous)
        sys.stderr.write("stopping after the current page (Ctrl-C again to quit now)\n")

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        interrupted = _INTERRUPTED.is_set()
        _INTERRUPTED.clear()
    if interrupted:
        raise KeyboardInterrupt


_INTERRUPTED = threading.Event()


def _synced(app: composition.App, now: datetime) -> list[ingest.Report]:
    def progress(email: str, page: SyncPage) -> None:
        _progress(email, page)
        if _INTERRUPTED.is_set():
            raise KeyboardInterrupt

    with _ctrl_c_ends_pages():
        return app.sync(now, progress=progress)


def _sync(args: argparse.Namespace, settings: Any) -> int:
    app = _app(args, settings)
    reports = _synced(app, app.clock.now())
    for report in reports:
        if report.busy_until is not None:
            until = f"{report.busy_until.astimezone(ZoneInfo(settings.timezone)):%H:%M}"
            print(
                f"{report.email}: not synced — another process is syncing it (one stopped "
                f"without handing it back holds it until {until})"
            )
        elif not report.error:
            print(
                f"{report.email}: {report.new} new, {report.skipped} skipped, "
                f"{len(report.answered)} answered — ok"
            )
    return _mailbox_errors(reports)


def _remind(args: argparse.Namespace, settings: Any) -> int:
    app = _app(args, settings)
    _show_deliveries(app, app.remind(app.clock.now()), args.json)
    return 0


def _tick(args: argparse.Namespace, settings: Any) -> int:
    app = _app(args, settings)
    now = app.clock.now()
    reports = _synced(app, now)
    _show_deliveries(app, app.remind(max(now, app.clock.now())), args.json)  # see worker.tick
    return _mailbox_errors(reports)


def _mailbox_errors(reports: list[ingest.Report]) -> int:
    """One line on stderr for each mailbox that failed, and 1 if any did (the others
    were synced all the same)."""
    for report in reports:
        if report.error:
            print(f"replyminder: {report.email}: {report.error}", file=sys.stderr)
    return 1 if any(report.error for report in reports) else 0


def _show_deliveries(
    app: composition.App, deliveries: list[remind.Delivery], as_json: bool
) -> None:
    if not as_json and not deliveries:
        print("no reminders due")
    with app.store.session() as session:
        for delivery in deliveries:
            if not as_json:
                print(f"── {delivery.kind} to {delivery.user} ({delivery.channel}) ──")
                print(delivery.card.as_text() + "\n")
                continue
            user = users.user_by_email(session, delivery.user)
            found = [threads.get(session, i) for i in delivery.thread_ids]
            shown = [
                thread_json(session, t, user.locale, user.timezone) for t in found if t is not None
            ]
            line: dict[str, object] = {
                "user": delivery.user,
                "channel": delivery.channel,
                "kind": delivery.kind,
                "thread": None if delivery.kind == "digest" else (shown[0] if shown else None),
                "text": delivery.card.as_text(),
            }
            if delivery.kind == "digest":
                line["threads"] = shown
            _print_json(line)


def _json_flag(
    command: argparse.ArgumentParser, what: str = "JSON lines, one per message sent"
) -> None:
    command.add_argument("--json", action="store_true", help=f"print {what}")


# ── chat, threads ───────────────────────────────────────────────────────────
def _chat(args: argparse.Namespace, settings: Any) -> int:
    app = _app(args, settings)
    answer = act.act(app.store, app.acting, args.email, args.text, "console", app.clock.now())
    if not args.json:
        print(answer.reply)
        return 0
    with app.store.session() as session:
        user = users.user_by_email(session, args.email)
        thread = threads.get(session, answer.thread_id) if answer.thread_id else None
        shown = thread_json(session, thread, user.locale, user.timezone) if thread else None
    _print_json({"reply": answer.reply, "action": answer.action, "thread": shown})
    return 0


def _chat_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("email", help="the user who writes")
    command.add_argument(
        "text", type=_utf8, help="what they write, e.g. 'snooze #3 2h' or 'hẹn #3 thứ sáu'"
    )
    _json_flag(command, "one JSON object: the reply, the action, the thread")


def _utf8(text: str) -> str:
    """Bytes the terminal sent that are no UTF-8 come as lone surrogates: refused here, in
    the usage's words, rather than by the database's encoder."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "not valid UTF-8 (check the terminal's encoding)"
        ) from None
    return text


def _threads(args: argparse.Namespace, settings: Any) -> int:
    app = _app(args, settings)
    with app.store.session() as session:
        user = users.user_by_email(session, args.email)
        rows = (
            threads.all_threads(session, user.id)
            if args.all
            else threads.open_threads(session, user.id)
        )
        shown = [thread_json(session, t, user.locale, user.timezone) for t in rows]
    if args.json:
        _print_json(shown)
        return 0
    for t in shown:
        risks = " ⚠ " + ", ".join(r["kind"] for r in t["risks"]) if t["risks"] else ""
        print(
            f"#{t['ref']:<4} {t['state']:<9} {t['importance']:<6} due {t['due_at'][:16]}  "
            f"{t['from']} — {t['subject']}{risks}"
        )
    if not shown:
        print("no threads" if args.all else "no open threads")
    return 0


def _threads_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("email", help="whose threads")
    command.add_argument("--all", action="store_true", help="every state, not only open ones")
    _json_flag(command, "a JSON array of threads")


# ── status ──────────────────────────────────────────────────────────────────
def _status(args: argparse.Namespace, settings: Any) -> int:
    app = _app(args, settings)
    with app.store.session() as session:
        rows = users.mailbox_status(session)
    zone = ZoneInfo(settings.timezone)  # the organisation's clock, as sync's messages say

    def local(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else "never"

    for email, row in rows:
        ok = local(row.last_success_at)
        error = (
            f" · last error {local(row.last_error_at)}: {row.last_error}" if row.last_error else ""
        )
        print(f"{email:<32} {row.kind:<8} last synced {ok}{error}")
    if not rows:
        print("no mailboxes yet (add one with: replyminder user add)")
    return 1 if any(row.last_error for _, row in rows) else 0


def _nothing(command: argparse.ArgumentParser) -> None:
    pass


def _eval(args: argparse.Namespace, settings: Any) -> int:
    from bot.evaluation import corpora, table
    from bot.evaluation.run import evaluate

    root = Path(args.corpora).expanduser() if args.corpora else corpora.default_root()
    if not root.is_dir():
        raise CliError(f"no corpora folder at {root} (pass --corpora PATH)")
    if args.sample is not None and args.sample < 1:
        raise CliError("--sample must be 1 or more")
    try:
        result = evaluate(root, settings.calendar, args.sample, _say, live=args.live)
    except corpora.CorpusMissing as error:
        raise CliError(str(error)) from None
    shown = json.dumps(table.as_json(result), ensure_ascii=False) if args.json else None
    print(shown or table.render(result))
    return 0 if result.met else 1  # a missed target fails the command, so CI notices


def _say(line: str) -> None:
    print(f"  … {line}", file=sys.stderr, flush=True)


def _eval_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("--sample", type=int, metavar="N", help="at most N messages per set")
    command.add_argument("--corpora", metavar="PATH", help="default: ../shared/corpora")
    command.add_argument(
        "--live", action="store_true", help="also replay Enron as hourly syncs (slower)"
    )
    _json_flag(command, "the figures as JSON")


def _demo(args: argparse.Namespace, settings: Any) -> int:
    from bot.demo import run_demo

    return run_demo(args.now)


def _run(args: argparse.Namespace, settings: Any) -> int:
    return _serving(settings, SystemClock(), ticking=True)


def _web(args: argparse.Namespace, settings: Any) -> int:
    return _serving(settings, _clock(args), ticking=False)


def _serving(settings: Any, clock: Clock, *, ticking: bool) -> int:
    from bot import web, worker  # (aiohttp and the chat SDKs: only for the commands that serve)

    try:
        return worker.run(settings, clock, web=True, ticking=ticking)
    except web.PortUnavailable as error:
        raise CliError(str(error)) from None


def _worker(args: argparse.Namespace, settings: Any) -> int:
    from bot import worker

    return worker.run(settings, _clock(args), web=False, ticking=True)


# ── teams-package ───────────────────────────────────────────────────────────
def _teams_package(args: argparse.Namespace, settings: Any) -> int:
    if not settings.teams_app_id:
        raise CliError("set REPLYMINDER_TEAMS_APP_ID (the Azure Bot's Microsoft App ID) first")
    domains = settings.internal_domains
    website = args.website or (f"https://{domains[0]}" if domains else "")
    if not website:
        raise CliError("pass --website https://… (Teams shows it as the publisher's site)")
    try:
        out = teams_package.build(Path(args.out), settings.teams_app_id, website, args.developer)
    except OSError as error:
        raise CliError(f"cannot write {args.out}: {error.strerror}") from None
    print(f"wrote {out}: manifest.json (bot {settings.teams_app_id}, personal scope), ", end="")
    print("vi-vn.json, color.png, outline.png")
    print("Upload it in Teams: Apps → Manage your apps → Upload an app (or the admin center).")
    return 0


def _teams_package_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", default="replyminder-teams.zip", help="zip to write")
    command.add_argument("--website", help="https:// site of the publisher (default: first domain)")
    command.add_argument("--developer", default="Replyminder", help="publisher name in Teams")


_COMMANDS: list[tuple[str, str, Callable[..., int], Callable[[argparse.ArgumentParser], None]]] = [
    ("db", "apply database migrations", _db, _db_args),
    ("user", "register a user and their mailbox", _user, _user_args),
    ("sync", "one pass over every mailbox", _sync, _nothing),
    ("remind", "one reminder pass; prints what was sent", _remind, _json_flag),
    ("tick", "sync, then remind", _tick, _json_flag),
    ("chat", "a user's chat message to the bot; prints the answer", _chat, _chat_args),
    ("threads", "a user's threads (open ones; --all for every state)", _threads, _threads_args),
    ("status", "each mailbox with its last successful sync and last error", _status, _nothing),
    ("run", "the long-running service: sync, reminders and the web server", _run, _nothing),
    ("web", "the web server alone (chat platforms' endpoints)", _web, _nothing),
    ("worker", "the sync-and-remind loop alone", _worker, _nothing),
    ("demo", "the embedded walk-through (no network, no configuration)", _demo, _nothing),
    ("eval", "triage, risks, threading and replies measured on the corpora", _eval, _eval_args),
    ("teams-package", "the Teams app package to upload", _teams_package, _teams_package_args),
]

if __name__ == "__main__":
    raise SystemExit(main())
