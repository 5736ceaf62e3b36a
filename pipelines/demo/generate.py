"""Regenerate the demo estate: ``files/*`` and ``packages.json`` beside this module.

Deterministic: every file has its own ``random.Random`` seeded from ``SEED`` and its name, and the
writers fix every timestamp, so a rerun rewrites identical bytes. Run it after changing a generator::

    python -m pipelines.demo.generate [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path

from pipelines.demo import data_culture_tourism, data_danang, data_environment_transport, data_health_education

SEED = 4601
ROOT = Path(__file__).resolve().parent
MAX_FILE_BYTES = 300 * 1024

BUILDERS: dict[str, Callable[[random.Random], bytes]] = {
    **data_health_education.BUILDERS,
    **data_culture_tourism.BUILDERS,
    **data_environment_transport.BUILDERS,
    **data_danang.BUILDERS,
}

ORGS = {
    "so-nong-nghiep-moi-truong": "Sở Nông nghiệp và Môi trường thành phố Huế",
    "trung-tam-bao-ton-di-tich-co-do-hue": "Trung tâm Bảo tồn Di tích Cố đô Huế",
    "so-du-lich": "Sở Du lịch thành phố Huế",
}

# name -> (title, organization, notes, [(resource name, file, format, mimetype)])
PACKAGES = {
    "quan-trac-moi-truong-khong-khi": (
        "Quan trắc chất lượng môi trường không khí thành phố Huế", "so-nong-nghiep-moi-truong",
        "Số liệu quan trắc tự động hằng giờ (VN_AQI) và kết quả quan trắc thủ công tại 49 điểm, "
        "so sánh với QCVN 05:2013/BTNMT.",
        [("Dữ liệu quan trắc không khí tự động", "quan-trac-khong-khi-tu-dong.parquet", "Parquet",
          "application/vnd.apache.parquet"),
         ("Kết quả quan trắc không khí thủ công 2025", "diem-quan-trac-thu-cong.csv", "CSV", "text/csv")]),
    "gia-ve-tham-quan-di-tich-hue": (
        "Giá vé tham quan di tích Cố đô Huế", "trung-tam-bao-ton-di-tich-co-do-hue",
        "Giá vé đơn và vé tuyến tại các điểm di tích do Trung tâm quản lý, theo đối tượng khách.",
        [("Bảng giá vé tham quan", "gia-ve-tham-quan.json", "JSON", "application/json")]),
    "co-so-luu-tru-du-lich": (
        "Cơ sở lưu trú du lịch trên địa bàn thành phố Huế", "so-du-lich",
        "Danh sách khách sạn, homestay, nhà nghỉ, biệt thự và căn hộ du lịch đã được công nhận.",
        [("Danh sách cơ sở lưu trú", "co-so-luu-tru.csv", "CSV", "text/csv")]),
}
METADATA_MODIFIED = "2025-11-20T01:00:00.000000"


def _uuid(*parts: str) -> str:
    """A stable UUID for a demo package or resource."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "regionlink-demo/" + "/".join(parts)))


def packages() -> list[dict]:
    """The CKAN package metadata served by the portal (``url``/``size``/``hash`` are added at serve time)."""
    result = []
    for name, (title, org, notes, resources) in PACKAGES.items():
        result.append({
            "id": _uuid(name), "name": name, "title": title, "notes": notes, "license_id": "cc-by",
            "organization": {"id": _uuid("org", org), "name": org, "title": ORGS[org]},
            "metadata_created": "2024-03-01T02:00:00.000000", "metadata_modified": METADATA_MODIFIED,
            "resources": [{"id": _uuid(name, file), "name": rname, "file": file, "format": fmt, "mimetype": mime,
                           "position": i} for i, (rname, file, fmt, mime) in enumerate(resources)],
        })
    return result


def build_all() -> dict[str, bytes]:
    """Every demo file's name and content."""
    return {name: build(random.Random(f"{SEED}:{name}")) for name, build in BUILDERS.items()}


def write(root: Path = ROOT) -> dict[str, int]:
    """Write ``files/*`` and ``packages.json`` under ``root``; return each file's size."""
    files = root / "files"
    files.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, data in build_all().items():
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"{name} is {len(data)} bytes, over the demo limit of {MAX_FILE_BYTES}")
        (files / name).write_bytes(data)
        sizes[name] = len(data)
    text = json.dumps(packages(), ensure_ascii=False, indent=2) + "\n"
    (root / "packages.json").write_text(text, encoding="utf-8")
    return sizes


def main(argv: list[str] | None = None) -> None:
    """Command line: regenerate the estate and print the file sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="folder to hold files/ and packages.json")
    sizes = write(parser.parse_args(argv).root)
    for name, size in sorted(sizes.items()):
        print(f"{size:>9,}  {name}")
    print(f"{sum(sizes.values()):>9,}  total")


if __name__ == "__main__":
    main()
