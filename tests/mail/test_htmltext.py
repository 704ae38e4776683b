"""Links read from HTML as a browser would find them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.core.mail import Link
from bot.mail import htmltext
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


# The plain lazy form of `htmltext._HIDDEN`, which it replaced for speed.
_LAZY_HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?][^<>]*+>"
    r"|<(script|style|title|template)\b[^<>]*+>.*?(?:</\1\s*>|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_MARKUP = st.sampled_from(
    [
        *("<!--", "-->", "--", "-", "->", "<!", "<?", "<", ">", "</", "/", " ", "\n", "x", "a"),
        *("<style>", "</style>", "</STYLE >", "<Script a='>'>", "</script>", "<title", "</titlex>"),
        *("<template", "style", "script", "<p>", "</p>"),
    ]
)


@given(st.lists(_MARKUP, max_size=20).map("".join))
def test_hidden_parts_are_those_the_lazy_pattern_finds(markup: str) -> None:
    """Comments, scripts and styles are hidden exactly as the plain lazy pattern hid them."""
    assert _LAZY_HIDDEN.sub(" ", markup) == htmltext._HIDDEN.sub(" ", markup)


_ATTRIBUTES = st.sampled_from(
    [" ", "\n", "href", "HREF", "hreflang", "=", " = ", '"', "'", "x", "&amp;", "/", "title"]
)


@given(st.lists(_ATTRIBUTES, max_size=12).map("".join))
def test_a_plainly_written_target_is_read_as_every_attribute_is(attributes: str) -> None:
    """The shortcut for ' href="…"' reads the same target as the attribute rule."""
    assert htmltext._attribute(attributes, "href") == htmltext._href(attributes)
