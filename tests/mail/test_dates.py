from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.mail.dates import read_date


def stdlib(value: str) -> datetime | None:
    """What the stdlib alone makes of a header date (the rule the fast path keeps)."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thu, 19 Nov 2026 16:08:06 +0700", datetime(2026, 11, 19, 9, 8, 6, tzinfo=UTC)),
        ("\n\t19 Nov 2026 16:08 -0330 (NST)", datetime(2026, 11, 19, 19, 38, tzinfo=UTC)),
        ("Thu,19 Nov 2026 16:08:06 -0000", datetime(2026, 11, 19, 16, 8, 6, tzinfo=UTC)),
        ("Thu, 19 Nov 2026 16:08:06 GMT", datetime(2026, 11, 19, 16, 8, 6, tzinfo=UTC)),
        ("Thu, 31 Nov 2026 16:08:06 +0700", None),
        ("Thu, 19 Nov 2026 16:08:06 +9999", None),
        ("sometime last week", None),
        ("", None),
    ],
)
def test_header_dates(value: str, expected: datetime | None) -> None:
    """The common shape and the rest read to the same instant; an impossible date is None."""
    assert expected == read_date(value)


_TEXT = st.text(alphabet=" \t\n,:+-()0123456789JanNovDecThuGMTx", max_size=40)


@given(
    st.one_of(
        _TEXT,
        st.builds(
            "{}{} {} {} {:02d}:{:02d}{} {}{:04d}{}".format,
            st.sampled_from(["", "Thu, ", "Thu,", "thu, ", "Xyz,"]),
            st.integers(0, 99),
            st.sampled_from(["Jan", "Feb", "Nov", "nov", "Dec"]),
            st.sampled_from(["2026", "1999", "0099", "99", "10000"]),
            st.integers(0, 99),
            st.integers(0, 99),
            st.sampled_from(["", ":00", ":59", ":60", ":7"]),
            st.sampled_from(["+", "-", ""]),
            st.integers(0, 9999),
            st.sampled_from(["", " (ICT)", "x", "\n", " +0100"]),
        ),
    )
)
def test_the_fast_path_reads_dates_as_the_stdlib_does(value: str) -> None:
    """Same datetime and same zone as `parsedate_to_datetime` for every string."""
    expected, actual = stdlib(value), read_date(value)
    assert (expected, expected and expected.tzinfo) == (actual, actual and actual.tzinfo)


def test_zones_are_the_stdlibs() -> None:
    """An offset is a fixed zone, as the stdlib makes it (so stored values are unchanged)."""
    zone = timezone(timedelta(hours=-3, minutes=-30))
    assert zone == read_date("19 Nov 2026 16:08:06 -0330").tzinfo  # type: ignore[union-attr]
