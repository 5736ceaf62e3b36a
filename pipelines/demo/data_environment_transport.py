"""Demo files of Sở Nông nghiệp và Môi trường and Sở Xây dựng: crops, air quality, transport.

Codes with leading zeros live here: bus route codes (``01``…``12``) and the destination province and
ward codes of inter-provincial coach routes (Hà Nội ``01`` / ``00xxx``, Tuyên Quang ``08`` …).
"""

from __future__ import annotations

import datetime as dt
import random

from pipelines.demo import gazetteer as gz
from pipelines.demo.writers import (Sheet, cp1258_bytes, csv_bytes, json_bytes, parquet_bytes, vi_number,
                                    xlsx_bytes)

CROPS = [("Lúa", "Đông Xuân", 55, 68), ("Lúa", "Hè Thu", 50, 62), ("Ngô", "Cả năm", 40, 52),
         ("Sắn", "Cả năm", 150, 210), ("Khoai lang", "Cả năm", 60, 85), ("Lạc", "Cả năm", 18, 26),
         ("Rau các loại", "Cả năm", 140, 190)]


def farm_output(rng: random.Random) -> bytes:
    """``san-luong-nong-nghiep-2024.xlsx``: notes on the first sheet, data on ``SanLuong_2024``."""
    rows = []
    for code, name, urban in gz.UNITS[6:]:
        for crop, season, low, high in CROPS:
            if rng.random() < (0.35 if urban else 0.15):
                continue
            area = round(rng.uniform(5, 120 if urban else 900), 1)
            yield_ = round(rng.uniform(low, high), 1)
            rows.append([code, name, 2024, season, crop, area, yield_, round(area * yield_ / 10, 1)])
    notes = ["Số liệu sơ bộ năm 2024 theo đơn vị hành chính cấp xã (từ 01/7/2025).",
             "Diện tích: ha; năng suất: tạ/ha; sản lượng: tấn.",
             "Nguồn: Sở Nông nghiệp và Môi trường thành phố Huế. Dữ liệu ở trang tính SanLuong_2024."]
    header = ["Mã xã", "Tên xã", "Năm", "Vụ", "Cây trồng", "Diện tích gieo trồng (ha)",
              "Năng suất (tạ/ha)", "Sản lượng (tấn)"]
    return xlsx_bytes([Sheet("Hướng dẫn", titles=notes, widths={"A": 90}),
                       Sheet("SanLuong_2024", header, rows, widths={"B": 28})])


STATIONS = [("KK-TTH01", "Trạm quan trắc tự động 83 Hùng Vương"),
            ("KK-TTH02", "Trạm quan trắc tự động Khu công nghiệp Phú Bài"),
            ("KK-TTH03", "Trạm quan trắc tự động Phong Điền")]
PM25_BREAKS = [(0, 0), (25, 50), (50, 100), (80, 150), (150, 200), (250, 300), (350, 400), (500, 500)]


def vn_aqi(pm25: float) -> int:
    """VN_AQI of a PM2.5 concentration (µg/m³), by linear interpolation of Decision 1459's breakpoints."""
    for (c0, a0), (c1, a1) in zip(PM25_BREAKS, PM25_BREAKS[1:]):
        if pm25 <= c1:
            return round(a0 + (a1 - a0) * (pm25 - c0) / (c1 - c0))
    return 500


def air_quality(rng: random.Random) -> bytes:
    """``quan-trac-khong-khi-tu-dong.parquet``: hourly readings of three automatic stations."""
    import pyarrow as pa

    cols: dict[str, list] = {k: [] for k in ["Mã trạm", "Tên trạm", "Thời điểm", "PM2.5", "PM10", "CO",
                                             "NO2", "SO2", "O3", "VN_AQI"]}
    start = dt.datetime(2025, 11, 17, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    for hour in range(96):
        at = start + dt.timedelta(hours=hour)
        rush = 1.5 if at.hour in (7, 8, 17, 18, 19) else 1.0
        for code, name in STATIONS:
            pm25 = round(rng.uniform(8, 38) * rush, 1)
            values = [code, name, at, pm25, None if rng.random() < 0.02 else round(pm25 * rng.uniform(1.4, 2.0), 1),
                      round(rng.uniform(400, 2200) * rush, 0), round(rng.uniform(5, 45) * rush, 1),
                      round(rng.uniform(2, 20), 1), round(rng.uniform(20, 90), 1), vn_aqi(pm25)]
            for key, value in zip(cols, values):
                cols[key].append(value)
    kinds = [pa.string(), pa.string(), pa.timestamp("s", tz="Asia/Ho_Chi_Minh")] + [pa.float64()] * 6 + [pa.int32()]
    return parquet_bytes({k: (kind, cols[k]) for k, kind in zip(cols, kinds)})


# Named points and the unit they sit in; the other points are residential areas.
POINT_PLACES = [("Ngã tư Hùng Vương - Bà Triệu", "19774"), ("Ngã ba Lê Lợi - Hà Nội", "19774"),
                ("Chợ Đông Ba", "19753"), ("Bến xe phía Nam", "19777"), ("Bến xe phía Bắc", "19753"),
                ("Khu công nghiệp Phú Bài", "20023"), ("Khu công nghiệp Phong Điền", "19720"),
                ("Cảng Chân Mây", "20131"), ("Khu xử lý chất thải Thủy Phương", "20014"),
                ("Cầu Phú Xuân", "19774"), ("Cửa biển Thuận An", "19933"), ("Khu dân cư Kim Long", "19750")]


def monitoring_points(rng: random.Random) -> bytes:
    """``diem-quan-trac-thu-cong.csv``: 49 manual points, four sampling rounds in 2025, saved as an office PC
    does: Windows-1258, ``;`` separated, numbers ``4.512,5`` and dates ``dd/mm/yyyy``."""
    places = POINT_PLACES + [(f"Khu dân cư {name}", code) for code, name, _ in gz.UNITS]
    points = [(f"KK{i:02d}", *place) for i, place in enumerate(places[:49], start=1)]
    rows = []
    for round_, month in enumerate([2, 5, 8, 11], start=1):
        for code, place, ward in points:
            busy = 1.8 if "Ngã" in place or "Bến xe" in place or "Khu công nghiệp" in place else 1.0
            sampled = dt.date(2025, month, rng.randint(3, 20))
            values = [round(rng.uniform(40, 190) * busy), round(rng.uniform(1500, 6000) * busy),
                      round(rng.uniform(10, 60) * busy), round(rng.uniform(5, 40)), round(rng.uniform(1, 12), 1),
                      round(rng.uniform(52, 68) + busy * 4, 1)]
            rows.append([code, place, ward, round_, sampled.strftime("%d/%m/%Y"), *map(vi_number, values)])
    header = ["Mã điểm", "Tên điểm quan trắc", "Mã phường/xã", "Đợt", "Ngày lấy mẫu", "TSP (µg/m³)",
              "CO (µg/m³)", "NO2 (µg/m³)", "SO2 (µg/m³)", "H2S (µg/m³)", "Tiếng ồn (dBA)"]
    return cp1258_bytes(csv_bytes(header, rows, delimiter=";").decode("utf-8"))


BUS_ENDS = ["Bến xe phía Bắc", "Bến xe phía Nam", "Thuận An", "Phú Bài", "Phong Điền", "Tứ Hạ", "Sịa",
            "Vinh Thanh", "Lăng Cô", "Bình Điền", "Đại học Huế", "Chợ Đông Ba"]


def bus_stops(rng: random.Random) -> bytes:
    """``diem-dung-xe-buyt.csv``: stops of the 12 city routes; UTF-8 with a BOM, as Excel saves it."""
    rows, stop_ids = [], iter(range(1, 10_000))
    for route in range(1, 13):
        first, last = BUS_ENDS[route - 1], BUS_ENDS[(route * 5) % 12]
        stops = [(f"HUE-{next(stop_ids):04d}", f"{rng.randint(1, 200)} {rng.choice(gz.STREETS)}",
                  rng.choice(gz.UNITS), gz.coordinates(rng, 0.12)) for _ in range(rng.randint(8, 12))]
        for direction, ordered in (("Đi", stops), ("Về", stops[::-1])):
            for seq, (sid, name, unit, (lat, lon)) in enumerate(ordered, start=1):
                rows.append([f"{route:02d}", f"{first} - {last}", direction, seq, sid, name, unit[0], lat, lon])
    header = ["Mã tuyến", "Tên tuyến", "Chiều", "STT", "Mã điểm dừng", "Tên điểm dừng", "Mã phường/xã",
              "Vĩ độ", "Kinh độ"]
    return csv_bytes(header, rows, bom=True)


# (province, province code, plate code, destination station, ward code, km): after Decision 19/2025.
DESTINATIONS = [
    ("Hà Nội", "01", 29, "Bến xe Giáp Bát", "00331", 670),
    ("Hà Nội", "01", 29, "Bến xe Mỹ Đình", "00622", 690),
    ("Hà Nội", "01", 29, "Bến xe Nước Ngầm", "00340", 665),
    ("Tuyên Quang", "08", 22, "Bến xe Hà Giang", "00688", 990),
    ("Lào Cai", "15", 24, "Bến xe Yên Bái", "04258", 850),
    ("Thái Nguyên", "19", 20, "Bến xe Thái Nguyên", "05443", 750),
    ("Quảng Ninh", "22", 14, "Bến xe Bãi Cháy", "06709", 810),
    ("Hải Phòng", "31", 15, "Bến xe Lạc Long", "11311", 760),
    ("Ninh Bình", "37", 35, "Bến xe Ninh Bình", "14359", 560),
    ("Thanh Hóa", "38", 36, "Bến xe phía Bắc Thanh Hóa", "14758", 500),
    ("Nghệ An", "40", 37, "Bến xe Vinh", "16681", 370),
    ("Hà Tĩnh", "42", 38, "Bến xe Hà Tĩnh", "18073", 320),
    ("Quảng Trị", "44", 74, "Bến xe Đông Hà", "19300", 75),
    ("Đà Nẵng", "48", 43, "Bến xe Trung tâm Đà Nẵng", "20257", 100),
    ("Quảng Ngãi", "51", 76, "Bến xe Quảng Ngãi", "21172", 230),
    ("Gia Lai", "52", 81, "Bến xe Đức Long Gia Lai", "23575", 520),
    ("Khánh Hòa", "56", 79, "Bến xe phía Nam Nha Trang", "22363", 630),
    ("Đắk Lắk", "66", 47, "Bến xe phía Bắc Buôn Ma Thuột", "24133", 660),
    ("Lâm Đồng", "68", 49, "Bến xe liên tỉnh Đà Lạt", "24778", 780),
    ("Đồng Nai", "75", 60, "Bến xe Biên Hòa", "26068", 1040),
    ("Hồ Chí Minh", "79", 51, "Bến xe Miền Đông mới", "26881", 1060),
    ("Cần Thơ", "92", 65, "Bến xe Trung tâm Cần Thơ", "31117", 1230),
]
HUE_STATIONS = [(11, "Bến xe phía Bắc Huế"), (12, "Bến xe phía Nam Huế"), (13, "Bến xe A Lưới"),
                (14, "Bến xe Phong Điền")]


def intercity_routes(rng: random.Random) -> bytes:
    """``tuyen-van-tai-lien-tinh.json``: fixed inter-provincial coach routes, ``{data, totalRows}``."""
    records = []
    for index, (province, pcode, plate, station, ward, km) in enumerate(DESTINATIONS):
        origins = rng.sample(HUE_STATIONS[:2], rng.randint(1, 2)) + rng.sample(HUE_STATIONS[2:], rng.randint(0, 1))
        for sid, origin in origins:
            dest_sid = 10 + index % 5
            pair = sorted([(75, sid), (plate, dest_sid)])
            records.append({"maTuyen": f"{pair[0][0]}{pair[1][0]}.{pair[0][1]}{pair[1][1]}.A", "benDi": origin,
                            "benDen": station, "tinhDen": province, "maTinhDen": pcode, "maXaDen": ward,
                            "cuLyKm": km + (70 if sid == 13 else 40 if sid == 14 else 0) + rng.randint(-5, 5),
                            "soChuyenToiDaThang": rng.choice([30, 60, 90, 120, 180]),
                            "trangThai": rng.choices(["Đang khai thác", "Tạm ngừng khai thác"], [9, 1])[0],
                            "ngayCongBo": (dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(1700))).isoformat()})
    return json_bytes({"data": records, "totalRows": len(records)})


BUILDERS = {
    "san-luong-nong-nghiep-2024.xlsx": farm_output,
    "quan-trac-khong-khi-tu-dong.parquet": air_quality,
    "diem-quan-trac-thu-cong.csv": monitoring_points,
    "diem-dung-xe-buyt.csv": bus_stops,
    "tuyen-van-tai-lien-tinh.json": intercity_routes,
}
