"""Forward suggestions from the routing file and the user's own history."""

from __future__ import annotations

from bot.core.mail import Address
from bot.core.suggest import PastForward, Route, suggest

ACCOUNTING = Route("ketoan", "Phòng Kế toán", "ketoan@acme.vn", ("hóa đơn", "invoice"), ())
LOGISTICS = Route("kho", "Kho vận", "kho@acme.vn", ("giao hàng",), ("vantai.vn",))
ROUTES = (ACCOUNTING, LOGISTICS)
SENDER = Address("hoa@partner.vn", "Phạm Hoa")
LAN = Address("lan@acme.vn", "Trần Thị Lan")


def emails(found: tuple[object, ...]) -> list[str]:
    return [s.to.email for s in found]  # type: ignore[attr-defined]


def test_keyword_in_either_language_routes_to_the_team() -> None:
    """ "hóa đơn" (or "hoa don" typed plain) points to accounting, with the reason."""
    found = suggest("Hoa don thang 11", "", SENDER, "me@acme.vn", ROUTES, (), "hoa don thang 11")
    assert ["ketoan@acme.vn"] == emails(found)
    assert "“hóa đơn”" in found[0].reason("vi") and "Phòng Kế toán" in found[0].reason("en")


def test_sender_domain_routes_to_the_team() -> None:
    """Mail from a domain a team handles goes to that team."""
    sender = Address("a@xe.vantai.vn")
    assert ["kho@acme.vn"] == emails(suggest("Lịch xe", "", sender, "me@acme.vn", ROUTES, (), "x"))


def test_history_comes_first_and_counts() -> None:
    """Where the user forwarded this sender's mail before ranks first."""
    history = [PastForward(SENDER.email, "a", LAN), PastForward(SENDER.email, "b", LAN)]
    found = suggest("Invoice", "", SENDER, "me@acme.vn", ROUTES, history, "invoice")
    assert ["lan@acme.vn", "ketoan@acme.vn"] == emails(found)
    assert "2" in found[0].reason("en")


def test_never_the_user_or_the_sender_and_at_most_three() -> None:
    """Suggestions skip the user and the sender, and stop at three."""
    history = [PastForward(SENDER.email, "s", Address(f"p{i}@acme.vn")) for i in range(5)]
    history += [
        PastForward(SENDER.email, "s", Address("me@acme.vn")),
        PastForward(SENDER.email, "s", SENDER),
    ]
    found = suggest("s", "", SENDER, "me@acme.vn", ROUTES, history, "s")
    assert 3 == len(found)
    assert not {"me@acme.vn", SENDER.email} & set(emails(found))


def test_no_match_no_suggestion() -> None:
    """Nothing in the routing file or history: no suggestion at all."""
    assert () == suggest("Lunch?", "", SENDER, "me@acme.vn", ROUTES, (), "lunch?")


def test_the_history_reason_reads_naturally_for_one_and_for_many() -> None:
    """ "an email" for one earlier forward, "3 emails" for three; Vietnamese has no plural."""
    one = suggest("Hi", "", SENDER, "me@acme.vn", (), [PastForward(SENDER.email, "a", LAN)], "hi")
    many = suggest(
        "Hi", "", SENDER, "me@acme.vn", (), [PastForward(SENDER.email, "a", LAN)] * 3, "hi"
    )
    assert [
        "you forwarded an email from Phạm Hoa to them before",
        "you forwarded 3 emails from Phạm Hoa to them before",
        "bạn đã chuyển một email của Phạm Hoa cho người này trước đây",
    ] == [one[0].reason("en"), many[0].reason("en"), one[0].reason("vi")]
