"""Interface texts in the user's language: gettext catalogues maintained with Babel.

Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` (in an installed wheel:
``bot/locales``). A missing or stale ``.mo`` is compiled from its ``.po`` on first use; a
missing catalogue falls back to English with one warning, never a crash.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from faq.models import FALLBACK_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)
DOMAIN = "messages"


def locales_dir() -> Path:
    """Where the catalogues are: inside the installed package, else the source checkout."""
    packaged = Path(__file__).parent / "locales"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "locales"


def _compile_if_stale(po: Path) -> Path:
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as f:
            catalog = read_po(f)
        try:
            with mo.open("wb") as f:
                write_mo(f, catalog)
        except OSError:  # read-only install: compile into memory instead
            import io

            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return _write_temp(buffer.getvalue(), po)
    return mo


def _write_temp(data: bytes, po: Path) -> Path:
    import tempfile

    tmp = Path(tempfile.gettempdir()) / f"welcomebot-{po.parent.parent.name}.mo"
    tmp.write_bytes(data)
    return tmp


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue for ``language`` (English texts are the message ids themselves)."""
    if language == FALLBACK_LANGUAGE:
        return NullTranslations()
    po = locales_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        log.warning("no interface catalogue for %r; using English", language)
        return NullTranslations()
    mo = _compile_if_stale(po)
    with mo.open("rb") as f:
        return Translations(f, domain=DOMAIN)


def gettext(language: str, message: str) -> str:
    """``message`` translated into ``language``."""
    return translations(language).gettext(message)


def ngettext(language: str, singular: str, plural: str, n: int) -> str:
    """Plural-aware translation."""
    return translations(language).ngettext(singular, plural, n)


def babel_locale(language: str) -> Locale:
    """The Babel locale for one of our languages (zh → Simplified Chinese)."""
    return Locale.parse("zh_Hans" if language == "zh" else language)


def format_date(value: date, language: str) -> str:
    """A date the way people write it in ``language`` (e.g. 1 November 2026, 2026年11月1日)."""
    return babel_format_date(value, format="long", locale=babel_locale(language))


def language_name(language: str) -> str:
    """The language's name in that language (Deutsch, Español, 中文 ...), from Babel."""
    name = babel_locale(language).get_language_name(babel_locale(language)) or language
    return name[:1].upper() + name[1:]


def negotiate(language_code: str | None) -> str | None:
    """Map Telegram's ``language_code`` (an IETF tag such as de-AT, zh-hans, pt-BR) to one of
    our languages, or None when we do not speak it."""
    if not language_code:
        return None
    tag = language_code.replace("-", "_")
    try:
        parsed = Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        parsed = None
    if parsed is not None and parsed.language == "zh":
        # We only have Simplified Chinese; a Traditional-script reader still reads it
        # better than English.
        return "zh"
    candidates = [tag] + ([parsed.language] if parsed is not None else [])
    return negotiate_locale(candidates, list(LANGUAGES), sep="_")
