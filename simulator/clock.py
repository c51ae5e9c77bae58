"""Time for the engine and the builder: a reproducible logical clock and RFC 3339 stamps."""

from __future__ import annotations

import datetime as _dt

__all__ = ["DEFAULT_START", "LogicalClock", "parse_time", "rfc3339", "wall_clock"]

DEFAULT_START = _dt.datetime(2025, 7, 1, tzinfo=_dt.UTC)  # after the library images were made


class LogicalClock:
    """A reproducible clock: starts at ``start`` and moves one second per reading.

    The default for an :class:`~simulator.Engine`, so that the same lesson gives the same image
    IDs on every machine (image configs contain timestamps).  Pass ``clock=wall_clock`` for real
    time.
    """

    def __init__(self, start: _dt.datetime = DEFAULT_START) -> None:
        self._now = start

    def __call__(self) -> _dt.datetime:
        self._now += _dt.timedelta(seconds=1)
        return self._now

    def peek(self) -> _dt.datetime:
        return self._now


def wall_clock() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def rfc3339(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return DEFAULT_START
