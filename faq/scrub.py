"""Personal data out of a user's text before it is kept or written into an FAQ file.

:func:`scrub` replaces e-mail addresses, IBANs, phone numbers (Dutch and international forms),
street addresses with a house number, Dutch postcodes and other long numbers (a BSN, a student
number) by placeholders a reviewer can read: ``[email]``, ``[iban]``, ``[phone]``,
``[address]``, ``[postcode]``, ``[number]``. Pure and deterministic; everything else in the
text is left as it was, so a question still reads as the question it was.

:func:`strip_controls` removes what can make a text lie about itself on a screen: bidi
overrides and isolates (``U+202E`` turns "txt.exe" round), other invisible format characters
that are not part of a script, and control characters except newline and tab; the staff views
apply it. :func:`scrub` leaves those characters in place, but finds personal data across
them (a zero-width space inside a phone number does not hide it).

The patterns err on the side of scrubbing: "my number is 0612345678" loses its number, and so
does "order 12345678". Short numbers (amounts, years, house numbers on their own) stay, and so do
Dutch 0800 and 0900 service numbers (public, not personal).
"""

from __future__ import annotations

import re

#: Every placeholder :func:`scrub` writes.
PLACEHOLDERS: tuple[str, ...] = (
    "[email]",
    "[iban]",
    "[phone]",
    "[address]",
    "[postcode]",
    "[number]",
)

# Street names end in one of these (Dutch, German), or are followed by one of these words (English
# and the other languages write "Rue de la Paix 3" or "12 Main Street", caught below).
_STREET_SUFFIXES = (
    "straat|laan|weg|gracht|plein|kade|singel|steeg|dijk|pad|hof|markt|dreef|plantsoen|"
    "baan|haven|wal|veld|burg|park|kwartier|poort|brug|steiger|erf|hout|zijde|"
    "straße|strasse|gasse|allee|platz|damm"
)
_STREET_WORDS = "street|st|road|rd|avenue|ave|lane|straße|strasse|str|via|calle|rue|avenida"

# Bidi embeddings, overrides, isolates and marks; invisible separators; the BOM.
_INVISIBLE = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e"
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_LINE_SEPARATORS = re.compile("[\u2028\u2029]")

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), "[email]"),
    # NL91 ABNA 0417 1643 00 and other countries' IBANs (15-34 characters)
    (
        re.compile(r"\b[A-Z]{2}\d{2}[ ]?(?:[A-Z0-9]{4}[ ]?){2,7}[A-Z0-9]{1,4}\b", re.IGNORECASE),
        "[iban]",
    ),
    # +31 6 12345678, 0031 71 527 2727, +1 (555) 123-4567
    (
        re.compile(
            r"(?<![A-Za-z0-9+])(?:\+|00)[1-9]\d{0,2}(?:[ .()/-]{0,2}\d){6,12}(?![A-Za-z0-9])"
        ),
        "[phone]",
    ),
    # 06-12345678, 071 527 2727, 0612345678 (ten digits starting with 0)
    (re.compile(r"(?<![A-Za-z0-9+])0\d(?:[ .()/-]{0,2}\d){8}(?![A-Za-z0-9])"), "[phone]"),
    # Breestraat 12, Rapenburg 70a, Langebrug 4-6
    (
        re.compile(
            rf"\b[^\W\d_]{{2,}}(?:{_STREET_SUFFIXES})\s+\d{{1,4}}(?:\s?[a-zA-Z]\b|-\d{{1,4}})?\b",
            re.IGNORECASE,
        ),
        "[address]",
    ),
    # 12 Main Street, Rue de la Paix 3, Via Roma 10, Calle Mayor 5
    (
        re.compile(rf"\b\d{{1,4}}[a-zA-Z]?\s+[A-Z][\w'-]+\s+(?i:{_STREET_WORDS})\b\.?"),
        "[address]",
    ),
    (
        re.compile(
            rf"\b(?i:{_STREET_WORDS})\s+(?:[\w'-]+\s+){{0,3}}?[A-Z][\w'-]+\s+\d{{1,4}}[a-zA-Z]?\b"
        ),
        "[address]",
    ),
    # 12 rue de la Paix, 3 bis avenue Foch
    (
        re.compile(
            r"\b\d{1,4}(?:[ ]?[a-zA-Z])?(?:[ ]+(?:bis|ter))?,?[ ]+(?:rue|avenue|boulevard|bd|"
            r"place|chemin|allée|impasse|quai)(?:[ ]+[\w'’-]+){1,4}",
            re.IGNORECASE,
        ),
        "[address]",
    ),
    # 长安街12号, 中山路 3 号
    (re.compile(r"[\u4e00-\u9fff]{2,5}(?:路|街|大道|巷|弄)[ ]?\d{1,5}[ ]?号"), "[address]"),
    # 2311 EZ, 2311EZ, 2311ez (a space and lower case letters: too many false hits, "2026 in")
    (re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b|\b[1-9]\d{3}[a-z]{2}\b"), "[postcode]"),
    # a Leiden student number (s1234567)
    (re.compile(r"(?<![A-Za-z0-9])[sS]\d{7}(?![A-Za-z0-9])"), "[number]"),
    # a BSN written in groups of three with dots: 123.456.789
    (re.compile(r"(?<![\d.,])\d{3}\.\d{3}\.\d{3}(?![\d]|[.,]\d)"), "[number]"),
    # a BSN, an account or ticket number: seven digits or more (not 0800/0900 service numbers)
    (re.compile(r"(?<![A-Za-z0-9+])(?!0[89]00)\d(?:[ -]?\d){6,}(?![A-Za-z0-9])"), "[number]"),
)


def strip_controls(text: str) -> str:
    """``text`` without control characters (newline and tab stay) and without bidi
    overrides, isolates, marks and other invisible format characters."""
    return _CONTROLS.sub("", _LINE_SEPARATORS.sub("\n", text))


def _scrub(text: str) -> str:
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def scrub(text: str) -> str:
    """``text`` with personal data replaced by placeholders (see the module docstring)."""
    if _CONTROLS.search(text):
        stripped = strip_controls(text)
        if _scrub(stripped) != stripped:  # personal data hidden behind invisible characters
            return _scrub(stripped)
    return _scrub(text)


def has_placeholder(text: str) -> bool:
    """True when :func:`scrub` replaced something in ``text`` (or it contains a placeholder)."""
    return any(p in text for p in PLACEHOLDERS)
