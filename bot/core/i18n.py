"""Interface texts in the user's language: gettext catalogues maintained with Babel.

Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` (in an installed wheel:
``bot/locales``); English texts are the message ids themselves, so English needs no
catalogue. How to extract, update and compile them: ``docs/i18n.md``.

A catalogue is loaded on first use (at start, when the command menu is registered in every
language): a ``.mo`` that is missing or older than its ``.po`` is compiled from the ``.po``
with Babel, in memory, and saved next to it when that directory is writable (atomically, so a
second process never reads half a file); a read-only install simply keeps the compiled
catalogue in memory. A language without a usable catalogue falls back to English with one
warning, never a crash.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date as babel_format_date
from babel.lists import format_list as babel_format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from faq.models import FALLBACK_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)
DOMAIN = "messages"


def locales_dir() -> Path:
    """Where the catalogues are: inside the installed package, else the source checkout."""
    package = Path(__file__).resolve().parents[1]  # bot/
    packaged = package / "locales"
    if packaged.is_dir():
        return packaged
    return package.parent / "locales"


def _is_stale(mo: Path, po: Path) -> bool:
    """True when ``mo`` is missing or older than ``po``."""
    try:
        return mo.stat().st_mtime < po.stat().st_mtime
    except FileNotFoundError:
        return True


def compile_catalogue(po: Path) -> bytes:
    """The ``.mo`` bytes for ``po`` (fuzzy entries left out, as gettext would)."""
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _save(mo: Path, data: bytes) -> None:
    """Write ``mo`` atomically; a read-only directory is not an error (the caller keeps the
    catalogue in memory)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{mo.name}.", dir=mo.parent)
    except OSError as exc:
        log.debug("not saving %s (%s); the catalogue stays in memory", mo, exc)
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a catalogue is not
        os.replace(tmp, mo)
    except OSError as exc:
        log.debug("not saving %s (%s); the catalogue stays in memory", mo, exc)
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _load(language: str) -> NullTranslations:
    directory = locales_dir() / language / "LC_MESSAGES"
    po, mo = directory / f"{DOMAIN}.po", directory / f"{DOMAIN}.mo"
    if not po.exists():  # a .mo shipped without its .po (FileNotFoundError if neither)
        with mo.open("rb") as f:
            return Translations(f, domain=DOMAIN)
    if not _is_stale(mo, po):
        try:
            with mo.open("rb") as f:
                return Translations(f, domain=DOMAIN)
        except Exception:  # truncated or corrupt: compile it again
            log.warning("unreadable %s; compiling %s again", mo, po.name, exc_info=True)
    data = compile_catalogue(po)
    _save(mo, data)
    return Translations(io.BytesIO(data), domain=DOMAIN)


_ENGLISH = NullTranslations()


def translations(language: str) -> NullTranslations:
    """The catalogue for ``language`` (English texts are the message ids themselves).

    A language we do not support gives English; so does a missing or unreadable catalogue,
    with one warning per language.
    """
    if language == FALLBACK_LANGUAGE or language not in LANGUAGES:
        return _ENGLISH
    return _catalogue(language)


@cache
def _catalogue(language: str) -> NullTranslations:
    try:
        return _load(language)
    except FileNotFoundError:
        log.warning("no interface catalogue for %r in %s; using English", language, locales_dir())
    except Exception:  # a broken catalogue must not stop the bot
        log.warning(
            "could not load the interface catalogue for %r; using English", language, exc_info=True
        )
    return _ENGLISH


def reload() -> None:
    """Forget the loaded catalogues; the next use reads them again (tests, after an update)."""
    _catalogue.cache_clear()


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


def format_number(value: float, language: str) -> str:
    """A number the way people write it in ``language`` (1,234 / 1.234 / 1 234)."""
    return format_decimal(value, locale=babel_locale(language))


def format_list(items: Iterable[str], language: str) -> str:
    """``a, b and c`` in ``language`` (a, b en c; a、b和c ...)."""
    return babel_format_list(list(items), locale=babel_locale(language))


def language_name(language: str, *, capitalise: bool = True) -> str:
    """The language's name in that language (Deutsch, Español, 中文 ...), from Babel.

    Capitalised for a label (a button, a list of languages); ``capitalise=False`` gives the
    name as it is written inside a sentence of that language (español, français, italiano).
    """
    name = babel_locale(language).get_language_name(babel_locale(language)) or language
    return name[:1].upper() + name[1:] if capitalise else name


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
