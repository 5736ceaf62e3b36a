"""Demo files of the neighbour region, Thành phố Đà Nẵng (province code 48; Quảng Nam merged into it on
2025-07-01), served by the same demo portal and read by the neighbour registry in ``neighbour/registry``.

* ``da-nang-huong-dan-vien.csv``: licensed tour guides of Sở Du lịch Đà Nẵng — personal data (names, exact
  birth dates, mobile numbers), shared with Huế only after pseudonymisation, generalisation and dropping.
  Card numbers are 9 digits: the card type (1 quốc tế, 2 nội địa, 3 tại điểm), the issuing province (48
  Đà Nẵng; 49 for cards Quảng Nam issued before the merger) and a serial. International and domestic cards
  run 5 years (Luật Du lịch 2017); at-site cards carry no expiry date, so that cell is empty.
* ``da-nang-luot-khach.csv``: monthly arrivals and revenue by source market (internal statistics), numbers
  written the Vietnamese way (``125.430``, ``1.234,5``).

Ward codes are Đà Nẵng's commune-level units from 2025-07-01 as listed in ``pipelines/admin_units``; all
people, phone numbers and figures are made up.
"""

from __future__ import annotations

import datetime as dt
import random

from pipelines.demo.writers import csv_bytes, vi_number

# (code, name, weight): Đà Nẵng's 2025 units where guides live, mostly the old city and Hội An.
WARDS = [("20242", "Phường Hải Châu", 10), ("20209", "Phường Thanh Khê", 8), ("20263", "Phường Sơn Trà", 7),
         ("20275", "Phường An Hải", 7), ("20285", "Phường Ngũ Hành Sơn", 6), ("20257", "Phường Hòa Cường", 6),
         ("20260", "Phường Cẩm Lệ", 5), ("20197", "Phường Liên Chiểu", 3), ("20200", "Phường Hòa Khánh", 3),
         ("20305", "Phường An Khê", 4), ("20314", "Phường Hòa Xuân", 3), ("20194", "Phường Hải Vân", 2),
         ("20320", "Xã Hòa Vang", 1), ("20308", "Xã Bà Nà", 2), ("20410", "Phường Hội An", 6),
         ("20401", "Phường Hội An Tây", 3), ("20413", "Phường Hội An Đông", 3), ("20341", "Phường Tam Kỳ", 2),
         ("20551", "Phường Điện Bàn", 2), ("20623", "Xã Duy Xuyên", 1), ("20611", "Xã Thu Bồn", 1)]
# Wards of the former Quảng Nam (code 20335 and above): their older cards were issued with province code 49.
QUANG_NAM_FROM = "20335"

SURNAMES = [("Nguyễn", 30), ("Trần", 10), ("Lê", 10), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 6), ("Phan", 5),
            ("Trương", 3), ("Đặng", 3), ("Bùi", 2), ("Đỗ", 2), ("Ngô", 2), ("Hồ", 3), ("Dương", 2), ("Lương", 1),
            ("Đoàn", 2), ("Tôn Nữ", 1)]
MIDDLE = {"Nam": ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Ngọc", "Xuân", "Tấn"],
          "Nữ": ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bảo", "Diệu", "Phương", "Hoài", "Kim"]}
GIVEN = {"Nam": ["Hùng", "Dũng", "Tuấn", "Phúc", "Khoa", "Nam", "Long", "Quân", "Huy", "Trung", "Bảo", "Sơn",
                 "Vinh", "Tài", "Lộc", "Khánh", "Thắng", "Hiếu", "Định", "Nhân", "Tín", "Đạt", "Phước", "Quý"],
         "Nữ": ["Lan", "Hương", "Mai", "Trang", "Linh", "Hạnh", "Ngân", "Thảo", "Vy", "Nhung", "Hoa", "Yến",
                "Diễm", "Quỳnh", "Uyên", "Trinh", "Hằng", "My", "Nhi", "Oanh", "Tâm", "Thủy", "Hiền", "Ly"]}
CARD_TYPES = [("Quốc tế", "1", 45), ("Nội địa", "2", 40), ("Tại điểm", "3", 15)]
# Đà Nẵng's markets, roughly by weight among international guides.
LANGUAGES = [("Tiếng Anh", 40), ("Tiếng Hàn", 22), ("Tiếng Trung", 14), ("Tiếng Nhật", 8), ("Tiếng Pháp", 5),
             ("Tiếng Nga", 4), ("Tiếng Đức", 3), ("Tiếng Thái", 2), ("Tiếng Tây Ban Nha", 2)]
MOBILE_PREFIXES = ["0905", "0935", "0914", "0913", "0983", "0978", "0934", "0906", "0763", "0772", "0336",
                   "0347", "0868", "0888", "0799"]


def _pick(rng: random.Random, weighted: list[tuple]) -> tuple:
    return rng.choices(weighted, [w[-1] for w in weighted])[0]


def _full_name(rng: random.Random, gender: str) -> str:
    surname = _pick(rng, SURNAMES)[0]
    while surname == "Tôn Nữ" and gender == "Nam":  # the Nguyễn clan's name for its women only
        surname = _pick(rng, SURNAMES)[0]
    middle = rng.choice(MIDDLE[gender])
    given = rng.choice([g for g in GIVEN[gender] if g != middle])
    return f"{surname} {middle} {given}"


def _phone(rng: random.Random) -> str:
    """A 10-digit mobile, written as people write it: ``0905 123 456``, ``0935123456``, ``+84 905 123 456``."""
    prefix, rest = rng.choice(MOBILE_PREFIXES), f"{rng.randint(0, 999_999):06d}"
    style = rng.choices(["spaced", "plain", "intl", "dotted"], [6, 3, 2, 1])[0]
    if style == "spaced":
        return f"{prefix} {rest[:3]} {rest[3:]}"
    if style == "plain":
        return prefix + rest
    if style == "intl":
        return f"+84 {prefix[1:]} {rest[:3]} {rest[3:]}"
    return f"{prefix}.{rest[:3]}.{rest[3:]}"


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def tour_guides(rng: random.Random) -> bytes:
    """``da-nang-huong-dan-vien.csv``: 150 licensed tour guides, one card each."""
    rows, cards = [], set()
    while len(rows) < 150:
        card_type, digit, _ = _pick(rng, CARD_TYPES)
        ward = _pick(rng, WARDS)[0]
        issued = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(1780))  # 2021-01 … 2025-11
        province = "49" if ward >= QUANG_NAM_FROM and issued < dt.date(2025, 7, 1) else "48"
        card = f"{digit}{province}{rng.randint(100_000, 999_999)}"
        if card in cards:
            continue
        cards.add(card)
        gender = rng.choice(["Nam", "Nữ"])
        name = _full_name(rng, gender)
        born = dt.date(1964, 1, 1) + dt.timedelta(days=rng.randrange(365 * 39))  # 22 to 61 years old
        if card_type == "Quốc tế":
            count = rng.choices([1, 2, 3], [7, 3, 1])[0]
            languages = []
            while len(languages) < count:
                language = _pick(rng, LANGUAGES)[0]
                if language not in languages:
                    languages.append(language)
            spoken = "; ".join(languages)
        elif card_type == "Tại điểm":
            spoken = rng.choice(["", "", "Tiếng Anh", "Tiếng Hàn"])
        else:
            spoken = ""
        expires = "" if card_type == "Tại điểm" else _dmy(issued.replace(year=issued.year + 5)
                                                          if (issued.month, issued.day) != (2, 29)
                                                          else dt.date(issued.year + 5, 2, 28))
        rows.append([card, name, _dmy(born), gender, _phone(rng), card_type, spoken, expires, ward])
    header = ["Số thẻ", "Họ và tên", "Ngày sinh", "Giới tính", "Điện thoại", "Loại thẻ", "Ngoại ngữ",
              "Ngày hết hạn", "Mã phường/xã"]
    return csv_bytes(header, rows)


# (market, mean monthly arrivals in 2024, spend per visitor in million VND, peak months)
MARKETS = [("Nội địa", 520_000, 2.6, (4, 5, 6, 7, 8)), ("Hàn Quốc", 160_000, 7.5, (1, 2, 7, 8, 12)),
           ("Trung Quốc", 38_000, 6.8, (1, 2, 10)), ("Nhật Bản", 12_000, 8.4, (3, 4, 8, 12)),
           ("Đài Loan (Trung Quốc)", 15_000, 6.9, (1, 2, 7)), ("Mỹ", 9_000, 11.2, (3, 7, 12)),
           ("Úc", 6_500, 10.5, (1, 4, 9, 12)), ("Ấn Độ", 11_000, 7.9, (4, 5, 10, 11)),
           ("Thái Lan", 7_000, 6.1, (4, 10)), ("Pháp", 3_500, 10.8, (2, 7, 8)), ("Khác", 24_000, 8.8, (3, 12))]


def tourist_arrivals(rng: random.Random) -> bytes:
    """``da-nang-luot-khach.csv``: arrivals and revenue by market, January 2024 to October 2025."""
    rows = []
    for year, month in [(y, m) for y in (2024, 2025) for m in range(1, 13) if (y, m) <= (2025, 10)]:
        for market, mean, spend, peaks in MARKETS:
            growth = 1.0 if year == 2024 else 1.12  # year-on-year growth
            season = 1.3 if month in peaks else (0.75 if month in (10, 11) else 1.0)  # typhoon season dips
            arrivals = round(mean * growth * season * rng.uniform(0.88, 1.12))
            revenue = round(arrivals * spend * rng.uniform(0.92, 1.08), 1)
            rows.append([f"{year}-{month:02d}", market, vi_number(arrivals), vi_number(revenue)])
    header = ["Tháng", "Thị trường", "Lượt khách", "Doanh thu (triệu đồng)"]
    return csv_bytes(header, rows)


BUILDERS = {
    "da-nang-huong-dan-vien.csv": tour_guides,
    "da-nang-luot-khach.csv": tourist_arrivals,
}
