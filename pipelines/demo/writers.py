"""Byte-for-byte deterministic writers for the demo files: CSV, XLSX, JSON and Parquet.

Every writer returns ``bytes`` so that regenerating the estate gives identical files (and identical
ETags and CKAN hashes): XLSX zip entries and document properties get a fixed timestamp.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

FIXED_TIME = dt.datetime(2025, 11, 20, 8, 0, 0)
Rows = Sequence[Sequence[Any]]


def csv_bytes(header: Sequence[str], rows: Rows, delimiter: str = ",", bom: bool = False) -> bytes:
    """UTF-8 CSV with CRLF line ends (as Excel writes it), optionally with a byte-order mark."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Vietnamese offices still save CSV: shaped vowels (â ê ô ơ ư ă) precomposed, tone marks
    as combining characters after them."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shapes = "".join(m for m in marks if m in "\u0302\u0306\u031b")  # circumflex, breve, horn
        tones = "".join(m for m in marks if m not in shapes)
        out += unicodedata.normalize("NFC", base + shapes).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def vi_number(value: float | int) -> str:
    """``1234.5`` → ``1.234,5``: dot thousands, comma decimals, as Vietnamese spreadsheets print numbers."""
    whole, _, fraction = f"{value}".partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(digits):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction and fraction != "0" else "")


def json_bytes(document: Any) -> bytes:
    """Pretty JSON, UTF-8 and unescaped, as Huế's portal returns it."""
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8") + b"\n"


@dataclass
class Sheet:
    """One worksheet: optional title lines above the header, then the header and the rows."""

    name: str
    header: Sequence[str] = ()
    rows: Rows = ()
    titles: Sequence[str] = ()
    widths: dict[str, float] = field(default_factory=dict)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook with the given sheets, in order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        for title in spec.titles:
            sheet.append([title])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if spec.header:
            sheet.append(list(spec.header))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append(list(row))
        for column, width in spec.widths.items():
            sheet.column_dimensions[column].width = width
    workbook.properties.creator = "regionlink demo"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    out = io.BytesIO()
    workbook.save(out)
    return _freeze_zip(out.getvalue())


def _freeze_zip(data: bytes) -> bytes:
    """Rewrite an XLSX archive with a fixed timestamp on every entry and in ``dcterms:modified``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time there
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            frozen = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            frozen.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(frozen, content)
    return out.getvalue()


def parquet_bytes(columns: dict[str, tuple[Any, list[Any]]]) -> bytes:
    """Parquet from ``{name: (pyarrow type, values)}``, zstd-compressed, one row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({name: pa.array(values, type=kind) for name, (kind, values) in columns.items()})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()
