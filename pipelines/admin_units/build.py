"""Build ``units.csv.gz``, the committed reference list of Vietnam's provinces and communes/wards.

Run once, by hand, when the source changes (no network at run time; the output file is committed)::

    python -m pipelines.admin_units.build /path/to/vietnamadminunits-1.0.4-py3-none-any.whl

The source is the MIT-licensed PyPI package ``vietnamadminunits`` (see ``NOTICE``); its wheel is only read
with :mod:`zipfile`, never installed (it depends on shapely, geopy and GPL unidecode). From it:

* ``data/dataset.db`` (SQLite) table ``admin_units_legacy``: the 63 provinces and 10,035 communes/wards in force
  until 2025-06-30 (plus 5 island districts without commune level, which are not communes and are skipped);
* table ``admin_units``: the 34 provinces and 3,321 communes/wards/special zones from 2025-07-01
  (Decision 19/2025/QĐ-TTg);
* ``data/converter_2025.json``: the package's crosswalk, keyed by name keys (``tinhquangnam``,
  ``thanhphohue_quanthuanhoa_phuongthuanhoa``…), which this script turns into codes.

Output columns (all text; empty = none): ``level`` (``province`` | ``ward``), ``code`` (provinces 2 digits,
wards 5 digits), ``name``, ``province`` (a ward's province code; empty for provinces), ``valid_from`` and
``valid_to`` (ISO dates, inclusive; an empty ``valid_from`` means "in force before 2025-07-01, start not
recorded"; an empty ``valid_to`` means "still in force"), ``code_2025`` (the 2025 unit the row's unit is, or
became part of).

Rules:

* a legacy unit is valid until 2025-06-30, a 2025 unit from 2025-07-01; when the same code with the same name
  is in both lists (Huế 46, Đà Nẵng 48, Hà Nội 01…) it is one row valid across both; a code kept under another
  name (province 44: Quảng Bình until 2025-06-30, Quảng Trị from 2025-07-01) is two rows;
* ``code_2025`` of a legacy province: the 2025 province whose list of merged provinces names it;
* ``code_2025`` of a legacy ward not split: the 2025 ward whose list of merged wards names it;
* ``code_2025`` of a legacy ward whose area was split between several 2025 wards (471 in this source): the
  successor that kept the legacy ward's own code, if one did (27 cases: under Decision 124/2004 the new unit
  takes the code of the unit where its People's Committee sits, so the code still means that place), else the
  one the source marks ``isDefaultNewWard`` (the package's own answer for an address without a street; exactly
  one per split ward in 1.0.4), else the first it lists. So a code valid in 2025 always maps to itself.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

OUTPUT = Path(__file__).with_name("units.csv.gz")
COLUMNS = ["level", "code", "name", "province", "valid_from", "valid_to", "code_2025"]
LEGACY_UNTIL = "2025-06-30"
NEW_FROM = "2025-07-01"
PACKAGE = "vietnamadminunits"


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _read_wheel(wheel: Path) -> tuple[list[dict], list[dict], dict]:
    with zipfile.ZipFile(wheel) as archive:
        db_bytes = archive.read(f"{PACKAGE}/data/dataset.db")
        converter = json.loads(archive.read(f"{PACKAGE}/data/converter_2025.json"))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "dataset.db"
        db_path.write_bytes(db_bytes)
        with sqlite3.connect(db_path) as conn:
            conn.row_factory = sqlite3.Row
            legacy = [dict(r) for r in conn.execute(
                "SELECT provinceCode, province, provinceKey, districtKey, wardCode, ward, wardKey "
                "FROM admin_units_legacy ORDER BY provinceCode, wardCode")]
            new = [dict(r) for r in conn.execute(
                "SELECT provinceCode, province, provinceKey, wardCode, ward, wardKey "
                "FROM admin_units ORDER BY provinceCode, wardCode")]
        conn.close()
    return legacy, new, converter


def build_rows(legacy: list[dict], new: list[dict], converter: dict) -> tuple[list[dict], dict]:
    """The output rows and a few figures about them (counts, split wards, problems)."""
    problems: list[str] = []
    new_province_code = {r["provinceKey"]: r["provinceCode"] for r in new}
    new_province_name = {r["provinceCode"]: _nfc(r["province"]) for r in new}
    new_ward_code = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in new}
    legacy_province_name = {r["provinceCode"]: _nfc(r["province"]) for r in legacy}
    legacy_province_key = {r["provinceCode"]: r["provinceKey"] for r in legacy}

    province_2025: dict[str, str] = {}  # legacy province key -> 2025 province code
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            province_2025[old_key] = new_province_code[new_key]

    # legacy "province_district_ward" key -> (2025 province key, 2025 ward key)
    merged: dict[str, tuple[str, str]] = {}
    for new_prov, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_keys in wards.items():
            for old_key in old_keys:
                if old_key in merged and merged[old_key] != (new_prov, new_ward):
                    problems.append(f"{old_key}: in two 2025 wards {merged[old_key]} and {(new_prov, new_ward)}")
                merged.setdefault(old_key, (new_prov, new_ward))
    split: dict[str, tuple[str, list[str]]] = {}  # … -> (2025 province key, ward keys, the default first)
    for new_prov, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            ordered = sorted(parts, key=lambda p: not p.get("isDefaultNewWard"))  # stable: else source order
            split[old_key] = (new_prov, [p["newWardKey"] for p in ordered])

    rows: list[dict] = []
    # provinces
    legacy_codes = sorted(legacy_province_name)
    for code in legacy_codes:
        target = province_2025.get(legacy_province_key[code])
        if target is None:
            problems.append(f"legacy province {code} {legacy_province_name[code]}: no 2025 province")
        same = new_province_name.get(code) == legacy_province_name[code]
        rows.append({"level": "province", "code": code, "name": legacy_province_name[code], "province": "",
                     "valid_from": "", "valid_to": "" if same else LEGACY_UNTIL, "code_2025": target or ""})
    for code in sorted(new_province_name):
        if new_province_name[code] != legacy_province_name.get(code):
            rows.append({"level": "province", "code": code, "name": new_province_name[code], "province": "",
                         "valid_from": NEW_FROM, "valid_to": "", "code_2025": code})

    # wards
    new_ward_name = {r["wardCode"]: _nfc(r["ward"]) for r in new}
    new_ward_province = {r["wardCode"]: r["provinceCode"] for r in new}
    legacy_ward_name: dict[str, str] = {}
    split_count = kept_own_code = 0
    for r in legacy:
        if not r["wardCode"]:
            continue  # an island district without commune level (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
        code = r["wardCode"]
        legacy_ward_name[code] = name = _nfc(r["ward"])
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        if key in merged:
            target = new_ward_code.get(merged[key])
        elif key in split:
            new_prov, new_wards = split[key]
            successors = [new_ward_code.get((new_prov, w)) for w in new_wards]
            target = code if code in successors else successors[0]
            split_count += 1
            kept_own_code += code in successors and successors[0] != code
        else:
            target = None
        if target is None:
            problems.append(f"legacy ward {code} {name} ({key}): no 2025 ward")
        same = new_ward_name.get(code) == name and new_ward_province.get(code) == r["provinceCode"]
        rows.append({"level": "ward", "code": code, "name": name, "province": r["provinceCode"], "valid_from": "",
                     "valid_to": "" if same else LEGACY_UNTIL, "code_2025": target or ""})
    kept = {row["code"] for row in rows if row["level"] == "ward" and row["valid_to"] == ""}
    for r in new:
        if r["wardCode"] not in kept:
            rows.append({"level": "ward", "code": r["wardCode"], "name": new_ward_name[r["wardCode"]],
                         "province": r["provinceCode"], "valid_from": NEW_FROM, "valid_to": "",
                         "code_2025": r["wardCode"]})
    figures = {
        "provinces_legacy": len(legacy_province_name), "provinces_2025": len(new_province_name),
        "wards_legacy": len(legacy_ward_name), "wards_2025": len(new_ward_name),
        "wards_legacy_split": split_count,
        "wards_split_kept_own_code_not_default": kept_own_code,
        "wards_code_kept_same_name": len(kept),
        "legacy_code_reused_but_mapped_elsewhere": sum(
            1 for row in rows if row["level"] == "ward" and row["valid_to"] == LEGACY_UNTIL
            and row["code"] in new_ward_name and row["code_2025"] != row["code"]),
        "problems": problems,
    }
    return rows, figures


def write(rows: list[dict], path: Path = OUTPUT) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0: the same data gives the same bytes (no spurious diffs in git)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
        out.write(text.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    rows, figures = build_rows(*_read_wheel(Path(args[0])))
    write(rows)
    for key, value in figures.items():
        if key != "problems":
            print(f"{key}: {value}")
    for problem in figures["problems"]:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes, {len(rows):,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
