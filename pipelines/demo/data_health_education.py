"""Demo files of Sở Y tế and Sở Giáo dục và Đào tạo: facilities, bed reports, schools.

``hospital_beds`` deliberately carries one negative bed count (a sign typed by hand in a monthly
report): it is the demo's one dataset that fails a critical expectation and is quarantined.
"""

from __future__ import annotations

import datetime as dt
import random

from pipelines.demo import gazetteer as gz
from pipelines.demo.writers import Sheet, csv_bytes, xlsx_bytes

# (name, kind, level, ownership, beds): hospitals in the centre of the city.
HOSPITALS = [
    ("Bệnh viện Trung ương Huế", "Bệnh viện đa khoa", "Trung ương", "Công lập", 2400),
    ("Bệnh viện Trường Đại học Y - Dược Huế", "Bệnh viện đa khoa", "Trung ương", "Công lập", 1100),
    ("Bệnh viện Quốc tế Trung ương Huế", "Bệnh viện đa khoa", "Trung ương", "Công lập", 150),
    ("Bệnh viện Y học cổ truyền Huế", "Bệnh viện chuyên khoa", "Thành phố", "Công lập", 200),
    ("Bệnh viện Mắt Huế", "Bệnh viện chuyên khoa", "Thành phố", "Công lập", 120),
    ("Bệnh viện Tâm thần Huế", "Bệnh viện chuyên khoa", "Thành phố", "Công lập", 180),
    ("Bệnh viện Phục hồi chức năng Huế", "Bệnh viện chuyên khoa", "Thành phố", "Công lập", 150),
    ("Bệnh viện Giao thông vận tải Huế", "Bệnh viện đa khoa", "Bộ, ngành", "Công lập", 160),
    ("Bệnh viện Quân y 268", "Bệnh viện đa khoa", "Bộ, ngành", "Công lập", 250),
    ("Bệnh viện Đa khoa Hoàng Viết Thắng", "Bệnh viện đa khoa", "Thành phố", "Tư nhân", 120),
    ("Bệnh viện Đa khoa Hòa Bình Huế", "Bệnh viện đa khoa", "Thành phố", "Tư nhân", 100),
]
CENTRES = ["Phú Xuân", "Thuận Hóa", "Phong Điền", "Quảng Điền", "Hương Trà", "Hương Thủy",
           "Phú Vang", "Phú Lộc", "Nam Đông", "A Lưới"]
CLINICS = ["Phòng khám đa khoa Bình An", "Phòng khám đa khoa Thiện Nhân", "Phòng khám đa khoa Hoàn Mỹ",
           "Phòng khám đa khoa Sông Hương", "Phòng khám đa khoa Hùng Vương", "Phòng khám đa khoa An Phước"]
KNOWN_ADDRESSES = {"46001": ("16 Lê Lợi", "19774"), "46002": ("41 Nguyễn Huệ", "19774"),
                   "46003": ("3 Ngô Quyền", "19774")}
FACILITY_HEADER = ["Mã cơ sở", "Tên cơ sở", "Loại hình", "Tuyến", "Hình thức sở hữu", "Địa chỉ",
                   "Mã phường/xã", "Điện thoại", "Số giường bệnh", "Ngày cấp phép", "Vĩ độ", "Kinh độ"]


def _centre_beds(index: int) -> int:
    """Planned beds of the ``index``-th area health centre (the same in every file)."""
    return 80 + 20 * (index * 3 % 8)


def _facilities(rng: random.Random) -> list[list]:
    """Every facility row: hospitals, area health centres, commune health stations, clinics."""
    rows = []
    specs = [(f"460{i + 1:02d}", *h) for i, h in enumerate(HOSPITALS)]
    specs += [(f"461{i + 1:02d}", f"Trung tâm Y tế khu vực {name}", "Trung tâm y tế", "Khu vực", "Công lập",
               _centre_beds(i)) for i, name in enumerate(CENTRES)]
    specs += [(f"462{i + 1:02d}", f"Trạm Y tế {unit[1].replace('Phường', 'phường').replace('Xã', 'xã')}",
               "Trạm y tế", "Xã", "Công lập", rng.choice([0, 3, 5, 5, 7])) for i, unit in enumerate(gz.UNITS)]
    specs += [(f"463{i + 1:02d}", name, "Phòng khám đa khoa", "Thành phố", "Tư nhân", rng.choice([0, 0, 5, 10]))
              for i, name in enumerate(CLINICS)]
    for code, name, kind, level, owner, beds in specs:
        unit = gz.UNITS[int(code[3:]) - 1] if kind == "Trạm y tế" else rng.choice(gz.CENTRAL)
        licensed = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(4600))
        phone = gz.landline(rng) if owner == "Công lập" else gz.mobile(rng)
        address = gz.address(rng, unit)
        if code in KNOWN_ADDRESSES:
            street, ward = KNOWN_ADDRESSES[code]
            unit = gz.unit(ward)
            address = f"{street}, {unit[1]}, {gz.PROVINCE_NAME}"
        rows.append([code, name, kind, level, owner, address, unit[0], phone, beds,
                     licensed.isoformat(), *gz.coordinates(rng, 0.03 if unit[2] else 0.25)])
    return rows


def health_facilities(rng: random.Random) -> bytes:
    """``co-so-kham-chua-benh.csv``: plain UTF-8, comma-separated."""
    return csv_bytes(FACILITY_HEADER, _facilities(rng))


def hospital_beds(rng: random.Random) -> bytes:
    """``bao-cao-giuong-benh-2025.xlsx``: a title row above the header (``header_row: 2``)."""
    units = [(f"460{i + 1:02d}", h[0], h[4]) for i, h in enumerate(HOSPITALS)]
    units += [(f"461{i + 1:02d}", f"Trung tâm Y tế khu vực {n}", _centre_beds(i)) for i, n in enumerate(CENTRES)]
    rows = []
    for month in range(1, 11):
        for code, name, planned in units:
            actual = round(planned * rng.uniform(1.0, 1.35))
            days = round(actual * rng.uniform(0.7, 1.2) * 30)
            occupancy = round(100 * days / (planned * 30), 1)
            rows.append([code, name, dt.date(2025, month, 1), planned, actual, days, occupancy])
    bad = next(r for r in rows if r[0] == "46110" and r[2].month == 7)
    bad[4] = -bad[4]  # the sign typed by hand: fails beds_actual >= 0 (critical)
    header = ["Mã cơ sở", "Tên cơ sở", "Kỳ báo cáo", "Giường kế hoạch", "Giường thực kê",
              "Số ngày điều trị nội trú", "Công suất sử dụng giường (%)"]
    title = "BÁO CÁO CÔNG SUẤT SỬ DỤNG GIƯỜNG BỆNH NĂM 2025 (Sở Y tế thành phố Huế)"
    return xlsx_bytes([Sheet("Báo cáo", header, rows, titles=[title], widths={"B": 42, "C": 14})])


LEVELS = ["Mầm non", "Tiểu học", "Trung học cơ sở"]
HIGH_SCHOOLS = ["Quốc Học", "Hai Bà Trưng", "Nguyễn Huệ", "Gia Hội", "Cao Thắng", "Bùi Thị Xuân",
                "Đặng Trần Côn", "Nguyễn Trường Tộ", "Phan Đăng Lưu", "Hương Trà", "Hương Vinh",
                "Phong Điền", "Tam Giang", "Nguyễn Đình Chiểu", "Vinh Lộc", "Phú Lộc", "Thuận An",
                "Hà Trung", "Nam Đông", "A Lưới", "Hương Thủy", "Phú Bài", "Nguyễn Chí Thanh"]


def _school(rng, code, name, level, owner, unit) -> list:
    """One school row with class, pupil and teacher counts that fit its level."""
    per_class = {"Mầm non": 28, "Tiểu học": 32, "Trung học cơ sở": 38, "Trung học phổ thông": 40}[level]
    classes = rng.randint(6, 14) if level == "Mầm non" else rng.randint(10, 36)
    pupils = classes * per_class - rng.randint(0, classes * 4)
    teachers = round(classes * rng.uniform(1.5, 2.2))
    return [code, name, level, owner, gz.address(rng, unit), unit[0], classes, pupils, teachers,
            gz.landline(rng), "2025-2026"]


def schools(rng: random.Random) -> bytes:
    """``truong-hoc.xlsx``: one sheet, the header in row 1."""
    rows, serial = [], 0
    for unit in gz.UNITS:
        short = unit[1].split(" ", 1)[1]
        for level in LEVELS:
            for n in range(1 if level == "Trung học cơ sở" or not unit[2] else rng.randint(1, 2)):
                serial += 1
                suffix = f" số {n + 1}" if n else ""
                rows.append(_school(rng, f"46{serial * 7 + 100:06d}", f"Trường {level} {short}{suffix}",
                                    level, "Công lập", unit))
    for name in ["Hoa Mai", "Sơn Ca", "Tuổi Thơ", "Thiên Thần Nhỏ", "Ánh Dương", "Họa Mi"]:
        serial += 1
        rows.append(_school(rng, f"46{serial * 7 + 100:06d}", f"Trường Mầm non tư thục {name}",
                            "Mầm non", "Tư thục", rng.choice(gz.CENTRAL)))
    for name in HIGH_SCHOOLS:
        serial += 1
        full = "Trường THPT chuyên Quốc Học" if name == "Quốc Học" else f"Trường THPT {name}"
        rows.append(_school(rng, f"46{serial * 7 + 100:06d}", full, "Trung học phổ thông", "Công lập",
                            rng.choice(gz.URBAN)))
    header = ["Mã trường", "Tên trường", "Cấp học", "Loại hình", "Địa chỉ", "Mã phường/xã", "Số lớp",
              "Số học sinh", "Số giáo viên", "Điện thoại", "Năm học"]
    return xlsx_bytes([Sheet("Danh sách trường", header, rows, widths={"B": 40, "E": 48})])


BUILDERS = {
    "co-so-kham-chua-benh.csv": health_facilities,
    "bao-cao-giuong-benh-2025.xlsx": hospital_beds,
    "truong-hoc.xlsx": schools,
}
