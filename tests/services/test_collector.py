"""The garbage collector's settings during a sync: tuned while any sync runs, then restored."""

# STYLE.md: tests compare `expected == actual` (move to pyproject's per-file-ignores)

from __future__ import annotations

import gc

from bot.services import ingest


def test_a_sync_sets_the_collector_for_bulk_and_gives_it_back() -> None:
    """Inside: young objects collected every BULK_THRESHOLD allocations, old ones frozen."""
    before = gc.get_threshold()
    with ingest._collector_for_bulk():
        inside = (gc.get_threshold()[0], gc.get_freeze_count() > 0)
    assert ((ingest.BULK_THRESHOLD, True), before, 0) == (
        inside,
        gc.get_threshold(),
        gc.get_freeze_count(),
    )


def test_overlapping_syncs_restore_only_when_the_last_one_ends() -> None:
    """Syncs run in threads: the first to end must not restore under the other's feet."""
    before = gc.get_threshold()
    first, second = ingest._collector_for_bulk(), ingest._collector_for_bulk()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    while_second_runs = gc.get_threshold()[0]
    second.__exit__(None, None, None)
    assert (ingest.BULK_THRESHOLD, before) == (while_second_runs, gc.get_threshold())


def test_a_failing_sync_restores_the_collector_too() -> None:
    """An exception inside the sync still gives the settings back."""
    before = gc.get_threshold()
    try:
        with ingest._collector_for_bulk():
            raise RuntimeError("mailbox gone")
    except RuntimeError:
        pass
    assert (before, 0) == (gc.get_threshold(), gc.get_freeze_count())


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    """A server that froze its preloaded objects keeps them frozen after a sync."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with ingest._collector_for_bulk():
            inside = gc.get_freeze_count()
        after = gc.get_freeze_count()  # (a frozen object that dies leaves the count)
        assert (True, True) == (inside <= frozen, 0 < after <= frozen)
    finally:
        gc.unfreeze()
