"""triage: importance, reasons and tracking, rule by rule, in English and Vietnamese."""

# STYLE.md: tests compare `expected == actual` (move to pyproject's per-file-ignores)

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.mail import Address, Mail
from bot.core.triage import TEXTS, Importance, Reason, Triage, describe, explain, triage
from tests.core.mails import COLLEAGUE, ME, NOW, PARTNER, STRANGER, mail, viewer


def judge(written: Mail, **viewer_overrides: object) -> Triage:
    return triage(written, viewer(**viewer_overrides), NOW)


def codes(written: Mail, **viewer_overrides: object) -> set[str]:
    return {reason.code for reason in judge(written, **viewer_overrides).reasons}


def found(written: Mail, code: str) -> str | None:
    params = [dict(r.params) for r in judge(written).reasons if r.code == code]
    return params[0].get("found", "") if params else None


# --- signals -----------------------------------------------------------------------------


def test_plain_partner_mail_is_normal_and_tracked() -> None:
    """An ordinary mail to the owner is normal, tracked, and says it was sent to them."""
    assert Triage(Importance.NORMAL, (Reason("to_me"),), tracked=True) == judge(mail())


@pytest.mark.parametrize(
    "header",
    [{"Importance": "High"}, {"X-Priority": "1 (Highest)"}, {"X-MSMail-Priority": "High"}],
)
def test_high_importance_flag(header: dict[str, str]) -> None:
    """Importance, X-Priority and X-MSMail-Priority all mark a mail high importance."""
    assert "high_importance" in codes(mail(headers=header))


def test_low_importance_flag() -> None:
    """X-Priority 5 is the sender saying it is not important."""
    assert "low_importance" in codes(mail(headers={"X-Priority": "5 (Lowest)"}))


def test_only_in_cc_is_low() -> None:
    """A stranger's mail where the owner is only in Cc is low but still tracked."""
    result = judge(mail(sender=STRANGER, to=(PARTNER,), cc=(ME,)))
    assert (Importance.LOW, True, (Reason("cc_only"), Reason("stranger"))) == (
        result.importance, result.tracked, result.reasons
    )  # fmt: skip


def test_internal_and_frequent_sender() -> None:
    """A colleague the owner writes to often counts twice, with the number of emails."""
    reasons = judge(mail(sender=COLLEAGUE)).reasons
    assert [Reason("to_me"), Reason("internal"), Reason("frequent", (("count", "12"),))] == list(
        reasons
    )


def test_two_emails_is_not_frequent() -> None:
    """Having written twice to someone does not make them a frequent correspondent."""
    assert "frequent" not in codes(mail(sender=PARTNER))


@pytest.mark.parametrize(
    ("subject", "text", "expected"),
    [
        ("URGENT: contract", "Hi Minh", "URGENT"),
        ("Contract", "Hi Minh,\nI need this ASAP.", "ASAP"),
        ("KHẨN: hợp đồng", "Chào anh", "KHẨN"),
        ("Hợp đồng", "Anh ơi, việc này rất gấp.", "rất gấp"),
        ("Công văn hỏa tốc", "Kính gửi anh", "hỏa tốc"),
        ("Công văn hoả tốc", "Kính gửi anh", "hoả tốc"),
        ("Hop dong", "Anh oi, viec nay khan cap.", "khan cap"),
        ("Bao cao", "Em can gap bao cao nay a.", "can gap"),
    ],
)
def test_urgency_words(subject: str, text: str, expected: str) -> None:
    """Urgency words in English and Vietnamese, with or without accents, are quoted."""
    assert expected == found(mail(subject=subject, text=text), "urgent_words")


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Gap analysis for Q4", "The gap is large."),
        ("Doanh thu", "Doanh thu tăng gấp đôi so với năm ngoái."),
        ("Khánh Hòa", "Chuyến đi Khánh Hòa đã xong."),
    ],
)
def test_no_urgency_inside_other_words(subject: str, text: str) -> None:
    """The English "gap", "gấp đôi" (double) and "Khánh" are not urgency words."""
    assert None is found(mail(subject=subject, text=text), "urgent_words")


def test_urgency_in_quoted_history_does_not_count() -> None:
    """Urgency words in the quoted part of a reply are old news."""
    text = "Thanks, done.\n\nOn Mon, Dec 1, 2026 at 10:00 Lan <lan@acme.vn> wrote:\n> URGENT please"
    assert None is found(mail(subject="Re: report", text=text), "urgent_words")


def test_question_above_the_quote() -> None:
    """A question mark in the new text is a question to the owner."""
    assert "question" in codes(mail(text="Anh đã xem hợp đồng chưa?\n\nTrân trọng"))


@pytest.mark.parametrize(
    "text",
    [
        "See https://acme.vn/report?id=3 for details.",
        "Noted.\n\n-----Original Message-----\nFrom: Lan\nSent: Monday\nCan you check?",
    ],
)
def test_question_mark_in_url_or_quote_is_not_a_question(text: str) -> None:
    """A "?" inside a URL or in the quoted history is not a question."""
    assert "question" not in codes(mail(text=text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please review the draft.", "Please"),
        ("Could you send me the file.", "Could you"),
        ("Vui lòng gửi lại hợp đồng.", "Vui lòng"),
        ("Nhờ anh/chị ký giúp hồ sơ.", "Nhờ anh/chị"),
        ("Anh/chị có thể gửi lại báo giá.", "Anh/chị có thể"),
        ("Em xin phép nghỉ chiều nay.", "xin phép"),
        ("Đề nghị phòng kế toán xác nhận.", "Đề nghị"),
        ("Vui long gui lai bao gia.", "Vui long"),
    ],
)
def test_request_phrases(text: str, expected: str) -> None:
    """Request phrases in both languages (also unaccented) are quoted."""
    assert expected == found(mail(text=text), "request")


def test_greeting_xin_chao_is_not_a_request() -> None:
    """Greetings like "Xin chào" and "Xin cảm ơn" are courtesy, not requests."""
    assert "request" not in codes(mail(text="Xin chào anh Minh. Xin cảm ơn anh."))


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("Send it before 15h today.", "deadline_soon", "before 15h today"),
        ("Anh gửi giúp em trước 15h hôm nay.", "deadline_soon", "trước 15h hôm nay"),
        ("Gửi em trước thứ sáu nhé.", "deadline_soon", "trước thứ sáu"),  # NOW is a Thursday
        ("Gửi em trước thứ hai tuần sau.", "deadline", "trước thứ hai tuần sau"),
        ("Hạn chót: 20/12 nhé.", "deadline", "Hạn chót: 20/12"),
        ("Chậm nhất ngày 15/12 anh nhé.", "deadline", "Chậm nhất ngày 15/12"),
        ("I need the numbers by EOD.", "deadline_soon", "by EOD"),
        ("Reply by Friday, please.", "deadline_soon", "by Friday"),
        ("Reply by Monday, please.", "deadline", "by Monday"),
        ("truoc 17h chieu nay nhe", "deadline_soon", "truoc 17h chieu nay"),
        ("Could you send me the slides today?", "deadline_soon", "today"),
        ("Anh gửi em file trong hôm nay nhé.", "deadline_soon", "trong hôm nay"),
        ("Ngày mai anh gửi giúp em báo cáo nhé.", "deadline_soon", "Ngày mai"),
    ],
)
def test_deadlines_are_quoted(text: str, code: str, expected: str) -> None:
    """A deadline near its trigger word is quoted; today or tomorrow makes it a close one."""
    assert expected == found(mail(text=text), code)


def test_a_day_without_a_request_is_not_a_deadline() -> None:
    """A day in a plain statement ("I met Lan today") sets no deadline."""
    assert not {"deadline", "deadline_soon"} & codes(mail(text="I met Lan today. All good."))


def test_a_name_after_by_is_not_a_deadline() -> None:
    """In "reviewed by Mai" Mai is a colleague, not tomorrow ("mai")."""
    assert not {"deadline", "deadline_soon"} & codes(mail(text="The draft was reviewed by Mai."))


# --- importance --------------------------------------------------------------------------


def test_urgent_needs_strong_evidence() -> None:
    """Urgency words sent directly, with a question, make an urgent mail."""
    written = mail(subject="KHẨN", text="Anh duyệt giúp em hợp đồng được không?")
    assert Importance.URGENT == judge(written).importance


def test_urgent_word_alone_from_a_stranger_is_high() -> None:
    """A stranger's "URGENT" that asks nothing is only high."""
    assert Importance.HIGH == judge(mail(sender=STRANGER, subject="URGENT", text="Hi")).importance


def test_a_stranger_is_at_most_high() -> None:
    """However urgent a stranger sounds, their mail is at most high: anyone can write URGENT."""
    written = mail(sender=STRANGER, subject="URGENT", text="Can you reply before 17h today?")
    result = judge(written)
    assert (Importance.HIGH, True) == (result.importance, Reason("stranger") in result.reasons)


def test_high_flag_with_a_deadline_today_is_urgent() -> None:
    """A high-importance flag plus a deadline today is urgent."""
    written = mail(headers={"Importance": "high"}, text="Contract signed before 17h today.")
    assert Importance.URGENT == judge(written).importance


def test_high_flag_with_a_far_deadline_is_high() -> None:
    """A high-importance flag with a deadline next week is high, not urgent."""
    written = mail(headers={"Importance": "high"}, text="Contract signed by 20/12.")
    assert Importance.HIGH == judge(written).importance


def test_importance_rank_sorts_most_important_first() -> None:
    """Sorting by descending rank puts urgent first and low last."""
    shuffled = [Importance.LOW, Importance.URGENT, Importance.NORMAL, Importance.HIGH]
    expected = [Importance.URGENT, Importance.HIGH, Importance.NORMAL, Importance.LOW]
    assert expected == sorted(shuffled, key=lambda i: -i.rank)


# --- gates: never pending ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"List-Id": "Dev team <dev.acme.vn>"}, "list"),
        ({"List-Post": "<mailto:dev@acme.vn>"}, "list"),
        ({"List-Unsubscribe": "<https://news.example.com/u>"}, "newsletter"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"Precedence": "list"}, "bulk"),
        ({"Precedence": "junk"}, "bulk"),
        ({"Auto-Submitted": "auto-generated"}, "automated"),
        ({"Auto-Submitted": "auto-replied"}, "auto_reply"),
        ({"X-Auto-Response-Suppress": "All"}, "automated"),
        ({"X-Spam-Flag": "YES"}, "spam"),
        ({"X-MS-Exchange-Organization-SCL": "6"}, "spam"),
    ],
)
def test_gate_headers_make_mail_untracked(headers: dict[str, str], code: str) -> None:
    """List, bulk, automated and spam headers make a mail untracked and low, with a reason."""
    result = judge(mail(headers=headers))
    assert (False, Importance.LOW, True) == (
        result.tracked, result.importance, code in {r.code for r in result.reasons}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Your order has shipped.\n\nThis is an automated message, please do not reply.",
         "automated"),
        ("Đơn hàng đã được giao.\n\nĐây là email tự động, vui lòng không trả lời.", "automated"),
        ("Big sale this week!\n\nTo unsubscribe, click the link below.", "newsletter"),
        ("Ưu đãi tháng 12!\n\nBấm vào đây để hủy đăng ký nhận tin.", "newsletter"),
    ],
)  # fmt: skip
def test_machine_footers_make_mail_untracked(text: str, code: str) -> None:
    """A "do not reply" notice or an unsubscribe footer in the text marks machine mail."""
    result = judge(mail(sender=STRANGER, text=text))
    assert ((Reason(code),), False) == (result.reasons, result.tracked)


def test_forwarded_newsletter_stays_personal() -> None:
    """A colleague forwarding a newsletter writes above the quote line: it stays tracked."""
    text = (
        "Anh xem giúp em chương trình này nhé?\n\n"
        "-----Original Message-----\nFrom: Shop\nSent: Monday\n\nTo unsubscribe, click here."
    )
    assert True is judge(mail(sender=COLLEAGUE, text=text)).tracked


def test_auto_submitted_no_is_a_person() -> None:
    """A person's mail says "Auto-Submitted: no": it stays tracked."""
    assert True is judge(mail(headers={"Auto-Submitted": "no"})).tracked


@pytest.mark.parametrize("subject", ["Automatic reply: Báo giá", "Trả lời tự động: Báo giá"])
def test_out_of_office_is_untracked(subject: str) -> None:
    """An out-of-office reply, in English or Vietnamese Outlook, is never pending."""
    assert ((Reason("auto_reply"),), False) == (
        judge(mail(subject=subject)).reasons, judge(mail(subject=subject)).tracked
    )  # fmt: skip


@pytest.mark.parametrize(
    "address",
    [
        "noreply@bank.vn",
        "no-reply@github.com",
        "do_not_reply@shop.vn",
        "mailer-daemon@acme.vn",
        "postmaster@acme.vn",
        "notifications@jira.acme.vn",
    ],
)
def test_no_reply_senders_are_untracked(address: str) -> None:
    """No-reply, bounce and notification senders are never pending."""
    result = judge(mail(sender=Address(address)))
    expected = (Reason("no_reply", (("sender", address),)),)
    assert (expected, False) == (result.reasons, result.tracked)


def test_own_mail_is_untracked() -> None:
    """A mail the owner sent themselves never awaits their reply."""
    assert (Reason("own"),) == judge(mail(sender=ME, to=(COLLEAGUE,))).reasons


def test_bcc_from_a_stranger_is_untracked() -> None:
    """A stranger's mail that names neither the owner nor a colleague looks like bulk."""
    result = judge(mail(sender=STRANGER, to=(Address("x@other.com"),)))
    assert ((Reason("not_addressed"),), False) == (result.reasons, result.tracked)


def test_bcc_from_a_colleague_is_tracked() -> None:
    """A colleague who Bcc's the owner still expects them to read it."""
    assert True is judge(mail(sender=COLLEAGUE, to=(Address("x@other.com"),))).tracked


def test_mail_to_a_company_group_is_tracked() -> None:
    """A customer writing to sales@ (the owner reads it through the group) is tracked."""
    assert True is judge(mail(sender=STRANGER, to=(Address("sales@acme.vn"),))).tracked


def test_urgent_newsletter_is_not_urgent() -> None:
    """A newsletter shouting URGENT stays low and untracked: bulk wins."""
    bulk = {"List-Unsubscribe": "<mailto:u@news.com>", "Precedence": "bulk"}
    written = mail(subject="URGENT: last chance!", text="Buy now, please!", headers=bulk)
    result = judge(written)
    assert (Importance.LOW, False) == (result.importance, result.tracked)


def test_spam_with_top_priority_is_untracked() -> None:
    """Spam flagged X-Priority 1 is untracked, and its flag is not even mentioned."""
    written = mail(sender=STRANGER, headers={"X-Priority": "1", "X-Spam-Flag": "YES"})
    assert Triage(Importance.LOW, (Reason("spam"),), tracked=False) == judge(written)


# --- preferences -------------------------------------------------------------------------


def test_not_important_sender_is_low_but_tracked() -> None:
    """A −1 for a sender makes their personal mail low, still tracked, and says why."""
    result = judge(mail(subject="KHẨN"), preferences={PARTNER.email: -1})
    assert (Importance.LOW, True, Reason("pref_unimportant")) == (
        result.importance, result.tracked, result.reasons[0]
    )  # fmt: skip


def test_important_sender_is_at_least_high() -> None:
    """A +1 for a sender raises a normal mail to high."""
    result = judge(mail(), preferences={PARTNER.email: 1})
    assert (Importance.HIGH, Reason("pref_important")) == (result.importance, result.reasons[0])


def test_important_list_is_tracked() -> None:
    """A +1 for a List-Id makes that list's mail tracked and high."""
    written = mail(headers={"List-Id": "Board <board.acme.vn>"})
    result = judge(written, preferences={"board.acme.vn": 1})
    assert (True, Importance.HIGH, Reason("pref_list_important")) == (
        result.tracked, result.importance, result.reasons[0]
    )  # fmt: skip


def test_important_sender_does_not_reopen_spam() -> None:
    """A +1 cannot make spam pending: a forged sender must not get through."""
    written = mail(headers={"X-Spam-Flag": "YES"})
    assert False is judge(written, preferences={PARTNER.email: 1}).tracked


# --- wording -----------------------------------------------------------------------------


def test_explain_reads_as_one_phrase() -> None:
    """Reasons join into one natural phrase, in English and in Vietnamese."""
    reasons = [Reason("question"), Reason("deadline_soon", (("found", "trước 15h hôm nay"),))]
    assert (
        "asks you a question and mentions a deadline: trước 15h hôm nay",
        "đặt câu hỏi cho bạn và có nêu hạn chót: trước 15h hôm nay",
    ) == (explain(reasons, "en"), explain(reasons, "vi"))


@pytest.mark.parametrize(
    ("reason", "en", "vi"),
    [
        (Reason("high_importance"), "marked high importance by the sender",
         "người gửi đánh dấu quan trọng"),
        (Reason("frequent", (("count", "5"),)), "from someone you write to often (5 emails)",
         "từ người mà bạn thường gửi thư (5 thư)"),
        (Reason("pref_unimportant"), "you marked this sender as not important",
         "bạn đã đánh dấu người gửi này là không quan trọng"),
        (Reason("list", (("list", "dev.acme.vn"),)), "sent to a mailing list (dev.acme.vn)",
         "gửi qua danh sách thư (dev.acme.vn)"),
    ],
)  # fmt: skip
def test_describe_in_both_languages(reason: Reason, en: str, vi: str) -> None:
    """Each reason renders in English and Vietnamese with its params."""
    assert (en, vi) == (describe(reason, "en"), describe(reason, "vi-VN"))


def test_every_reason_code_has_both_languages() -> None:
    """No rule ships without its English and Vietnamese wording."""
    assert {} == {code: text for code, text in TEXTS.items() if set(text) != {"en", "vi"}}


def test_old_mail_with_today_is_judged_at_now() -> None:
    """`now` is an argument: a weekday deadline is close or not depending on it."""
    written = mail(text="Please reply by Friday.")
    later = triage(written, viewer(), NOW + timedelta(days=3))  # a Sunday
    assert {"deadline"} == {r.code for r in later.reasons} & {"deadline", "deadline_soon"}
