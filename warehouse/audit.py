"""Append-only audit log in the warehouse: who published, signed, shared or ingested what, and when.

Object stores cannot append to an object, and a shared log file rewritten on every event would lose events
whenever two processes publish at the same time (read, add a line, write back: the last writer wins). So each
event is its own immutable object, ``audit/<YYYY>/<MM>/<DD>/<YYYYmmddTHHMMSS.ffffffZ>-<8 hex>.jsonl``, written
once and never rewritten: writers never contend, a partial write never corrupts older events, and the key
sorts by time, so listing the prefix reads the log in order. Secrets never go in the log.
"""

from __future__ import annotations

import json
import secrets
import threading
from datetime import datetime, timedelta, timezone

from warehouse import layout
from warehouse.store import Warehouse, WarehouseError

SECRET_WORDS = ("secret", "password", "private", "token")
_STAMP = "%Y%m%dT%H%M%S.%fZ"


class _Clock:
    """Event times, strictly increasing within the process.

    A process's events keep their order even when the system clock repeats a microsecond or steps back.
    """

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def after_last(self, now: datetime) -> datetime:
        with self._lock:
            self._last = now if now > self._last else self._last + timedelta(microseconds=1)
            return self._last


_clock = _Clock()


def _refuse_secrets(fields: dict, where: str = "") -> None:
    for key, value in fields.items():
        name = f"{where}{key}"
        if any(word in str(key).lower() for word in SECRET_WORDS):
            raise ValueError(f"audit field {name!r} looks like a secret; secrets never go in the audit log")
        if isinstance(value, dict):
            _refuse_secrets(value, f"{name}.")


def record(wh: Warehouse, event: str, **fields: object) -> str:
    """Write one event as a new object and return its path; fields must be JSON values (others become text)."""
    if not event:
        raise ValueError("audit event name is empty")
    if "at" in fields:
        raise ValueError("audit field 'at' is reserved for the event time")
    _refuse_secrets(fields)
    at = _clock.after_last(datetime.now(timezone.utc))
    line = json.dumps({"at": at.isoformat(), "event": event, **fields}, ensure_ascii=False, default=str)
    path = f"{layout.AUDIT}/{at:%Y/%m/%d}/{at.strftime(_STAMP)}-{secrets.token_hex(4)}.jsonl"
    wh.write_bytes(path, (line + "\n").encode("utf-8"))
    return path


def _since_stamp(since: str) -> str:
    """``since`` (ISO date or date-time; naive means UTC) as the leading part of an event object's name."""
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise ValueError(f"audit since={since!r} is not an ISO date or date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(_STAMP)


def read_events(wh: Warehouse, *, since: str | None = None, event: str | None = None) -> list[dict]:
    """Events in time order, optionally only from ``since`` on and only those named ``event``."""
    start = _since_stamp(since) if since else ""
    events = []
    for path in wh.list_files(layout.AUDIT):
        name = path.rsplit("/", 1)[-1]
        if not name.endswith(".jsonl") or name.startswith(".") or name < start:
            continue
        data = wh.read_bytes(path)
        try:
            item = json.loads(data) if data is not None else None
        except ValueError:
            raise WarehouseError(f"audit log: {path} is not one JSON event") from None
        if isinstance(item, dict) and (event is None or item.get("event") == event):
            events.append(item)
    return events
