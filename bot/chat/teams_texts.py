"""Teams: everything the Teams adapter says, in Vietnamese and English.

`BOT` holds the bot's own messages (teams_app), `CARD` the labels of the
Adaptive Card forms (teams_cards); the core's answers and cards come ready-made.
"""

from __future__ import annotations

from bot.core.i18n import Text

BOT: dict[str, Text] = {
    "welcome": {"en": "👋 Hi {name}! I'm Replyminder. I'll remind you here of the emails waiting for your reply, before their 24-working-hour deadline. Use the buttons on my cards or type a command; type help to see them.",
                "vi": "👋 Chào {name}! Tôi là Replyminder. Tôi sẽ nhắc bạn tại đây những email đang chờ bạn trả lời, trước hạn 24 giờ làm việc. Bạn bấm nút trên thẻ nhắc hoặc gõ lệnh; gõ “giúp” để xem các lệnh."},
    "not_registered": {"en": "Sorry, {email} is not registered with Replyminder, so I am not watching a mailbox for you. Ask your administrator to add you.",
                       "vi": "Xin lỗi, {email} chưa được đăng ký với Replyminder nên tôi chưa theo dõi hộp thư nào cho bạn. Hãy nhờ quản trị viên thêm bạn."},
    "unverified": {"en": "Sorry, Teams could not tell me who you are just now, so I changed nothing. Please try again in a minute.",
                   "vi": "Xin lỗi, Teams chưa cho tôi biết bạn là ai nên tôi chưa thay đổi gì. Bạn thử lại sau một phút nhé."},
    "personal_only": {"en": "I only work in a 1:1 chat: open Replyminder from the Teams apps and write to me there.",
                      "vi": "Tôi chỉ làm việc trong trò chuyện riêng: hãy mở ứng dụng Replyminder trong Teams và nhắn cho tôi ở đó."},
    "failed": {"en": "Sorry, something went wrong on my side, so nothing changed. Please try again in a few minutes.",
               "vi": "Xin lỗi, hệ thống của tôi gặp sự cố nên chưa có gì thay đổi. Bạn vui lòng thử lại sau vài phút."},
    "not_ours": {"en": "That button no longer works. Type list to see your emails.",
                 "vi": "Nút này không còn dùng được. Gõ “danh sách” để xem các email của bạn."},
}  # fmt: skip

CARD: dict[str, Text] = {
    "snooze": {"en": "💤 Snooze", "vi": "💤 Hoãn"},
    "until": {"en": "Remind me again", "vi": "Nhắc lại vào lúc"},
    "typed_time": {"en": "…or type a time: 2h, friday 2pm", "vi": "…hoặc gõ thời điểm: 2 tiếng nữa, 14h thứ sáu"},
    "hold": {"en": "🤝 Holding reply", "vi": "🤝 Hẹn trả lời"},
    "hold_by": {"en": "Promise a full answer by", "vi": "Hẹn trả lời đầy đủ chậm nhất vào ngày"},
    "hold_preview": {"en": "Preview: a short, polite email goes from your mailbox to the sender, in their language: you received their email and will answer in full by this date.",
                     "vi": "Xem trước: một email ngắn, lịch sự được gửi từ hộp thư của bạn tới người gửi, bằng ngôn ngữ của họ: bạn đã nhận email và sẽ trả lời đầy đủ chậm nhất vào ngày này."},
    "hold_preview_title": {"en": "It will read (for the date proposed above; another date changes only the date):",
                           "vi": "Nội dung thư (với ngày đề xuất ở trên; chọn ngày khác thì chỉ đổi ngày):"},
    "hold_go": {"en": "Send holding reply", "vi": "Gửi thư hẹn trả lời"},
    "forward": {"en": "📨 Forward", "vi": "📨 Chuyển tiếp"},
    "forward_to": {"en": "Forward to", "vi": "Chuyển cho"},
    "forward_other": {"en": "…or an address or team alias", "vi": "…hoặc địa chỉ email, tên nhóm"},
    "forward_note": {"en": "Note (optional)", "vi": "Ghi chú (không bắt buộc)"},
    "forward_outside": {"en": "An address outside the company needs your confirmation first.",
                        "vi": "Địa chỉ ngoài công ty cần bạn xác nhận trước khi gửi."},
    "forward_go": {"en": "Forward", "vi": "Chuyển tiếp"},
    "confirm": {"en": "Confirm", "vi": "Xác nhận"},
    "more": {"en": "+{count} more: type list to see them all",
             "vi": "+{count} email nữa: gõ “danh sách” để xem hết"},
}  # fmt: skip
