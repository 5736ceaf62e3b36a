"""``format.header_row: auto``: find the header under title rows (reports start with a title, a date, a unit)."""

from __future__ import annotations

import csv
import io

SCAN = 30


def header_row(rows: list[list]) -> int:
    """The 1-based row of the header: the first of the first rows whose cells are all text and fill at least
    60 % of the widest row (a title row has one cell; a data row has numbers or codes under every header)."""
    sample = [[v for v in row if v not in (None, "")] for row in rows[:SCAN]]
    widest = max((len(r) for r in sample), default=0)
    for number, cells in enumerate(sample, 1):
        if len(cells) >= 2 and len(cells) >= 0.6 * widest and all(isinstance(v, str) for v in cells):
            return number
    return 1


def csv_header_row(path, encoding: str, delimiter: str) -> int:
    """:func:`header_row` over the first lines of a CSV file (``path`` may be a download still arriving)."""
    with path.open("rb") as stream:
        head = stream.read(256 * 1024).decode(encoding, errors="replace")
    lines = head.splitlines()[:SCAN]
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    return header_row([[c.strip() or None for c in row] for row in rows])
