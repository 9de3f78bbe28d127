"""Text normalisation shared by the FAQ variants and the users' questions.

Both sides go through the same function so that "Huurtoeslag?!", "huurtoeslag" and
"HUURTOESLAAAG" meet. Chinese text keeps its characters; tokenisation splits it into
character bigrams because it has no spaces between words.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidirectional control characters: invisible, but they break word matching
# and can be used to disguise text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")  # a letter three or more times in a row
_SPACES = re.compile(r"\s+")
#: The ranges of :func:`is_cjk`, for searching whole strings at C speed.
_CJK = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002a6df\uf900-\ufaff]")


def is_cjk(char: str) -> bool:
    """True for a Chinese (Han) character."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
    )


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Mn":  # combining accent left over from NFKD
        return ""
    if category[0] in "PSC" or category == "Zs":
        # punctuation, symbols (emoji included), controls → word break. Apostrophes too:
        # "j'ai" → "j ai", "dell'università" → "dell universita".
        return " "
    return char


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that applies :func:`_fold_char`, filled in as characters
    are first seen. Normalising is on the path of every FAQ variant at index time (hundreds
    of thousands in a large FAQ) and of every question, and a Python call per character was
    most of its cost; a lookup table gives the same result at C speed."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def normalise(text: str) -> str:
    """Fold ``text`` for matching: NFKC, no invisible characters, case-folded, no accents,
    punctuation and symbols as spaces, letters repeated three or more times cut to two,
    single spaces. Idempotent.
    """
    if text.isascii():  # the usual case: no Unicode forms, no invisible characters
        text = text.lower().translate(_FOLD)
    else:
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLE.sub("", text)
        text = text.casefold()
        text = unicodedata.normalize("NFKD", text)
        text = text.translate(_FOLD)
        text = unicodedata.normalize("NFC", text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one Chinese character."""
    return _CJK.search(text) is not None


def tokens(normalised: str) -> list[str]:
    """Split normalised text into matching tokens.

    Latin-script words stay whole; a run of Chinese characters becomes its character
    bigrams (a single character stays a unigram), the usual way to index Chinese without a
    word segmenter. Mixed tokens such as "eduroam连不上" are split at the script boundary.
    """
    if _CJK.search(normalised) is None:  # the usual case: no Chinese
        return normalised.split()
    out: list[str] = []
    for word in normalised.split():
        for run, cjk in _script_runs(word):
            if not cjk or len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _script_runs(word: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    for char in word:
        cjk = is_cjk(char)
        if runs and runs[-1][1] == cjk:
            runs[-1] = (runs[-1][0] + char, cjk)
        else:
            runs.append((char, cjk))
    return runs
