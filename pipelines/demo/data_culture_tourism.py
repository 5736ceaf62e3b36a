"""Demo files of the culture and tourism agencies, in the JSON envelopes Huế's portal uses.

Heritage relics and festivals come as ``{code, message, data, hienthi}``, tourist sites as
``{data, totalRows}``, visitor counts as ``{chart, grid}``, ticket prices as a bare list with Huế's
mixed camelCase keys (``placeID, placeTitle, soVeDon, …``). Accommodation is a ``;``-separated CSV
in which a few old records keep the pre-2017 area code ``054``: the demo's warning-only failure.
"""

from __future__ import annotations

import datetime as dt
import random

from pipelines.demo import gazetteer as gz
from pipelines.demo.writers import csv_bytes, json_bytes

STAMP = "2025-11-20T08:00:00"
# Old villages and the (post-2025) commune-level unit each lies in.
VILLAGES = {"Kim Long": "19750", "Vỹ Dạ": "19768", "Nguyệt Biều": "19789", "Dương Nỗ": "19813",
            "Thanh Thủy Chánh": "20014", "Phước Tích": "19729", "Thủy Biều": "19789", "Lại Ân": "19813",
            "Mỹ Lợi": "20095", "An Truyền": "19945", "Thế Lại": "19768", "Phú Mậu": "19813", "Hà Trung": "19957",
            "Bao La": "19795", "Niêm Phò": "19792", "Thanh Hà": "19741", "Phù Ninh": "19813", "Chuồn": "19951",
            "Hiền Sĩ": "19735", "Lương Quán": "19789", "An Cựu": "19777", "Vân Dương": "19777", "Thủ Lễ": "19795"}
SURNAMES = ["Nguyễn", "Lê", "Trần", "Phan", "Hoàng", "Võ", "Đặng", "Huỳnh", "Tôn Thất", "Hồ", "Trương"]


def _envelope(records: list[dict]) -> dict:
    """Huế's ``{code, message, data, hienthi}`` envelope."""
    return {"code": 200, "message": "OK", "data": records,
            "hienthi": {"tongSoBanGhi": len(records), "trang": 1, "soBanGhiMoiTrang": len(records)}}


def heritage_relics(rng: random.Random) -> bytes:
    """``di-tich-xep-hang.json``: ranked relics (national special, national, city level)."""
    fixed = [("Quần thể di tích Cố đô Huế", "Kiến trúc nghệ thuật", "Quốc gia đặc biệt", 2009, "19753"),
             ("Lăng vua Gia Long", "Kiến trúc nghệ thuật", "Quốc gia", 1979, "19885"),
             ("Chùa Thiên Mụ", "Kiến trúc nghệ thuật", "Quốc gia", 1979, "19750"),
             ("Điện Hòn Chén", "Kiến trúc nghệ thuật", "Quốc gia", 1979, "19879"),
             ("Làng cổ Phước Tích", "Kiến trúc nghệ thuật", "Quốc gia", 2009, "19729"),
             ("Nhà lưu niệm Phan Bội Châu", "Lịch sử", "Quốc gia", 1991, "19777")]
    kinds = ["Lịch sử", "Kiến trúc nghệ thuật", "Lịch sử - văn hóa", "Danh lam thắng cảnh", "Khảo cổ"]
    makers = [lambda v: f"Đình làng {v}", lambda v: f"Chùa {v}",
              lambda v: f"Nhà thờ họ {rng.choice(SURNAMES)} làng {v}",
              lambda v: f"Miếu {rng.choice(['Âm Hồn', 'Thành Hoàng', 'Bà Bảy'])} {v}"]
    specs, seen = list(fixed), {f[0] for f in fixed}
    while len(specs) < 124:
        village = rng.choice(list(VILLAGES))
        name = rng.choice(makers)(village)
        if name not in seen:
            seen.add(name)
            rank = rng.choices(["Quốc gia", "Cấp thành phố"], [1, 4])[0]
            specs.append((name, rng.choice(kinds), rank, rng.randint(1990, 2025), VILLAGES[village]))
    records = []
    for i, (name, kind, rank, year, ward) in enumerate(specs, start=1):
        unit = gz.unit(ward)
        lat, lon = gz.coordinates(rng, 0.2)
        decision = "BVHTTDL" if rank != "Cấp thành phố" else "UBND"
        records.append({"id": i, "maDiTich": f"DT46.{i:03d}", "tenDiTich": name, "loaiHinh": kind,
                        "capXepHang": rank, "namXepHang": year,
                        "soQuyetDinh": f"{rng.randint(100, 3999)}/QĐ-{decision}", "diaChi": gz.address(rng, unit),
                        "maPhuongXa": unit[0], "viDo": lat, "kinhDo": lon, "createdAt": STAMP})
    return json_bytes(_envelope(records))


FESTIVALS = [
    ("Festival Huế", "Văn hóa - du lịch", "Quốc tế", "Theo mùa, tháng 1 đến tháng 12", 4, 1, "19753"),
    ("Festival Nghề truyền thống Huế", "Văn hóa - du lịch", "Quốc gia", "Tháng 6", 6, 12, "19774"),
    ("Lễ hội Điện Hòn Chén", "Tín ngưỡng", "Cấp thành phố", "Mùng 2 tháng 3 và tháng 7 âm lịch", 4, 19, "19879"),
    ("Lễ tế Nam Giao", "Cung đình", "Cấp thành phố", "Tháng 2 âm lịch", 3, 20, "19789"),
    ("Lễ tế Xã Tắc", "Cung đình", "Cấp thành phố", "Tháng 2 âm lịch", 3, 27, "19753"),
    ("Lễ hội vật làng Sình", "Dân gian", "Cấp thành phố", "Mùng 10 tháng Giêng âm lịch", 2, 26, "19813"),
    ("Lễ hội đua ghe truyền thống trên sông Hương", "Dân gian", "Cấp thành phố", "Ngày 2 tháng 9", 9, 2, "19753"),
    ("Lễ Phật đản", "Tôn giáo", "Cấp thành phố", "Rằm tháng 4 âm lịch", 5, 31, "19774"),
    ("Lễ hội Cầu ngư Thuận An", "Dân gian", "Cấp xã", "Tháng Giêng âm lịch", 2, 24, "19933"),
]


def festivals(rng: random.Random) -> bytes:
    """``le-hoi.json``: the 2026 festival calendar (replaced as a whole every year)."""
    specs = list(FESTIVALS)
    for village in rng.sample(list(VILLAGES), 20):
        kind = rng.choice(["Lễ hội đình làng", "Lễ tế Xuân"])
        specs.append((f"{kind} {village}", "Dân gian", "Cấp xã", "Tháng Giêng âm lịch", 2, rng.randint(17, 28),
                      VILLAGES[village]))
    records = []
    for i, (name, kind, scale, lunar, month, day, ward) in enumerate(specs, start=1):
        unit = gz.unit(ward)
        start = dt.date(2026, month, day)
        records.append({"ID": 1000 + i, "tenLeHoi": name, "loaiLeHoi": kind, "quyMo": scale,
                        "thoiGianToChuc": lunar, "ngayBatDau": start.isoformat(),
                        "ngayKetThuc": (start + dt.timedelta(days=rng.randint(0, 3))).isoformat(),
                        "diaDiem": unit[1], "maPhuongXa": unit[0], "chuKy": "Hằng năm"})
    return json_bytes(_envelope(records))


TICKETED = [(1, "Hoàng thành Huế (Đại Nội)", 200_000, 40_000, True), (2, "Lăng vua Tự Đức", 150_000, 30_000, True),
            (3, "Lăng vua Minh Mạng", 150_000, 30_000, True), (4, "Lăng vua Khải Định", 150_000, 30_000, True),
            (5, "Lăng vua Gia Long", 150_000, 30_000, False), (6, "Lăng vua Đồng Khánh", 100_000, 20_000, False),
            (7, "Lăng vua Thiệu Trị", 100_000, 20_000, False), (8, "Điện Hòn Chén", 100_000, 20_000, False),
            (9, "Cung An Định", 50_000, 10_000, False), (10, "Đàn Nam Giao", 50_000, 10_000, False),
            (11, "Hổ Quyền", 50_000, 10_000, False)]
CUSTOMERS = [(1, "Người lớn"), (2, "Trẻ em từ 7 đến 12 tuổi"), (3, "Khách đoàn từ 20 người (người lớn)")]


def ticket_prices(rng: random.Random) -> bytes:
    """``gia-ve-tham-quan.json``: a bare list with Huế's mixed camelCase keys (served through CKAN)."""
    records = []
    for place, title, adult, child, in_combo in TICKETED:
        for ctype, cname in CUSTOMERS:
            single = {1: adult, 2: child, 3: int(round(adult * 0.9, -3))}[ctype]
            combo = {1: 580_000, 2: 110_000, 3: 520_000}[ctype] if in_combo else None
            records.append({"placeID": place, "placeTitle": title, "soVeDon": single, "soVeTuyen": combo,
                            "customerType": ctype, "customerTypeName": cname, "ngayApDung": "2025-01-01",
                            "createdAt": "2024-12-20T09:30:00", "updatedAt": STAMP})
    return json_bytes(records)


def monument_visitors(rng: random.Random) -> bytes:
    """``luot-khach-tham-quan.json``: daily visits per site, as ``{chart, grid}``."""
    grid, day = [], dt.date(2025, 9, 1)
    while day <= dt.date(2025, 10, 31):
        weekend = 1.4 if day.weekday() >= 5 else 1.0
        for place, title, *_ in TICKETED[:6]:
            base = 6000 if place == 1 else 1800 // place + 400
            foreign = round(base * weekend * rng.uniform(0.35, 0.6))
            domestic = round(base * weekend * rng.uniform(0.4, 0.8))
            grid.append({"ngay": day.isoformat(), "placeID": place, "tenDiTich": title,
                         "khachQuocTe": foreign, "khachTrongNuoc": domestic, "tongLuot": foreign + domestic})
        day += dt.timedelta(days=1)
    labels = sorted({g["ngay"] for g in grid})
    series = [{"name": t, "data": [g["tongLuot"] for g in grid if g["placeID"] == p]} for p, t, *_ in TICKETED[:6]]
    return json_bytes({"chart": {"labels": labels, "series": series}, "grid": grid})


# (title, type, unit code)
SITES = [("Hoàng thành Huế", "Di tích lịch sử", "19753"), ("Kinh thành Huế", "Di tích lịch sử", "19753"),
         ("Lăng vua Tự Đức", "Di tích lịch sử", "19789"), ("Lăng vua Minh Mạng", "Di tích lịch sử", "19885"),
         ("Lăng vua Khải Định", "Di tích lịch sử", "19789"), ("Chùa Thiên Mụ", "Di tích lịch sử", "19750"),
         ("Chùa Từ Hiếu", "Di tích lịch sử", "19789"), ("Chùa Từ Đàm", "Di tích lịch sử", "19777"),
         ("Cung An Định", "Di tích lịch sử", "19774"), ("Điện Hòn Chén", "Di tích lịch sử", "19879"),
         ("Đàn Nam Giao", "Di tích lịch sử", "19789"), ("Hổ Quyền", "Di tích lịch sử", "19789"),
         ("Văn Miếu Huế", "Di tích lịch sử", "19741"), ("Nhà vườn An Hiên", "Nhà vườn", "19750"),
         ("Nhà vườn Ngọc Sơn Công chúa", "Nhà vườn", "19750"), ("Bảo tàng Cổ vật Cung đình Huế", "Bảo tàng", "19753"),
         ("Bảo tàng Hồ Chí Minh", "Bảo tàng", "19774"), ("Cầu Trường Tiền", "Công trình kiến trúc", "19774"),
         ("Cầu ngói Thanh Toàn", "Công trình kiến trúc", "20014"), ("Chợ Đông Ba", "Điểm mua sắm", "19753"),
         ("Phố đi bộ Nguyễn Đình Chiểu", "Điểm vui chơi", "19774"), ("Đồi Vọng Cảnh", "Danh lam thắng cảnh", "19789"),
         ("Hồ Thủy Tiên", "Danh lam thắng cảnh", "19789"), ("Phá Tam Giang", "Danh lam thắng cảnh", "19738"),
         ("Đầm Chuồn", "Danh lam thắng cảnh", "19951"), ("Đầm Lập An", "Danh lam thắng cảnh", "20131"),
         ("Vườn quốc gia Bạch Mã", "Du lịch sinh thái", "20140"), ("Suối Voi", "Du lịch sinh thái", "20140"),
         ("Suối Mơ", "Du lịch sinh thái", "20131"), ("Thiền viện Trúc Lâm Bạch Mã", "Tâm linh", "20140"),
         ("Biển Thuận An", "Bãi biển", "19933"), ("Biển Lăng Cô", "Bãi biển", "20131"),
         ("Biển Cảnh Dương", "Bãi biển", "20131"), ("Làng hương Thủy Xuân", "Làng nghề", "19789"),
         ("Làng nón Phú Cam", "Làng nghề", "19777"), ("Làng cổ Phước Tích", "Làng nghề", "19729"),
         ("Làng nghề đúc đồng Phường Đúc", "Làng nghề", "19777"), ("Làng tranh Sình", "Làng nghề", "19813"),
         ("Nhà thờ Chính tòa Phủ Cam", "Tâm linh", "19777"), ("Cồn Hến", "Điểm ẩm thực", "19768"),
         ("Đồi Thiên An", "Danh lam thắng cảnh", "19789"), ("Sông Hương", "Danh lam thắng cảnh", "19774"),
         ("Núi Ngự Bình", "Danh lam thắng cảnh", "19777"), ("Thác A Nôr", "Du lịch sinh thái", "20038"),
         ("Chợ phiên A Lưới", "Điểm mua sắm", "20033")]


def tourist_sites(rng: random.Random) -> bytes:
    """``diem-du-lich.json``: ``{data, totalRows}``, as Huế's tourism API pages them."""
    records = []
    for i, (title, kind, ward) in enumerate(SITES, start=1):
        unit = gz.unit(ward)
        lat, lon = gz.coordinates(rng, 0.04 if ward in {u[0] for u in gz.CENTRAL} else 0.25)
        fee = next((t[2] for t in TICKETED if t[1].startswith(title[:12])), None)
        records.append({"placeID": 100 + i, "placeTitle": title, "placeTypeName": kind,
                        "diaChi": gz.address(rng, unit), "maPhuongXa": unit[0], "latitude": lat,
                        "longitude": lon, "giaVeThamKhao": fee, "isActive": i != 21,
                        "createdAt": "2023-05-04T10:00:00", "updatedAt": STAMP})
    return json_bytes({"data": records, "totalRows": len(records)})


ACCOMMODATION_KINDS = [("Khách sạn", 5), ("Homestay", 4), ("Nhà nghỉ du lịch", 2), ("Biệt thự du lịch", 1),
                       ("Căn hộ du lịch", 1)]
NAME_WORDS = ["Hương Giang", "Cố Đô", "Kinh Thành", "Thiên Mụ", "Vỹ Dạ", "Hoàng Cung", "Phú Xuân", "Sen Vàng",
              "Ngọc Lan", "Hoa Sen", "An Phú", "Riverside", "Lotus", "Heritage", "Moonlight", "Imperial",
              "Jade", "Orchid", "Azure", "Golden", "Sunny", "Bamboo", "Mộc Miên", "Trúc Lâm"]


def accommodation(rng: random.Random) -> bytes:
    """``co-so-luu-tru.csv``: ``;``-separated, licences since 2010; old ones keep the ``054`` area code."""
    rows, names = [], set()
    while len(rows) < 260:
        kind = rng.choices([k for k, _ in ACCOMMODATION_KINDS], [w for _, w in ACCOMMODATION_KINDS])[0]
        name = f"{kind} {rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)}"
        if name in names or len(set(name.split())) < len(name.split()):
            continue
        names.add(name)
        hotel = kind == "Khách sạn"
        stars = rng.choices([1, 2, 3, 4, 5], [2, 4, 4, 2, 1])[0] if hotel else None
        rooms = rng.randint(10, 60) * (stars or 1) // 2 + 5 if hotel else rng.randint(2, 14)
        licensed = dt.date(2010, 3, 1) + dt.timedelta(days=rng.randrange(5600))
        legacy = licensed.year < 2013 and len(rows) % 3 == 0
        unit = rng.choice(gz.CENTRAL * 3 + gz.UNITS)
        rows.append([f"LT{len(rows) + 1:04d}", name, kind, stars, rooms, rooms * rng.choice([1, 2, 2]),
                     gz.address(rng, unit), unit[0], gz.landline(rng, legacy) if hotel else gz.mobile(rng),
                     licensed.isoformat()])
    header = ["Mã cơ sở", "Tên cơ sở", "Loại hình", "Hạng sao", "Số phòng", "Số giường", "Địa chỉ",
              "Mã phường/xã", "Điện thoại", "Ngày cấp quyết định"]
    return csv_bytes(header, rows, delimiter=";")


BUILDERS = {
    "di-tich-xep-hang.json": heritage_relics,
    "le-hoi.json": festivals,
    "gia-ve-tham-quan.json": ticket_prices,
    "luot-khach-tham-quan.json": monument_visitors,
    "diem-du-lich.json": tourist_sites,
    "co-so-luu-tru.csv": accommodation,
}
