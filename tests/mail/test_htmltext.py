"""Links read from HTML as a browser would find them."""

from __future__ import annotations

from bot.core.mail import Link
from bot.mail.htmltext import read_html


def links(markup: str) -> list[Link]:
    return read_html(markup, text=False, text_limit=1_000, link_limit=10)[1]


def test_a_slash_after_the_tag_name_still_makes_a_link() -> None:
    """ "<a/href=…>": a browser takes the "/" for a space; the link was not seen at all."""
    markup = 'Xem <a/href="https://evil.example/x">https://www.vietcombank.com.vn</a/> ngay'
    assert [Link("https://www.vietcombank.com.vn", "https://evil.example/x")] == links(markup)


def test_quoted_unquoted_and_upper_case_links() -> None:
    markup = "<A HREF=https://a.vn/1>one</A> <a href='https://b.vn/2'>two</a>"
    assert [Link("one", "https://a.vn/1"), Link("two", "https://b.vn/2")] == links(markup)
