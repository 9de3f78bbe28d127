"""How common a word is in everyday language, from the ``wordfreq`` word lists.

The FAQ is small, so its own statistics cannot tell a distinctive word ("huurtoeslag",
"pizzeria") from an everyday one that happens to appear in one entry ("tell", "quelle").
Background frequencies can: a word people use all the time says little about what a
question is about, so the matcher weighs it down.
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache

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
            # each part is as common as the whole
            for part in {key, *key.replace("’", "'").replace("-", "'").split("'")}:
                if part and zipf > out.get(part, 0.0):
                    out[part] = zipf
    return out


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
