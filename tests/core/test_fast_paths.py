"""The shortcuts the triage takes for speed give exactly what the plain way gives.

Each fast path (word pre-checks on patterns, sentences cut only where a phrase starts,
URLs blanked word by word, accents taken off letter by letter) is compared with the
straightforward code it replaced, on texts hypothesis makes up to break it.
"""

# STYLE.md: tests compare `expected == actual` (move to pyproject's per-file-ignores)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core import bulk, cues, folded, language, literals, lures, reading, text
from bot.core.cues import Prose
from bot.core.triage import triage
from tests.core.mails import NOW, STRANGER, mail, viewer

# Letters, marks, punctuation and spaces the rules care about, and a few that are odd.
_ALPHABET = st.sampled_from(
    list("aeiouyAEIOU ăâđêôơưĂĐƠƯáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ")
    + list(" \n\t.!?,:;-_@/'\"()0123456789")
    + list("\u0301\u0323ſ\u212aİßﬁΩéñøæ中한\xa0")
)
_WORDS = st.sampled_from(
    [
        *("urgent", "please send", "your password", "enter", "otp", "today", "tomorrow"),
        *("hôm nay", "ngày mai", "khẩn", "gấp", "bank account number", "new", "wire transfer"),
        *("verify identity", "www.", "http://", "a@b.com", "mật khẩu", "chuyển khoản"),
        *("số tài khoản", "unsubscribe", "removed from list", "do not reply"),
    ]
)
_TEXTS = st.lists(st.one_of(_WORDS, st.text(_ALPHABET, max_size=6)), max_size=30).map(" ".join)
_JOINED = st.lists(st.tuples(_TEXTS, st.sampled_from([". ", "? ", "!\n", "\n\n", " ", "\n"])))
_MAILS = _JOINED.map(lambda parts: "".join(a + b for a, b in parts))


def _old_sentences(prose: Prose) -> Iterator[Prose]:
    """Every sentence, cut as before the shortcut."""
    start = 0
    for end in re.finditer(r"[.!?]+(?=\s)|\n\s*\n|$", prose.plain):
        chunk = Prose(prose.text[start : end.end()], prose.plain[start : end.end()])
        start = end.end()
        if chunk.text.strip():
            yield Prose(" ".join(chunk.text.split()), " ".join(chunk.plain.split()))


_SENTENCE_PATTERNS = (cues._DAY_WORD, lures._GIVE_SECRET, lures._CHANGED_ACCOUNT, lures._PAYMENT)


@settings(max_examples=300)
@given(_MAILS)
@example("Please send it today. Thanks!\n\nEnter your password at http://x.y now.")
@example("Chuyển khoản vào số tài khoản mới hôm nay nhé? Cảm ơn.")
def test_sentences_cut_where_a_phrase_starts_are_the_ones_that_hold_it(written: str) -> None:
    """A sentence left out holds no match; the sentences made are cut as before."""
    prose = Prose.of(written)
    every = list(_old_sentences(prose))
    assert every == list(cues.sentences(prose))
    for pattern in _SENTENCE_PATTERNS:
        expected = [s for s in every if folded.search(pattern, s.plain)]
        actual = [s for s in cues.sentences(prose, pattern) if folded.search(pattern, s.plain)]
        assert expected == actual


@given(_MAILS)
@example("write to ops@example.com or see www.example.com/a?b, or http://x.y/?q")
@example("@@ :// www.www. a@b.c@d.e")
@example("See WwW.Example.com, wWw.x.y or WWW.Z.VN; wwww. and w.w.w.x")
def test_urls_are_blanked_as_the_whole_text_pattern_blanks_them(written: str) -> None:
    """Blanking word by word gives the text the pattern gives over the whole text."""
    assert cues._URL.sub(" ", written) == cues.without_urls(written)


@given(st.text(_ALPHABET) | st.text())
@example("Hóa đơn THÁNG 12 — Đặng Thị Ánh")
@example("ſ\u212aİßﬁ e\u0301")
def test_accents_come_off_letter_by_letter_as_normalizing_takes_them_off(written: str) -> None:
    """The translation table and the NFD/NFC round trip agree on any text."""
    assert text._normalized(written) == text.unaccent(written)


# Text the one-byte codec takes whole: ASCII and the letters it knows.
_CODEC_TEXT = st.text(st.sampled_from([*text.VIETNAMESE_LETTERS, *map(chr, range(128))]))


@given(_CODEC_TEXT | st.text(_ALPHABET) | st.text())
@example("KHẨN CẤP: Đề nghị anh Kỹ gửi báo cáo trước thứ Sáu")
@example("Đặng “Ánh” ÿ")
@example("Khẩn \ufffe cấp")  # the codec's filler: not one of its letters
def test_accents_taken_off_in_c_are_those_the_tables_take_off(written: str) -> None:
    """`plain` and `unaccent` give what their translation tables give, letter by letter."""
    assert written.translate(language._PLAIN_LIST) == language.plain(written)
    if not text._ELSEWHERE.search(written):
        assert written.translate(text._LETTERWISE) == text.unaccent(written)


def test_a_letter_for_letter_codec_maps_to_one_ascii_character_each() -> None:
    """A mapping that makes two characters or a non-ASCII one is refused at once."""
    with pytest.raises(ValueError, match="one ASCII character"):
        text.letter_for_letter(lambda char: char * 2)
    with pytest.raises(ValueError, match="one ASCII character"):
        text.letter_for_letter(lambda char: char)  # "à" stays "à"
    upper = text.letter_for_letter(lambda char: language.plain(char).upper())
    assert ("KHAN CAP", None) == (upper("khẩn cấp"), upper("khẩn “cấp”"))


@given(_TEXTS, _WORDS.map(text.unaccent))
@example("gui_ bao cao", "bao cao")
@example("xbao cao bao cao", "bao cao")
def test_whole_words_are_found_as_the_pattern_finds_them(haystack: str, word: str) -> None:
    """The string search with word edges says what `(?<!\\w)word(?!\\w)` says."""
    haystack = text.unaccent(haystack)
    expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", haystack) is not None
    assert expected == text.contains_word(haystack, word)


_GUARDED = [pattern for pattern in folded._GUARDS if pattern is not bulk._UNSUBSCRIBE]


@pytest.mark.parametrize("pattern", _GUARDED, ids=lambda p: p.pattern[:30])
def test_every_made_up_match_of_a_guarded_pattern_holds_one_of_its_words(
    pattern: re.Pattern[str],
) -> None:
    """A second check of the proof: strings built to match hold a guard word."""
    twin, words = folded._fast(pattern), folded._GUARDS[pattern]
    assert twin is not None

    @settings(max_examples=60, deadline=None)
    @given(st.from_regex(twin))
    def holds_a_word(made: str) -> None:
        found = twin.search(made)
        assert found is not None
        assert any(word in found.group() for word in words), (found.group(), words)

    holds_a_word()


# The case-insensitive rules searched through `folded`, with and without known beginnings.
_RULES = [
    *(cues.URGENT.plain, cues.URGENT.marked, cues.REQUEST.plain, cues.REQUEST.marked),
    *(cues.QUESTION.plain, cues.DEADLINE.plain, cues._DAY_WORD, bulk._UNSUBSCRIBE),
    *(bulk._MACHINE_SAYS, lures._GIVE_SECRET, lures._VERIFY, lures._THREAT_TO_LOG_IN),
    *(lures._CHANGED_ACCOUNT, lures._PAYMENT, lures._WINDFALL, lures._ASKED),
]


_WITH_HEADS = [p for p in _RULES if (twin := folded._fast(p)) and folded._heads(twin)]


@pytest.mark.parametrize("pattern", _WITH_HEADS, ids=lambda p: p.pattern[:30])
def test_every_made_up_match_begins_with_one_of_the_patterns_heads(
    pattern: re.Pattern[str],
) -> None:
    """A second check of `literals.heads`: strings built to match begin with a head."""
    twin = folded._fast(pattern)
    assert twin is not None
    heads = folded._heads(twin)
    assert heads is not None

    @settings(max_examples=60, deadline=None)
    @given(st.from_regex(twin))
    def begins_with_a_head(made: str) -> None:
        found = twin.search(made)
        assert found is not None
        assert found.group().startswith(heads), (found.group(), heads)

    begins_with_a_head()


@settings(max_examples=200)
@given(_MAILS, st.integers(min_value=-3, max_value=40))
@example("Please send it before Friday, or by EOD. Hạn chót: thứ Sáu.", 7)
@example("Nhờ anh/chị có thể gửi số tài khoản mới? Wire transfer today.", 0)
def test_searching_only_where_a_match_may_begin_finds_what_the_engine_finds(
    written: str, pos: int
) -> None:
    """`search`, `finditer` and `starts` give the engine's own matches, heads or not."""
    for pattern in _RULES:
        expected = pattern.search(written, pos)
        found = folded.search(pattern, written, pos)
        assert (expected and expected.span()) == (found and found.span()), pattern.pattern
        every = [m.span() for m in pattern.finditer(written)]
        assert every == [m.span() for m in folded.finditer(pattern, written)], pattern.pattern
        assert folded._starts(pattern, written) == folded.starts(pattern, written)


def test_most_rules_are_searched_only_where_they_may_begin() -> None:
    """The busy rules have heads, so the engine runs only where one of them stands."""
    with_heads = {p for p in _RULES if (twin := folded._fast(p)) and folded._heads(twin)}
    assert {
        cues.DEADLINE.plain,
        cues.REQUEST.plain,
        lures._PAYMENT,
        lures._GIVE_SECRET,
    } <= with_heads
    assert len(with_heads) >= 12


@pytest.mark.parametrize(
    ("pattern", "heads"),
    [
        (r"(?<!\w)(?:ab|cd)(?!\w)", ("ab", "cd")),  # look-arounds spell nothing
        (r"(?:i )?need", ("need", "i need")),  # an optional start: with it and without
        (r"x[yz]\d+", ("xy", "xz")),  # a class of few letters, then anything
        (r"(?:ab)+c", ("ab",)),  # a repeat taken at least once: its body's beginnings
        (r"abc|ab", ("ab",)),  # a longer head that begins with a kept one says nothing more
        (r"(?:a|b)(?:c|d)(?:e|f)(?:g|h)(?:i|j)(?:k|l)(?:m|n)", ("acegik", "acegil")),  # 2**7: cut
    ],
)
def test_a_patterns_heads_are_the_strings_every_match_begins_with(
    pattern: str, heads: tuple[str, ...]
) -> None:
    """`heads` reads the beginnings off the syntax tree, the fewest that say so."""
    found = literals.heads(pattern, 0)
    assert found is not None
    assert heads == found[: len(heads)]
    assert len(found) <= literals.HEADS


@pytest.mark.parametrize("pattern", [r"\w+ing", r"(?:ab)?\d", r"a|.b", r"(?:ab)*c", r"[^a]x"])
def test_a_pattern_that_may_begin_anywhere_has_no_heads(pattern: str) -> None:
    """A class, `.`, or a part taken no times at the start: no heads, the engine alone."""
    assert literals.heads(pattern, 0) is None


def test_the_guarded_patterns_are_the_busy_ones() -> None:
    """The rules searched in every mail carry their pre-checks (so the proof runs)."""
    expected = {bulk._UNSUBSCRIBE, bulk._MACHINE_SAYS, cues.URGENT.plain, lures._GIVE_SECRET}
    assert expected <= set(folded._GUARDS)


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"ab|cd", ("ab",)),  # a branch without one
        (r"x(?:ab)?y", ("ab",)),  # optional
        (r"a\w+b", ("ab",)),  # a class in between
        (r"(?:ab)*", ("ab",)),  # taken no times
        (r"ab", ("",)),  # the empty word would make the pre-check always pass
    ],
)
def test_a_word_list_that_misses_matches_is_refused(pattern: str, words: tuple[str, ...]) -> None:
    """`prove` raises rather than let a pre-check hide a match."""
    with pytest.raises(literals.Unproven):
        literals.prove(pattern, 0, words)


@pytest.mark.parametrize(
    ("pattern", "words", "kept"),
    [
        (r"(?<!\w)(?:ab|cd)(?!\w)", ("ab", "cd"), ("ab", "cd")),
        (r"x(?:y|z)w", ("xyw", "xzw"), ("xyw", "xzw")),  # spelled out in full
        (r"[ab]c", ("ac", "bc", "ac"), ("ac", "bc")),  # kept once each, in order
        (r"q(?:ab)+", ("ab",), ("ab",)),  # taken at least once
    ],
)
def test_a_sound_word_list_is_kept(
    pattern: str, words: tuple[str, ...], kept: tuple[str, ...]
) -> None:
    """`prove` gives the words back when every match holds one."""
    assert kept == literals.prove(pattern, 0, words)


@pytest.mark.parametrize(("pattern", "flags"), [(r"ab", re.IGNORECASE), (r"(?i)ab", 0)])
def test_a_case_insensitive_pattern_is_not_proven(pattern: str, flags: int) -> None:
    """Words are compared with lower-cased text: only the lower-case twin is proven, and
    a pattern that ignores case by a "(?i)" of its own has neither words nor heads."""
    with pytest.raises(literals.Unproven):
        literals.prove(pattern, flags, ("ab",))
    with pytest.raises(literals.Unproven):
        literals.heads(pattern, flags)


def test_a_guard_stops_a_search_only_where_no_word_is() -> None:
    """Text without a guard word is not searched; text with one is, as before."""
    assert folded.search(lures._GIVE_SECRET, "Please enter your details below") is None
    found = folded.search(lures._GIVE_SECRET, "Please ENTER your PIN below")
    assert found is not None and "ENTER your PIN" == found.group()
    assert unicodedata.is_normalized("NFC", found.group())


def _old_excerpt(written: str, limit: int) -> str:
    flat = " ".join(written.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + "…"


@given(st.text(st.sampled_from("ab \n\t\xa0.")), st.integers(min_value=1, max_value=40))
@example("a" * 300, 240)
@example(" " * 2000 + "tail words here", 10)
def test_an_excerpt_from_the_beginning_is_the_excerpt_of_the_whole(
    written: str, limit: int
) -> None:
    """Reading only the first part of a long mail gives the same excerpt."""
    assert _old_excerpt(written, limit) == text.excerpt(written, limit)


def test_a_negative_start_searches_from_the_beginning_as_the_engine_does() -> None:
    """pattern.search(text, -3) means from 0; the word pre-check must not read it as the
    last 3 characters."""
    written = "This is URGENT, reply now."
    expected = cues.URGENT.plain.search(written, -3)
    found = folded.search(cues.URGENT.plain, written, -3)
    assert expected is not None and found is not None
    assert expected.span() == found.span()


@pytest.mark.parametrize("written", ["ab", "", "İb", "a\nb"])
def test_every_start_of_a_pattern_that_may_match_nothing_is_found_once(written: str) -> None:
    """A pattern that matches the empty string at the end is found there once: searching
    from past the end starts at the end again, which looped forever."""
    pattern = re.compile(r"b?$", re.IGNORECASE | re.MULTILINE)
    expected = [at for at in range(len(written) + 1) if pattern.match(written, at)]
    assert expected == folded.starts(pattern, written) == folded._starts(pattern, written)


@pytest.mark.parametrize("written", ["xB", "xb", "B", "bb B"])
def test_a_group_that_keeps_case_runs_the_pattern_as_written(written: str) -> None:
    """In "(?-i:b)" only "b" matches: on lower-cased text "B" would too, and with a
    possessive repeat around it a match could be lost, so such a pattern has no twin."""
    pattern = re.compile(r"(?:(?-i:b))?+(?>b)(?!b)", re.IGNORECASE)
    assert folded._fast(pattern) is None
    expected = [m.span() for m in pattern.finditer(written)]
    assert expected == [m.span() for m in folded.finditer(pattern, written)]


_QUOTE_STARTS = st.sampled_from(
    ["> ", "-- Original Message --", "----- Forwarded message", "____________", "On Mon, ",
     "Bob wrote:", "Vào thứ Hai, ", "An đã viết:", "From: a@b.c", "Sent: Mon", "Từ: An",
     "Gửi: Hai", "ON ", "\r", "", " >"]
)  # fmt: skip
_QUOTE_LINES = st.lists(st.tuples(_QUOTE_STARTS, st.text(_ALPHABET, max_size=8))).map(
    lambda lines: "\n".join(a + b for a, b in lines)
)


@given(_QUOTE_LINES | _MAILS)
@example("Hi\nOn Mon, Bob\nwrote:\n> old")
@example("> first line quoted")
def test_the_quoted_history_is_cut_where_a_line_start_search_cuts_it(written: str) -> None:
    """Searching from line break to line break cuts where "^" in multi-line mode cuts."""
    anchored = re.compile(f"^{reading._QUOTE_LINE}", re.IGNORECASE | re.MULTILINE)
    quoted = anchored.search(written)
    assert (written[: quoted.start()] if quoted else written) == reading.new_text(written)


@given(_TEXTS)
@example("Unsubscribe HERE, or see ACCOUNT details")
def test_the_words_present_in_a_text_are_found_in_one_pass(written: str) -> None:
    """`present` reports exactly the watched words the lower-cased text holds."""
    low = written.lower()
    assert {w for w in folded._WATCHED if w in low} == folded.present(low)


_SCAM_WORDS = st.sampled_from(
    [
        *("million dollars", "US$ 5,000,000", "beneficiary", "next of kin", "late husband"),
        *("foreign account", "claim the funds", "30% of the total sum", "risk-free"),
        *("strictest confidence", "money transfer", "late\n", "do not reply to this"),
        *("this is an automated message", "vui lòng không trả lời", "hủy đăng ký"),
        *("click here to be removed", "http://x.y/unsubscribe", "hôm nay", "tomorrow?"),
    ]
)
_WHOLE_MAILS = st.lists(
    st.tuples(st.one_of(_TEXTS, _SCAM_WORDS, _QUOTE_STARTS), st.sampled_from([". ", "\n", " "]))
).map(lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=200, deadline=None)
@given(_TEXTS, _WHOLE_MAILS)
@example("Urgent", "Please confirm today?\n> On Mon you wrote: unsubscribe")
@example("Hi", "I am the beneficiary of US$ 5,000,000 and need a foreign account. Send it ſoon")
@example("Việc \u212aHẨN", "Anh xử lý gấp giúp em, hỏa tốc nhé")
def test_rules_the_whole_mails_words_rule_out_would_have_found_nothing(
    subject: str, body: str
) -> None:
    """Triage with the pre-check on the whole mail's words says what it says without it."""
    written = mail(subject=subject, text=body, sender=STRANGER)
    with (
        patch.object(folded, "may_hold", lambda pattern, held: True),
        patch.object(cues, "_may_hold", lambda pattern, held: True),
    ):
        expected = triage(written, viewer(), NOW)
    assert expected == triage(written, viewer(), NOW)


@given(st.text(_ALPHABET))
@example("tranſfer of the funds")
def test_a_text_with_letters_folded_unlike_lower_casing_rules_no_word_out(written: str) -> None:
    """With a long s or a dotted I, every watched word counts as held: the engine's
    folding might match where the lower-cased text holds none."""
    if folded._lowered(written) is None:
        assert folded._WATCHED == folded.held(written)
