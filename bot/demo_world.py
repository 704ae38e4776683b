"""The demo's small world: a trading company in Hồ Chí Minh City and its mail.

Two employees, Trần Thị Lan (sales, writes in Vietnamese) and David Miller
(purchasing, English-speaking), each with a local Maildir holding what a real
Monday morning brings: an urgent client, a supplier's invoice, a colleague's
request, a reply already sent, a reply-all by a colleague, a newsletter, a
phishing mail and an executable "invoice". The demo and the scenario tests share it.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DOMAIN = "saomai.vn"
LAN = ("Trần Thị Lan", f"lan@{DOMAIN}")
DAVID = ("David Miller", f"david@{DOMAIN}")

ROUTING = """\
teams:
  - alias: ketoan
    name: Phòng Kế toán (Accounting)
    email: ketoan@saomai.vn
    keywords: [hóa đơn, thanh toán, công nợ, invoice, payment]
  - alias: kho
    name: Kho vận (Logistics)
    email: khovan@saomai.vn
    keywords: [giao hàng, vận chuyển, shipping, delivery]
    sender_domains: [vantaiviet.vn]
  - alias: it
    name: IT Helpdesk
    email: it@saomai.vn
    keywords: [mật khẩu, password, máy tính, laptop]
"""


@dataclass(frozen=True)
class Letter:
    """One message as it lies in a mailbox."""

    sender: tuple[str, str]
    to: tuple[tuple[str, str], ...]
    subject: str
    body: str
    at: datetime
    message_id: str
    cc: tuple[tuple[str, str], ...] = ()
    in_reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def render(letter: Letter) -> bytes:
    message = EmailMessage()
    message["From"] = _address(letter.sender)
    message["To"] = ", ".join(_address(a) for a in letter.to)
    if letter.cc:
        message["Cc"] = ", ".join(_address(a) for a in letter.cc)
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(letter.at)
    message["Message-ID"] = f"<{letter.message_id}>"
    if letter.in_reply_to:
        message["In-Reply-To"] = f"<{letter.in_reply_to}>"
        message["References"] = f"<{letter.in_reply_to}>"
    for name, value in letter.headers.items():
        message[name] = value
    message.set_content(letter.body)
    if letter.html:
        message.add_alternative(letter.html, subtype="html")
    for name, kind, content in letter.attachments:
        maintype, subtype = kind.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def _address(pair: tuple[str, str]) -> str:
    name, email = pair
    user, _, domain = email.partition("@")
    return str(Address(name, user, domain))


MINH = ("Phạm Minh", "minh@vinaplast.vn")
HOANG = ("Lê Hoàng", "hoang@abcsupplies.vn")
QUANG = ("Đỗ Quang", f"quang@{DOMAIN}")
THU = ("Ngô Thu", f"thu@{DOMAIN}")
MAI = ("Vũ Mai", f"mai@{DOMAIN}")
SARAH = ("Sarah Chen", "sarah.chen@globex.com")
JAMES = ("James Porter", "james@harbourline.co")
THAO = ("Nguyễn Thảo", "thao@vantaiviet.vn")

LAN_INBOX = (
    Letter(
        MINH,
        (LAN,),
        "KHẨN: Xác nhận đơn hàng PO-2311 trước 15h hôm nay",
        "Chào chị Lan,\n\nNhờ chị xác nhận giúp em số lượng và ngày giao của đơn PO-2311 "
        "trước 15h hôm nay được không ạ? Bên em cần chốt kế hoạch sản xuất.\n\n"
        "Cảm ơn chị,\nMinh\nVinaplast",
        local(30, 7, 40),
        "po2311@vinaplast.vn",
        headers={"Importance": "high"},
    ),
    Letter(
        HOANG,
        (LAN,),
        "Hóa đơn tháng 11 - ABC Supplies",
        "Chào chị Lan,\n\nEm gửi chị hóa đơn tháng 11 đính kèm. Chị kiểm tra giúp em và "
        "xác nhận ngày thanh toán nhé?\n\nTrân trọng,\nLê Hoàng",
        local(27, 15, 20),
        "inv-11@abcsupplies.vn",
        attachments=(("HD-2026-11.pdf", "application/pdf", b"%PDF-1.4 demo"),),
    ),
    Letter(
        QUANG,
        (LAN,),
        "Báo cáo doanh số tháng 11",
        "Lan ơi,\n\nEm gửi anh báo cáo doanh số tháng 11 trước thứ tư nhé? Anh cần cho "
        "cuộc họp với ban giám đốc.\n\nAnh Quang",
        local(27, 16, 30),
        "sales-11@saomai.vn",
    ),
    Letter(
        THU,
        (LAN,),
        "Lịch họp giao ban tuần sau",
        "Chị Lan ơi, chị họp giao ban sáng thứ hai hay chiều thứ ba được ạ?",
        local(27, 10, 0),
        "giaoban@saomai.vn",
    ),
    Letter(
        ("Vietcombank", "canhbao@vietcombank-secure.com"),
        (LAN,),
        "Tài khoản của quý khách sẽ bị khóa",
        "Kính gửi quý khách,\n\nTài khoản của quý khách sẽ bị khóa trong 24 giờ. Vui lòng "
        "xác minh tài khoản và nhập mật khẩu cùng mã OTP tại liên kết sau.",
        local(30, 6, 15),
        "alert-8812@vietcombank-secure.com",
        html="<p>Tài khoản của quý khách sẽ bị khóa trong 24 giờ.</p><p>Vui lòng xác minh "
        'tài khoản và nhập mật khẩu cùng mã OTP: <a href="http://203.0.113.7/vcb/login">'
        "https://www.vietcombank.com.vn/xac-minh</a></p>",
    ),
    Letter(
        ("Bản tin Logistics", "news@logistics-weekly.vn"),
        (LAN,),
        "Bản tin Logistics tuần 48: KHẨN cập nhật giá cước",
        "Bản tin tuần này: giá cước container, lịch tàu tháng 12...",
        local(29, 20, 0),
        "news-48@logistics-weekly.vn",
        headers={
            "List-Unsubscribe": "<mailto:unsubscribe@logistics-weekly.vn>",
            "Precedence": "bulk",
        },
    ),
)

LAN_SENT = (
    Letter(
        LAN,
        (MINH,),
        "Đơn hàng PO-2298",
        "Chào Minh, chị xác nhận đơn PO-2298 nhé.",
        local(24, 14, 0),
        "lan-po2298@saomai.vn",
    ),
    Letter(
        LAN,
        (MINH,),
        "Re: Lịch giao hàng",
        "Minh ơi, thứ năm giao được nhé.",
        local(26, 9, 0),
        "lan-giao@saomai.vn",
    ),
    Letter(
        LAN,
        (MINH,),
        "Re: Mẫu mới",
        "Chị gửi em mẫu mới nhé.",
        local(26, 15, 0),
        "lan-mau@saomai.vn",
    ),
    Letter(
        LAN,
        (HOANG,),
        "Đơn hàng tháng 10",
        "Anh Hoàng ơi, em đã nhận hàng đủ. Cảm ơn anh.",
        local(20, 9, 0),
        "lan-oct@saomai.vn",
    ),
    Letter(
        LAN,
        (THU,),
        "Re: Lịch họp giao ban tuần sau",
        "Chiều thứ ba nhé em.",
        local(27, 11, 0),
        "lan-re-giaoban@saomai.vn",
        in_reply_to="giaoban@saomai.vn",
    ),
)

DAVID_INBOX = (
    Letter(
        SARAH,
        (DAVID,),
        "Quotation for 500 units - a few questions",
        "Hi David,\n\nThanks for the quotation. Could you confirm the unit price for 500 "
        "units and whether delivery by 15 December is possible?\n\nBest,\nSarah",
        local(27, 14, 0),
        "q500@globex.com",
    ),
    Letter(
        ("Accounts Dept", "billing@invoices-portal.net"),
        (DAVID,),
        "Outstanding invoice",
        "Please see the attached invoice and settle it today.",
        local(30, 7, 5),
        "inv-9921@invoices-portal.net",
        attachments=(("Invoice_Nov.pdf.exe", "application/octet-stream", b"MZ demo"),),
    ),
    Letter(
        JAMES,
        (DAVID,),
        "Shipping schedule for December?",
        "Hi David, when is the next container leaving Cát Lái?",
        local(27, 9, 30),
        "ship-dec@harbourline.co",
        cc=(MAI,),
    ),
    Letter(
        MAI,
        (JAMES,),
        "Re: Shipping schedule for December?",
        "Hi James, the next container leaves on 8 December. David, FYI.",
        local(27, 11, 0),
        "mai-re-ship@saomai.vn",
        cc=(DAVID,),
        in_reply_to="ship-dec@harbourline.co",
    ),
    Letter(
        THAO,
        (DAVID,),
        "Báo giá vận chuyển tháng 12",
        "Chào anh David,\n\nBên em gửi báo giá vận chuyển tháng 12. Anh xem và cho em biết "
        "anh có đồng ý với mức giá mới không ạ?\n\nTrân trọng,\nThảo",
        local(30, 7, 50),
        "baogia-12@vantaiviet.vn",
    ),
)

DAVID_SENT = (
    Letter(
        DAVID,
        (SARAH,),
        "Quotation for 500 units",
        "Hi Sarah, please find our quotation.",
        local(25, 10, 0),
        "david-quote@saomai.vn",
    ),
)


def write_maildir(root: Path, inbox: tuple[Letter, ...], sent: tuple[Letter, ...]) -> Path:
    """A Maildir++ with `inbox` in it and `sent` in its .Sent folder."""
    box = mailbox.Maildir(root, create=True)
    for letter in inbox:
        box.add(mailbox.MaildirMessage(render(letter)))
    sent_box = box.add_folder("Sent")
    for letter in sent:
        sent_box.add(mailbox.MaildirMessage(render(letter)))
    return root


def build(root: Path) -> dict[str, Path]:
    """Both employees' Maildirs and the routing file, under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "routing.yaml").write_text(ROUTING, encoding="utf-8")
    return {
        LAN[1]: write_maildir(root / "lan", LAN_INBOX, LAN_SENT),
        DAVID[1]: write_maildir(root / "david", DAVID_INBOX, DAVID_SENT),
    }
