"""What the bot answers to a command, in both languages."""

from __future__ import annotations

from bot.core.i18n import Text

ANSWERS: dict[str, Text] = {
    "unknown": {"en": "Sorry, I didn't understand “{text}”. Type help to see what I can do.",
                "vi": "Xin lỗi, tôi chưa hiểu “{text}”. Gõ “giúp” để xem các lệnh."},
    "no_thread": {"en": "I have no email #{ref} for you. Type list to see yours.",
                  "vi": "Bạn không có email #{ref}. Gõ “danh sách” để xem email của bạn."},
    "not_yours": {"en": "That email is not yours, so I changed nothing.",
                  "vi": "Email đó không phải của bạn nên tôi không thay đổi gì."},
    "which": {"en": "Which email? Add its number, e.g. {example}. Type list to see them.",
              "vi": "Email nào? Hãy thêm số của email, ví dụ {example}. Gõ “danh sách” để xem."},
    "closed": {"en": "#{ref} is already {state}; nothing to do.",
               "vi": "#{ref} đã {state}; không cần làm gì thêm."},
    "list_title": {"en": "📋 Your open emails ({count}), most urgent first:",
                   "vi": "📋 Email đang chờ bạn ({count}), xếp theo mức độ gấp:"},
    "list_empty": {"en": "🎉 Nothing is waiting for your reply.",
                   "vi": "🎉 Không có email nào đang chờ bạn trả lời."},
    "help_title": {"en": "Here is what you can tell me (#ref is the number that list shows; without it, I use the last email I reminded you of):",
                   "vi": "Bạn có thể nhắn tôi (#ref là số trong danh sách; bỏ trống thì tôi dùng email tôi vừa nhắc):"},
    "unreadable": {"en": "I couldn't read “{text}” as a date or time. Try for example: {examples}.",
                   "vi": "Tôi không hiểu “{text}” là lúc nào. Bạn thử ví dụ: {examples}."},
    "missing_when": {"en": "Until when? For example: {examples}.",
                     "vi": "Hoãn đến khi nào? Ví dụ: {examples}."},
    "past": {"en": "{moment} has already passed; pick a time in the future.",
             "vi": "Thời điểm {moment} đã qua rồi; hãy chọn một thời điểm trong tương lai."},
    "snoozed": {"en": "💤 Snoozed #{ref} until {moment}. The deadline stays {due}.",
                "vi": "💤 Đã hoãn #{ref} đến {moment}. Hạn trả lời vẫn là {due}."},
    "snooze_past_deadline": {
        "en": "⚠ {moment} is after the deadline ({due}). Better tell {name} when to expect an answer: hold #{ref} {day}. To snooze anyway: snooze #{ref} {text} confirm",
        "vi": "⚠ {moment} đã quá hạn trả lời ({due}). Nên báo {name} khi nào bạn trả lời: hẹn #{ref} {day}. Nếu vẫn muốn hoãn: hoãn #{ref} {text} xác nhận"},
    "not_working_day": {"en": "{day} is not a working day. How about {next}?",
                        "vi": "Ngày {day} không phải ngày làm việc. Bạn chọn {next} nhé?"},
    "hold_phishing": {"en": "🚩 #{ref} looks like phishing: I will not reply to it. Report it instead.",
                      "vi": "🚩 #{ref} có dấu hiệu lừa đảo: tôi sẽ không trả lời. Hãy báo cáo email này."},
    "reply_to_elsewhere": {
        "en": "⚠ The email asks for replies to go to {reply_to}, a different domain from the sender {sender}. I'll only answer the sender: say hold #{ref} {day} confirm to send it to {sender}.",
        "vi": "⚠ Email yêu cầu trả lời về {reply_to}, khác tên miền với người gửi {sender}. Tôi chỉ trả lời người gửi: nhắn hẹn #{ref} {day} xác nhận để gửi cho {sender}."},
    "holding_sent": {"en": "✅ Holding reply sent to {name} <{to}>, promising an answer by {date}. I'll remind you that morning.",
                     "vi": "✅ Đã gửi thư hẹn trả lời cho {name} <{to}>, hẹn trả lời chậm nhất vào {date}. Tôi sẽ nhắc bạn sáng hôm đó."},
    "already_sent": {"en": "That was already sent ({what}); I did not send it again.",
                     "vi": "Thư này đã được gửi rồi ({what}); tôi không gửi lại."},
    "send_failed": {"en": "❌ I couldn't send it: {error}. Nothing changed; try again later.",
                    "vi": "❌ Tôi không gửi được: {error}. Chưa có gì thay đổi; bạn thử lại sau nhé."},
    "template_broken": {"en": "❌ The reply template is incomplete ({error}); nothing was sent. Please tell your administrator.",
                        "vi": "❌ Mẫu thư chưa hoàn chỉnh ({error}); chưa gửi gì. Vui lòng báo quản trị viên."},
    "missing_to": {"en": "Forward to whom? For example: {examples}.",
                   "vi": "Chuyển cho ai? Ví dụ: {examples}."},
    "unknown_to": {"en": "I don't know who “{to}” is. Use an email address{aliases}.",
                   "vi": "Tôi không biết “{to}” là ai. Hãy dùng địa chỉ email{aliases}."},
    "aliases": {"en": " or one of these names: {names}", "vi": " hoặc một trong các tên sau: {names}"},
    "external": {"en": "⚠ {to} is outside the company. To forward it anyway: forward #{ref} {to} confirm",
                 "vi": "⚠ {to} ở ngoài công ty. Nếu vẫn muốn chuyển: chuyển tiếp #{ref} {to} xác nhận"},
    "self_forward": {"en": "That is you (or the sender); pick someone else.",
                     "vi": "Đó là bạn (hoặc người gửi); hãy chọn người khác."},
    "forwarded": {"en": "📨 Forwarded #{ref} to {to}.", "vi": "📨 Đã chuyển #{ref} cho {to}."},
    "done": {"en": "✔ Closed #{ref}.", "vi": "✔ Đã đóng #{ref}."},
    "important": {"en": "⭐ Noted: mail from {key} is important to you from now on.",
                  "vi": "⭐ Đã ghi nhận: từ nay email từ {key} sẽ được coi là quan trọng với bạn."},
    "not_important": {"en": "🔕 Noted: mail from {key} is not important to you from now on.",
                      "vi": "🔕 Đã ghi nhận: từ nay email từ {key} sẽ được coi là không quan trọng với bạn."},
}  # fmt: skip

# What to show as examples when a time, a date or a recipient cannot be read: each
# one that the user's language reads (see `dates.parse_when`, `dates.parse_date`).
EXAMPLES: dict[str, Text] = {
    "when": {"en": "2h, tomorrow 9am, monday", "vi": "2 tiếng nữa, 9h sáng mai, thứ hai"},
    "day": {"en": "friday, 4/12, tomorrow", "vi": "thứ sáu, 4/12, ngày mai"},
    "to": {"en": "forward #3 lan@company.vn", "vi": "chuyển tiếp #3 lan@company.vn"},
}  # fmt: skip

STATE_WORDS: dict[str, Text] = {
    "answered": {"en": "answered", "vi": "được trả lời"},
    "done": {"en": "closed", "vi": "đóng"},
    "forwarded": {"en": "forwarded", "vi": "được chuyển tiếp"},
    "ignored": {"en": "set aside as bulk mail", "vi": "được xếp vào thư hàng loạt"},
}  # fmt: skip
