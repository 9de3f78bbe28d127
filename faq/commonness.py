"""How common a word is in everyday language, from the ``wordfreq`` word lists.

The FAQ is small, so its own statistics cannot tell a distinctive word ("huurtoeslag",
"pizzeria") from an everyday one that happens to appear in one entry ("tell", "quelle").
Background frequencies can: a word people use all the time says little about what a
question is about, so the matcher weighs it down.

Building the table from the word lists takes a few tenths of a second, which a one-shot
``welcomebot ask`` would pay every time; so the built table is kept in the user's cache
directory (``marshal``, a few MB) and rebuilt only when wordfreq, Python or this module
changes.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import os
import sys
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

from faq.models import LANGUAGES
from faq.normalise import has_cjk

#: Zipf frequency (log10 per billion words) at and below which a word counts fully.
RARE_ZIPF = 3.3
#: Zipf frequency of the most common words ("the", "de", "的").
COMMON_ZIPF = 6.5
#: Weight of a Chinese character pair that is not a word.
NON_WORD_PAIR = 0.35
#: Least weight factor, for the most common words.
FLOOR = 0.15


@cache
def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base != char:
            table[code] = base.casefold()
    table[ord("ß")] = "ss"
    return table


@cache
def _zipf_table() -> dict[str, float]:
    """Highest Zipf frequency of each (accent-folded) word over our languages."""
    path = _cache_path()
    table = _read_cache(path) if path else None
    if table is None:
        table = _build_zipf_table()
        if path:
            _write_cache(path, table)
    return table


def _build_zipf_table() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    table = _accent_table()
    out: dict[str, float] = {}
    floor = 10 ** (RARE_ZIPF - 9)
    for lang in LANGUAGES:
        for word, freq in get_frequency_dict(lang, "small").items():
            if freq <= floor:
                continue
            zipf = math.log10(freq) + 9
            key = word.translate(table) if not has_cjk(word) else word
            # the normaliser splits at apostrophes and hyphens ("aujourd'hui" → "aujourd hui"):
            # each part is as common as the whole; people who skip the apostrophe write
            # "whats", "dont", "cest": as common too
            parts = key.replace("’", "'").replace("-", "'").split("'")
            for part in {key, "".join(parts), *parts}:
                if part and zipf > out.get(part, 0.0):
                    out[part] = zipf
    return out


def _cache_path() -> Path | None:
    """Where the built table is cached, named after everything it depends on; ``None`` when
    caching is impossible (no cache directory, source not readable)."""
    try:
        from importlib.metadata import version

        from platformdirs import user_cache_dir

        key = hashlib.sha256()
        key.update(Path(__file__).read_bytes())  # any change here may change the table
        key.update(version("wordfreq").encode())
        key.update(f"{sys.version_info[:2]} {marshal.version}".encode())
        return Path(user_cache_dir("welcomebot")) / f"commonness-{key.hexdigest()[:16]}.marshal"
    except Exception:  # no metadata, no home directory: build every time
        return None


def _read_cache(path: Path) -> dict[str, float] | None:
    try:
        table = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return table if isinstance(table, dict) else None


def _write_cache(path: Path, table: dict[str, float]) -> None:
    """Write atomically, so a concurrent reader sees the old file or the whole new one; a
    read-only or full disk only costs the speed-up."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".commonness-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(table))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        for stale in path.parent.glob("commonness-*.marshal"):  # tables of older versions
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass


def zipf(token: str) -> float:
    """The word's Zipf frequency in the language where it is most common (0 if rare)."""
    return _zipf_table().get(token, 0.0)


def weight(token: str) -> float:
    """A factor in [FLOOR, 1]: 1 for rare or unknown words, small for everyday ones."""
    zipf = _zipf_table().get(token)
    if zipf is None and has_cjk(token):
        # Chinese is indexed as overlapping character pairs; a pair that is no word
        # ("么找" in "怎么找房子") straddles two words and says little
        return NON_WORD_PAIR
    if zipf is None or zipf <= RARE_ZIPF:
        return 1.0
    return max(FLOOR, 1.0 - (zipf - RARE_ZIPF) / (COMMON_ZIPF - RARE_ZIPF) * (1.0 - FLOOR))
