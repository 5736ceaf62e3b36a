"""Reference data shared by the demo generators: Huế's commune-level units, streets and phone numbers.

The 40 commune-level units are the ones Huế has had since 2025-07-01 (Decision 19/2025/QĐ-TTg).
Their 5-digit codes are realistic in shape and range (strings, each unit keeps a pre-merger code)
but are demo values: check them against the official code list before relying on them.
"""

from __future__ import annotations

import random

PROVINCE_CODE = "46"
PROVINCE_NAME = "Thành phố Huế"

# (code, name, urban): urban wards first, then communes.
UNITS: list[tuple[str, str, bool]] = [
    ("19753", "Phường Phú Xuân", True),
    ("19774", "Phường Thuận Hóa", True),
    ("19750", "Phường Kim Long", True),
    ("19768", "Phường Vỹ Dạ", True),
    ("19777", "Phường An Cựu", True),
    ("19789", "Phường Thủy Xuân", True),
    ("19741", "Phường Hương An", True),
    ("19813", "Phường Dương Nỗ", True),
    ("19907", "Phường Hóa Châu", True),
    ("19921", "Phường Mỹ Thượng", True),
    ("19933", "Phường Thuận An", True),
    ("20002", "Phường Hương Thủy", True),
    ("20014", "Phường Thanh Thủy", True),
    ("20023", "Phường Phú Bài", True),
    ("19864", "Phường Hương Trà", True),
    ("19879", "Phường Kim Trà", True),
    ("19720", "Phường Phong Điền", True),
    ("19729", "Phường Phong Thái", True),
    ("19732", "Phường Phong Dinh", True),
    ("19735", "Phường Phong Phú", True),
    ("19738", "Phường Phong Quảng", True),
    ("19792", "Xã Đan Điền", False),
    ("19795", "Xã Quảng Điền", False),
    ("19945", "Xã Phú Vinh", False),
    ("19951", "Xã Phú Hồ", False),
    ("19957", "Xã Phú Vang", False),
    ("20095", "Xã Vinh Lộc", False),
    ("20107", "Xã Hưng Lộc", False),
    ("20113", "Xã Lộc An", False),
    ("20119", "Xã Phú Lộc", False),
    ("20131", "Xã Chân Mây - Lăng Cô", False),
    ("20140", "Xã Long Quảng", False),
    ("20152", "Xã Nam Đông", False),
    ("20161", "Xã Khe Tre", False),
    ("19885", "Xã Bình Điền", False),
    ("20033", "Xã A Lưới 1", False),
    ("20038", "Xã A Lưới 2", False),
    ("20044", "Xã A Lưới 3", False),
    ("20053", "Xã A Lưới 4", False),
    ("20065", "Xã A Lưới 5", False),
]

CENTRAL = UNITS[:6]          # the old city centre, where most services sit
URBAN = [u for u in UNITS if u[2]]
RURAL = [u for u in UNITS if not u[2]]

STREETS = [
    "Lê Lợi", "Hùng Vương", "Hà Nội", "Nguyễn Huệ", "Trần Hưng Đạo", "Lê Duẩn", "Đinh Tiên Hoàng",
    "Mai Thúc Loan", "Nguyễn Trãi", "Bà Triệu", "Phạm Văn Đồng", "Nguyễn Sinh Cung", "Điện Biên Phủ",
    "Trường Chinh", "Nguyễn Tất Thành", "Tự Đức", "Kim Long", "Chi Lăng", "Huỳnh Thúc Kháng",
    "Ngô Đức Kế", "Đống Đa", "Bến Nghé", "Chu Văn An", "Võ Thị Sáu", "Phan Bội Châu", "An Dương Vương",
]

# Approximate centre of each former district, to scatter coordinates plausibly.
CENTRE_LAT, CENTRE_LON = 16.4637, 107.5909


def unit(code: str) -> tuple[str, str, bool]:
    """The commune-level unit with this code."""
    return next(u for u in UNITS if u[0] == code)


def address(rng: random.Random, unit: tuple[str, str, bool]) -> str:
    """A street address in ``unit``: number, street (urban) or village (rural), unit, city."""
    if unit[2]:
        place = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
    else:
        place = f"Thôn {rng.randint(1, 9)}"
    return f"{place}, {unit[1]}, {PROVINCE_NAME}"


def landline(rng: random.Random, legacy: bool = False) -> str:
    """A Huế landline: ``0234 3822 565``; ``legacy`` gives the pre-2017 area code ``054``."""
    area = "054" if legacy else "0234"
    return f"{area} {rng.choice(['3822', '3823', '3824', '3845', '3848', '3932', '3855'])} {rng.randint(0, 999):03d}"


def mobile(rng: random.Random) -> str:
    """A 10-digit mobile number (post-2018 prefixes)."""
    prefix = rng.choice(["090", "091", "093", "094", "097", "098", "035", "077", "083", "088"])
    return f"{prefix}{rng.randint(0, 9_999_999):07d}"


def coordinates(rng: random.Random, spread: float = 0.08) -> tuple[float, float]:
    """A (latitude, longitude) pair around the city centre, rounded to 6 decimals."""
    lat = CENTRE_LAT + rng.uniform(-spread, spread)
    lon = CENTRE_LON + rng.uniform(-spread, spread) * 1.5
    return round(lat, 6), round(lon, 6)
