"""Leiden's calendar: wherever a day is meant (the digest, retention, an entry's
``reviewed`` date), it is the day in Leiden, not the host's."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)


def _leiden_zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # no tz database on the machine and no tzdata package
        log.warning("time zone Europe/Amsterdam unknown here; Leiden times are in UTC")
        return UTC


#: Leiden's time zone (the digest runs at DIGEST_TIME in it; staff times are shown in it).
LEIDEN_TZ = _leiden_zone()


def today(now: datetime | None = None) -> date:
    """The date in Leiden at ``now`` (timezone-aware; default: the current moment)."""
    return (now or datetime.now(UTC)).astimezone(LEIDEN_TZ).date()
