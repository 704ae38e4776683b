"""The evaluation's counting on tiny synthetic inputs: rates, pairs, agreement, rows."""

from __future__ import annotations

from bot.evaluation.metrics import Rate, Row, agreement, pairs, row


def test_a_rate_names_its_misses() -> None:
    """Hits are counted; the items that missed are named in order."""
    rate = Rate()
    for name, hit in (("a", True), ("b", False), ("c", True)):
        rate.add(name, hit)
    assert (2, 3, ["b"]) == (rate.hits, rate.total, rate.misses)


def test_an_offence_rate_names_the_offenders() -> None:
    """For a ceiling (false alarms) the named items are the hits."""
    rate = Rate(offences=True)
    for name, alarm in (("a", False), ("b", True)):
        rate.add(name, alarm)
    assert (0.5, ["b"]) == (rate.value, rate.misses)


def test_an_empty_rate_is_zero() -> None:
    """No items: a share of 0, never a division by zero."""
    assert 0.0 == Rate().value


def test_a_row_meets_a_floor_or_a_ceiling() -> None:
    """≥ targets are met from above, ≤ targets from below; no target: no verdict."""
    good, bad = Rate(9, 10), Rate(1, 10)
    assert (True, False, True, None) == (
        row("g", "n", "m", good, 0.9).met,
        row("g", "n", "m", bad, 0.9).met,
        row("g", "n", "m", bad, 0.1, at_most=True).met,
        Row("g", "n", "m", 1, 0.5).met,
    )


def test_pairs_of_a_partition() -> None:
    """The same-group pairs of a partition, each once, names sorted."""
    assert {("a", "b")} == pairs({"a": 1, "b": 1, "c": 2}, ["c", "b", "a"])


def test_agreement_with_a_reference_partition() -> None:
    """Splitting one reference thread in two loses recall, keeps precision."""
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    found = {"a": 1, "b": 1, "c": 3, "d": 2}
    score = agreement(found, truth)
    assert (1.0, 1 / 3, 1 - 2 / 6, 4) == (
        score.precision,
        score.recall,
        score.agreement,
        score.items,
    )
