"""The words and people of the benchmark's generated mailbox (see `mailgen.py`).

Sao Mai Trading, a company in Hồ Chí Minh City: colleagues at saomai.vn, Vietnamese
and foreign suppliers and clients, newsletters, system notifications and a few
phishing attempts. Sentences are short business prose in each language, with the
cues triage listens for (urgency words, requests, questions, deadlines) mixed in at
the rates real mail has them.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

DOMAIN = "saomai.vn"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    lang: str  # "vi" or "en": the language they write in


OWNER = Person("Nguyễn Văn An", f"an@{DOMAIN}", "vi")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FAMILY = _names("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
_MIDDLE = _names("Văn Thị Minh Thanh Ngọc Quốc Hữu Thu Đức Kim")
_GIVEN = _names("Hùng Lan Minh Thảo Tuấn Hương Dũng Mai Phong Trang Khoa Linh Nam Vy Bảo Hà")
_FOREIGN = _names("James Sarah Michael Emma Daniel Olivia Kenji Mei Lucas Anna Tom Priya")
_SURNAMES = _names("Miller Chen Tanaka Smith Garcia Kim Müller Brown Lee Wilson Patel Nakamura")
_VN_DOMAINS = ("vantaiviet.vn", "thepmiennam.com.vn", "baobidong.vn", "inanphuoc.vn")
_EN_DOMAINS = ("pacificfreight.com", "acme-supply.com", "nordic-parts.eu", "tanaka-kogyo.jp")


def ascii_name(text: str) -> str:
    """ "Nguyễn Thảo" → "nguyen thao" (for mail addresses)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _vietnamese(rng: random.Random, domain: str) -> Person:
    family, middle, given = rng.choice(_FAMILY), rng.choice(_MIDDLE), rng.choice(_GIVEN)
    local = f"{ascii_name(given)}.{ascii_name(family)}{rng.randint(1, 99)}"
    return Person(f"{family} {middle} {given}", f"{local}@{domain}", "vi")


def _foreign(rng: random.Random, domain: str) -> Person:
    given, surname = rng.choice(_FOREIGN), rng.choice(_SURNAMES)
    local = f"{ascii_name(given)}.{ascii_name(surname)}{rng.randint(1, 99)}"
    return Person(f"{given} {surname}", f"{local}@{domain}", "en")


def people(rng: random.Random) -> tuple[list[Person], list[Person]]:
    """(colleagues, outside contacts): 40 colleagues, 120 people at 8 companies."""
    colleagues = [_vietnamese(rng, DOMAIN) for _ in range(40)]
    outside = [_vietnamese(rng, rng.choice(_VN_DOMAINS)) for _ in range(70)]
    outside += [_foreign(rng, rng.choice(_EN_DOMAINS)) for _ in range(50)]
    return colleagues, outside


SENDERS_OF_NEWSLETTERS = (
    ("VnExpress Kinh doanh", "newsletter@vnexpress-news.vn", "kinhdoanh.vnexpress-news.vn"),
    ("Logistics Weekly", "digest@logisticsweekly.com", "weekly.logisticsweekly.com"),
    ("Tiki Khuyến mãi", "khuyenmai@tiki-mail.vn", "promo.tiki-mail.vn"),
    ("AWS Notifications", "no-reply@aws-updates.com", "updates.aws-updates.com"),
    ("Hiệp hội Doanh nghiệp", "tin-tuc@hiephoidn.org.vn", "members.hiephoidn.org.vn"),
)
NOTIFIERS = (
    ("Jira", "jira@saomai.atlassian.net", "en"),
    ("Hệ thống ERP", "no-reply@erp.saomai.vn", "vi"),
    ("Microsoft Teams", "noreply@email.teams.microsoft.com", "en"),
    ("Cổng thuế điện tử", "thongbao@thuedientu.gdt.gov.vn", "vi"),
)
PHISHERS = (
    ("Phòng IT Sao Mai", "it-support@saomal.vn", "vi"),
    ("Microsoft 365", "security@micros0ft-verify.com", "en"),
    ("Vietcombank", "canhbao@vietcombank-xacthuc.com", "vi"),
)

SUBJECTS = {
    "vi": (
        "Báo giá vận chuyển tháng {m}", "Hóa đơn số {n}", "Xác nhận đơn hàng {n}",
        "Lịch họp giao ban tuần {w}", "Đề nghị thanh toán hợp đồng {n}",
        "Kế hoạch giao hàng lô {n}", "Góp ý hợp đồng khung {y}", "Cập nhật tiến độ dự án",
        "Hỏi về chính sách chiết khấu", "Tài liệu đào tạo nhân viên mới",
        "Khiếu nại chất lượng lô hàng {n}", "Báo cáo doanh số tháng {m}",
    ),
    "en": (
        "Quotation for shipment {n}", "Invoice {n} overdue", "Order confirmation {n}",
        "Weekly sync, week {w}", "Contract renewal {y}", "Delivery schedule for lot {n}",
        "Question about the discount policy", "Project status update",
        "Samples for the new packaging", "Meeting notes and next steps",
        "Quality issue with batch {n}", "Payment terms for {y}",
    ),
}  # fmt: skip

PROSE = {
    "vi": (
        "Em gửi anh/chị báo giá cập nhật theo yêu cầu hôm trước.",
        "Bên em đã kiểm tra lại số lượng và đơn giá trong file đính kèm.",
        "Công ty chúng tôi xin thông báo lịch giao hàng dự kiến như sau.",
        "Hàng sẽ được xuất kho vào đầu tuần sau nếu không có gì thay đổi.",
        "Phòng kế toán đã nhận được hóa đơn và đang đối chiếu công nợ.",
        "Theo hợp đồng, thời hạn thanh toán là 30 ngày kể từ ngày nhận hàng.",
        "Chúng tôi mong tiếp tục hợp tác lâu dài với quý công ty.",
        "Nội dung chi tiết em để trong tài liệu, anh/chị xem giúp em nhé.",
        "Tuần này bên vận chuyển báo kẹt cảng nên có thể chậm một hai ngày.",
        "Biên bản cuộc họp sáng nay đã được lưu trên thư mục chung.",
        "Giá nguyên liệu tăng nên bên em buộc phải điều chỉnh đơn giá từ tháng sau.",
        "Khách hàng phản hồi rất tốt về mẫu bao bì mới.",
    ),
    "en": (
        "Please find attached the updated quotation we discussed last week.",
        "We have checked the quantities and unit prices once more.",
        "The shipment is scheduled to leave the warehouse early next week.",
        "Our accounts team has received the invoice and is reconciling it.",
        "Under the contract, payment is due 30 days after delivery.",
        "We look forward to continuing our cooperation next year.",
        "The details are in the document, let me know if anything is unclear.",
        "The port is congested this week, so delivery may slip by a day or two.",
        "The minutes of this morning's meeting are in the shared folder.",
        "Raw material prices went up, so we have to adjust our prices next month.",
        "The client was very happy with the new packaging samples.",
        "I have copied our logistics team so they can plan the pickup.",
    ),
}
ASKS = {
    "vi": (
        "Anh xem và phản hồi giúp em trước thứ sáu được không ạ?",
        "Nhờ chị xác nhận lại số lượng giúp em.",
        "Anh/chị vui lòng ký và gửi lại bản scan trước 15h ngày mai.",
        "Việc này khá gấp, anh xử lý giúp em trong hôm nay nhé.",
        "Cho em hỏi bên mình đã chuyển khoản chưa ạ?",
    ),
    "en": (
        "Could you confirm the quantities by Friday?",
        "Please sign and send back the scanned copy before 3pm tomorrow.",
        "This is urgent: we need your approval today.",
        "Can you let me know whether the payment has been made?",
        "Would you be able to join a short call this week?",
    ),
}
CLOSINGS = {
    "vi": ("Trân trọng,", "Cảm ơn anh/chị,", "Thân mến,"),
    "en": ("Best regards,", "Thanks,", "Kind regards,"),
}
QUOTE_INTRO = {
    "vi": "Vào {date}, {name} <{email}> đã viết:",
    "en": "On {date}, {name} <{email}> wrote:",
}
REPLY_PREFIX = {"vi": ("Re: ", "Trả lời: ", "RE: "), "en": ("Re: ", "RE: ")}
FORWARD_PREFIX = {"vi": ("Fwd: ", "Chuyển tiếp: ", "TL: "), "en": ("Fwd: ", "FW: ")}
NEWS = {
    "vi": ("Tin nổi bật hôm nay", "Ưu đãi cuối tuần giảm đến 50%", "Bản tin doanh nghiệp số {n}"),
    "en": ("Your weekly digest", "Top stories this week", "Product updates, issue {n}"),
}
NOTICES = {
    "vi": ("Phiếu đề nghị {n} đã được duyệt", "Thông báo nộp tờ khai thuế tháng {m}"),
    "en": ("[JIRA] SM-{n} was updated", "You have a new message in Teams"),
}
PHISH_SUBJECTS = {
    "vi": ("Cảnh báo bảo mật: xác minh tài khoản ngay", "Hóa đơn điện tử chưa thanh toán"),
    "en": ("Action required: verify your mailbox", "Your password expires today"),
}
LURES = {
    "vi": ("Tài khoản email của bạn sắp hết hạn, vui lòng xác minh mật khẩu tại đây.",),
    "en": ("Unusual sign-in detected. Verify your password and OTP to keep your account.",),
}
ATTACHMENTS = (
    ("application/pdf", "Bao_gia_T{m}.pdf"),
    ("application/pdf", "Invoice_{n}.pdf"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Đơn hàng {n}.xlsx"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Hợp đồng {y}.docx",
    ),
    ("image/jpeg", "IMG_{n}.jpg"),
)


def fill(template: str, rng: random.Random) -> str:
    """A template with its {n}, {m}, {w}, {y} numbers filled in."""
    return template.format(
        n=rng.randint(1000, 9999), m=rng.randint(1, 12), w=rng.randint(1, 52), y=2027
    )


def paragraph(rng: random.Random, lang: str, sentences: int) -> str:
    return " ".join(rng.choice(PROSE[lang]) for _ in range(sentences))


def letter(rng: random.Random, lang: str, to: Person, sender: Person, size: int) -> str:
    """A plain-text business letter of about `size` characters, signed by `sender`."""
    name = to.name.split()[-1 if to.lang == "vi" else 0]  # Vietnamese: the given name, last
    hello = f"Chào {name}," if lang == "vi" else f"Hi {name},"
    parts = [hello]
    while sum(map(len, parts)) < size:
        parts.append(paragraph(rng, lang, rng.randint(2, 5)))
    if rng.random() < 0.55:
        parts.insert(rng.randint(1, len(parts)), rng.choice(ASKS[lang]))
    signature = f"{rng.choice(CLOSINGS[lang])}\n{sender.name}\n{sender.email}"
    return "\n\n".join([*parts, signature]) + "\n"
