"""The Slack adapter's own words: button and form labels, progress, first contact.

What the bot *says* about mail comes from the core, already in the user's
language; these are only the words Slack's widgets need around it. Slack caps a
modal title at 24 characters and a button or option label at 75.
"""

from __future__ import annotations

from bot.core.i18n import Text, render

T: dict[str, Text] = {
    "snooze": {"en": "Snooze…", "vi": "Hoãn…"},
    "snooze_custom": {"en": "Another time…", "vi": "Lúc khác…"},
    "forward": {"en": "Forward…", "vi": "Chuyển tiếp…"},
    "confirm": {"en": "Yes, go ahead", "vi": "Đồng ý, tiếp tục"},
    "cancel": {"en": "Cancel", "vi": "Hủy"},
    "snooze_title": {"en": "Snooze #{ref}", "vi": "Hoãn #{ref}"},
    "snooze_when": {"en": "Until when?", "vi": "Hoãn đến khi nào?"},
    "snooze_hint": {"en": "e.g. 2h, tomorrow 9am, monday",
                    "vi": "vd. 2 tiếng nữa, 9h sáng mai, thứ hai"},
    "snooze_submit": {"en": "Snooze", "vi": "Hoãn"},
    "hold_title": {"en": "Holding reply #{ref}", "vi": "Thư hẹn trả lời #{ref}"},
    "hold_day": {"en": "Promise a full answer by", "vi": "Hẹn trả lời đầy đủ chậm nhất vào"},
    "hold_text": {"en": "Text of the reply to {to}", "vi": "Nội dung thư gửi {to}"},
    "hold_hint": {"en": "Changing the date rewrites the text from the template.",
                  "vi": "Đổi ngày thì nội dung được viết lại theo mẫu."},
    "hold_submit": {"en": "Send", "vi": "Gửi"},
    "forward_title": {"en": "Forward #{ref}", "vi": "Chuyển tiếp #{ref}"},
    "forward_suggested": {"en": "Suggested", "vi": "Gợi ý"},
    "forward_user": {"en": "Or someone in Slack", "vi": "Hoặc một người trong Slack"},
    "forward_email": {"en": "Or an email address", "vi": "Hoặc một địa chỉ email"},
    "forward_note": {"en": "Note (optional)", "vi": "Ghi chú (không bắt buộc)"},
    "forward_submit": {"en": "Forward", "vi": "Chuyển"},
    "forward_nobody": {"en": "Pick a suggestion, a person or an email address.",
                       "vi": "Hãy chọn một gợi ý, một người hoặc nhập một địa chỉ email."},
    "forward_no_email": {"en": "Slack has no email address for that person; type it instead.",
                         "vi": "Slack không có địa chỉ email của người này; hãy nhập địa chỉ."},
    "close": {"en": "Close", "vi": "Đóng"},
    "working_hold": {"en": "⏳ Sending the holding reply…", "vi": "⏳ Đang gửi thư hẹn trả lời…"},
    "working_forward": {"en": "⏳ Forwarding…", "vi": "⏳ Đang chuyển tiếp…"},
    "stranger": {"en": "I don't know a Replyminder mailbox for you{email}. "
                       "Ask your administrator to add it (replyminder user add).",
                 "vi": "Tôi chưa thấy hộp thư Replyminder nào của bạn{email}. "
                       "Hãy nhờ quản trị viên thêm vào (replyminder user add)."},
    "home_title": {"en": "Replyminder", "vi": "Replyminder"},
    "home_settings": {"en": "*Your settings*", "vi": "*Cài đặt của bạn*"},
    "home_language": {"en": "Language", "vi": "Ngôn ngữ"},
    "home_hours": {"en": "Working hours", "vi": "Giờ làm việc"},
    "home_hours_org": {"en": "🕗 Company working hours", "vi": "🕗 Giờ làm việc của công ty"},
    "home_digest_on": {"en": "☀️ Morning digest: on — turn off",
                       "vi": "☀️ Bản tin buổi sáng: bật — tắt đi"},
    "home_digest_off": {"en": "☀️ Morning digest: off — turn on",
                        "vi": "☀️ Bản tin buổi sáng: tắt — bật lên"},
    "home_more": {"en": "…and {count} more: type list in the Messages tab.",
                  "vi": "…và {count} email nữa: gõ “danh sách” ở tab Messages."},
}  # fmt: skip

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
# The spans App Home offers; any other is set with `replyminder user add --work-hours`.
WORK_SPANS = (
    "07:30-11:30,13:00-17:00",
    "08:00-12:00,13:00-17:00",
    "08:30-12:00,13:30-17:30",
    "09:00-12:00,13:00-18:00",
    "00:00-24:00",
)


def say(key: str, locale: str, /, **params: object) -> str:
    return render(T[key], locale, **params)
