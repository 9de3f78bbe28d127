"""The shared text helpers and Leiden's calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.leiden import today
from bot.core.text import ellipsis, one_line, plural


def test_ellipsis_keeps_short_texts_and_cuts_long_ones_to_width() -> None:
    assert ellipsis("short", 10) == "short"
    assert ellipsis("exactly10!", 10) == "exactly10!"
    cut = ellipsis("a longer sentence here", 10)
    assert cut == "a longer…"
    assert len(cut) <= 10


def test_one_line_flattens_whitespace_before_cutting() -> None:
    assert one_line("two\n  lines\there", 100) == "two lines here"
    assert one_line("one two three four", 9) == "one two…"


def test_plural() -> None:
    assert plural(1, "group") == "1 group"
    assert plural(2, "group") == "2 groups"
    assert plural(0, "entry", "entries") == "0 entries"


def test_the_day_is_leidens_not_utcs() -> None:
    # 23:30 UTC on 31 March 2026 is already 1 April in Leiden (summer time, UTC+2)
    assert today(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 1)
    # and 22:30 UTC on 1 December is still 1 December (winter time, UTC+1)
    assert today(datetime(2026, 12, 1, 22, 30, tzinfo=UTC)) == date(2026, 12, 1)
