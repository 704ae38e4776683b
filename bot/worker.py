"""The worker: a loop around `tick(now)`, and `run`, which adds the web server.

A tick syncs the mailboxes whose turn has come (each leased, so several workers
on PostgreSQL share the work) and then sends the reminders that are due. Tests
call `tick` directly with a fixed `now`; only this loop waits for real time.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from bot import app as composition
from bot.core.clock import Clock
from bot.settings import Settings
from bot.store import db
from bot.web import serve

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0


class Stopping(BaseException):
    """The service is stopping: a sync in progress ends after its current page, handing
    its mailboxes back (not an `Exception`: nothing on the way may take it for a failure)."""


def tick(app: composition.App, now: datetime, stop: threading.Event | None = None) -> None:
    """One round of the service: due mailboxes, then due reminders as of the end of the
    sync. A first sync can take minutes; reminders planned at the tick's start time would
    be leased (5 minutes) from then, and another worker could take them as abandoned
    while this one sends them. Once `stop` is set, the sync ends at its next page."""

    def stopped(_email: str, _page: object) -> None:
        if stop is not None and stop.is_set():
            raise Stopping

    try:
        reports = app.sync(now, due_only=True, progress=stopped)
    except SQLAlchemyError as error:  # the reminders already due still go out (or fail too)
        log.error("sync failed: database: %s", db.reason(error))
        reports = []
    except Exception:
        log.exception("sync failed")
        reports = []
    for report in reports:
        if report.error:
            log.warning("sync %s failed: %s", report.email, report.error)
        elif report.new:
            log.info("sync %s: %d new", report.email, report.new)
    for delivery in app.remind(max(now, app.clock.now())):
        log.info("sent %s to %s via %s", delivery.kind, delivery.user, delivery.channel)


def keep_ticking(app: composition.App, stop: threading.Event) -> None:
    log.info(
        "worker started: mail every %d min, reminders every %ds",
        app.settings.poll_minutes,
        int(TICK_SECONDS),
    )
    while not stop.is_set():
        try:
            tick(app, app.clock.now(), stop)
        except Stopping:
            log.info("worker stopped in the middle of a sync; its mailboxes are handed back")
            return
        except SQLAlchemyError as error:  # its message would quote rows (PostgreSQL's detail)
            log.error("tick failed: database: %s", db.reason(error))
        except Exception:  # a bad round must not end the service; the next one retries
            log.exception("tick failed")
        stop.wait(TICK_SECONDS)


def run(settings: Settings, clock: Clock, *, web: bool, ticking: bool) -> int:
    """`run` (both halves), `web` (the server alone) or `worker` (the loop alone).

    `clock` is the real one, or (`web`/`worker --now`) a fixed one for trying things out.
    """
    app = composition.build(settings, clock, echo=sys.stdout)  # the console chat's DMs
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = threading.Thread(target=keep_ticking, args=(app, stop), name="worker", daemon=True)
    if ticking:
        worker.start()
    try:
        if web:
            serve(app, settings.port)  # returns on SIGTERM or Ctrl-C (aiohttp's own handlers)
        else:
            while not stop.wait(3600):
                pass
    except KeyboardInterrupt:  # Ctrl-C: a stop like SIGTERM, not a failure
        pass
    finally:  # (also when the web server could not start: the worker may be mid-sync)
        stop.set()
        if worker.is_alive():
            log.info("stopping: the sync in progress ends after its current page")
            worker.join(STOP_SECONDS)
    return 0


# How long a stop waits for the sync's page (then its lease stays 30 min): under the grace
# platforms give before they kill (Heroku 30 s, Docker 10 s; set its stop timeout higher)
STOP_SECONDS = 8.0
