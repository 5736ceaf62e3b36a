"""warehouse.audit: one immutable object per event, read back in time order, and no secrets in the log."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from warehouse import audit
from warehouse.config import WarehouseConfig
from warehouse.store import Warehouse, WarehouseError

PATH = re.compile(r"^audit/(\d{4})/(\d{2})/(\d{2})/(\d{8}T\d{6}\.\d{6}Z)-[0-9a-f]{8}\.jsonl$")


@pytest.fixture
def wh(tmp_path) -> Warehouse:
    return Warehouse(WarehouseConfig(location=str(tmp_path / "wh")))


def test_each_event_is_its_own_object_holding_one_json_line(wh):
    path = audit.record(wh, "manifest.published", dataset="festivals", version=3, files=["a.parquet"])
    match = PATH.match(path)
    assert match, path
    data = wh.read_bytes(path).decode("utf-8")
    assert data.endswith("\n") and data.count("\n") == 1
    event = json.loads(data)
    assert event == {"at": event["at"], "event": "manifest.published", "dataset": "festivals", "version": 3,
                     "files": ["a.parquet"]}
    at = datetime.fromisoformat(event["at"])
    assert at.utcoffset().total_seconds() == 0
    assert match.group(4) == at.strftime("%Y%m%dT%H%M%S.%fZ") and match.group(1, 2, 3) == (
        f"{at:%Y}", f"{at:%m}", f"{at:%d}")


def test_events_come_back_in_the_order_they_were_recorded(wh):
    paths = [audit.record(wh, "step", n=n) for n in range(30)]
    assert len(set(paths)) == 30
    assert [e["n"] for e in audit.read_events(wh)] == list(range(30))
    audit.record(wh, "other", n=99)
    assert [e["n"] for e in audit.read_events(wh, event="step")] == list(range(30))
    assert [e["n"] for e in audit.read_events(wh, event="other")] == [99]


def test_recording_never_rewrites_an_earlier_event(wh):
    first = audit.record(wh, "a", n=1)
    before = wh.read_bytes(first)
    for n in range(5):
        audit.record(wh, "a", n=n)
    assert wh.read_bytes(first) == before and len(wh.list_files("audit")) == 6


def test_since_keeps_events_from_that_date_on(wh):
    for day, n in (("2025/02/28", 1), ("2025/03/01", 2), ("2025/03/02", 3)):
        stamp = day.replace("/", "") + "T120000.000000Z"
        wh.write_bytes(f"audit/{day}/{stamp}-0000000{n}.jsonl",
                       json.dumps({"at": stamp, "event": "old", "n": n}).encode() + b"\n")
    audit.record(wh, "new", n=4)
    assert [e["n"] for e in audit.read_events(wh, since="2025-03-01")] == [2, 3, 4]
    assert [e["n"] for e in audit.read_events(wh, since="2025-03-01T13:00:00")] == [3, 4]
    assert [e["n"] for e in audit.read_events(wh, since="2025-03-01", event="old")] == [2, 3]
    assert audit.read_events(wh, since="2999-01-01") == []
    with pytest.raises(ValueError, match="not an ISO date"):
        audit.read_events(wh, since="yesterday")


@pytest.mark.parametrize("field", ["secret", "aws_secret_access_key", "Password", "private_key", "api_token",
                                   "signing_PRIVATE"])
def test_secret_like_fields_are_refused_and_nothing_is_written(wh, field):
    with pytest.raises(ValueError, match="secret") as err:
        audit.record(wh, "keys.rotated", **{field: "hunter2-value"})
    assert "hunter2-value" not in str(err.value)
    with pytest.raises(ValueError, match="details.token"):
        audit.record(wh, "keys.rotated", details={"token": "hunter2-value"})
    assert wh.list_files("audit") == []


def test_reserved_and_empty_names_are_refused(wh):
    with pytest.raises(ValueError, match="reserved"):
        audit.record(wh, "x", at="2020-01-01")
    with pytest.raises(ValueError, match="empty"):
        audit.record(wh, "")


def test_a_corrupt_event_object_is_reported_not_skipped(wh, tmp_path):
    path = audit.record(wh, "a")
    Path(wh.path(path)).write_text("{not json")
    with pytest.raises(WarehouseError, match=re.escape(path)):
        audit.read_events(wh)


def test_no_events_is_an_empty_log(wh):
    assert audit.read_events(wh) == []


def test_event_times_of_one_process_strictly_increase_even_if_the_clock_does_not():
    clock, reading = audit._Clock(), datetime(2030, 5, 1, 8, 0, tzinfo=timezone.utc)
    stamps = [clock.after_last(reading) for _ in range(3)]
    stamps.append(clock.after_last(reading.replace(hour=7)))  # the clock stepped back
    assert all(a < b for a, b in zip(stamps, stamps[1:]))
    assert stamps[0] == reading and len({s.strftime("%Y%m%dT%H%M%S.%fZ") for s in stamps}) == 4
