"""Follow-up questions: a short message read with the topic the user was just answered on.

"how do I get a BSN" answered, then "and how long does that take?" does not stand alone: on
its own it gets a "did you mean" list. Read together with the previous answer (its entry's
title), it is answered from that entry or one of its siblings (its related entries and its
category). "en in het Nederlands?" asks for the previous answer in another language.

A message that stands alone (answered confidently by itself), and every crisis, check-in
and smalltalk reply, is left exactly as the desk gave it: the context only ever turns a
"did you mean" or an "I don't know" into an answer. Used by Telegram and ``welcomebot chat``
alike; the caller keeps the :class:`Previous` answer (the database for Telegram, memory for
the terminal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache

from babel import Locale

from bot.core.desk import Desk, Reply
from bot.core.i18n import babel_locale
from faq.models import LANGUAGES
from faq.normalise import normalise

#: How long an answer is the context of the next message (the default of CONTEXT_MINUTES).
CONTEXT_MINUTES = 10
#: A follow-up is short; a longer message is read on its own.
MAX_FOLLOW_UP_WORDS = 12
#: A request for another language is a language name and a few small words.
MAX_LANGUAGE_REQUEST_WORDS = 6
#: Extra names (English adjectives and Chinese variants) not given by Babel's language names.
_EXTRA_NAMES = {
    "en": ("english", "engels", "englisch", "inglés", "ingles", "anglais", "inglese", "英文"),
    "nl": ("dutch", "nederlands", "niederländisch", "neerlandés", "néerlandais", "olandese"),
    "de": ("german", "duits", "deutsch", "alemán", "allemand", "tedesco", "德文"),
    "es": ("spanish", "spaans", "spanisch", "español", "espagnol", "spagnolo", "西班牙文"),
    "fr": ("french", "frans", "französisch", "francés", "français", "francese", "法文"),
    "it": ("italian", "italiaans", "italienisch", "italiano", "italien", "意大利文"),
    "zh": (
        "chinese",
        "chinees",
        "chinesisch",
        "chino",
        "chinois",
        "cinese",
        "中文",
        "汉语",
        "華語",
        "普通话",
    ),
}


@dataclass(frozen=True, slots=True)
class Previous:
    """The last answer the user got: its entry, its language and when."""

    entry: str
    language: str
    at: datetime

    def fresh(self, now: datetime, minutes: float) -> bool:
        """Still the context of a new message ``minutes`` after it was given."""
        return now - self.at < timedelta(minutes=minutes)


@cache
def _language_names() -> dict[str, str]:
    """Every way to name one of our languages (normalised) -> its code."""
    names: dict[str, str] = {}
    for code in LANGUAGES:
        for where in LANGUAGES:
            name = babel_locale(code).get_language_name(babel_locale(where))
            if name:
                names[normalise(name)] = code
        for extra in _EXTRA_NAMES.get(code, ()):
            names[normalise(extra)] = code
        names[normalise(Locale.parse(code).english_name or code)] = code
    names.pop("", None)
    return names


def language_request(text: str) -> str | None:
    """The language a short message asks for ("en in het Nederlands?", "auf Deutsch bitte",
    "用中文"), else None."""
    norm = normalise(text)
    words = norm.split()
    if not words or len(words) > MAX_LANGUAGE_REQUEST_WORDS:
        return None
    found = {name: code for name, code in _language_names().items() if _contains(norm, name)}
    if len(set(found.values())) != 1:
        return None
    rest = norm
    for name in found:
        rest = rest.replace(name, " ")
    if any(word not in _FILLER for word in rest.split()):
        return None  # "dutch courses" is a question of its own
    return next(iter(found.values()))


#: Words around a language name in a request for it ("en in het Nederlands graag?").
_FILLER = frozenset(
    [
        "and",
        "in",
        "the",
        "please",
        "can",
        "you",
        "say",
        "it",
        "that",
        "again",
        "answer",
        "now",
        "also",
        "or",
        "en",
        "het",
        "de",
        "op",
        "graag",
        "alsjeblieft",
        "aub",
        "kan",
        "dat",
        "ook",
        "nog",
        "eens",
        "antwoord",
        "und",
        "auf",
        "bitte",
        "das",
        "auch",
        "noch",
        "mal",
        "es",
        "kannst",
        "du",
        "y",
        "por",
        "favor",
        "lo",
        "eso",
        "también",
        "otra",
        "vez",
        "puedes",
        "et",
        "au",
        "s",
        "il",
        "vous",
        "plait",
        "plaît",
        "ça",
        "le",
        "aussi",
        "peux",
        "tu",
        "e",
        "per",
        "favore",
        "lo",
        "anche",
        "puoi",
        "ancora",
        "用",
        "说",
        "请",
        "能",
        "吗",
        "再",
        "一遍",
        "可以",
        "呢",
        "回答",
    ]
)


def _contains(norm: str, name: str) -> bool:
    if re.search(r"[\u3400-\u9fff]", name):  # Chinese: no spaces between words
        return name in norm.replace(" ", "")
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", norm) is not None


def family(desk: Desk, entry_id: str) -> frozenset[str]:
    """The entry, its related entries and the other entries of its category."""
    entry = desk.entry(entry_id)
    if entry is None:
        return frozenset()
    siblings = {e.id for e in desk.tree.in_category(entry.category)}
    return frozenset({entry_id, *entry.related, *siblings})


def sounds_like_follow_up(text: str) -> bool:
    """Whether a message leans on what came before: it starts with "and", "what about",
    "en", "und", "et", "y", "e", "还有" ..., or points back ("that", "dat", "das", "eso",
    "ça", "quello", "这个" ...)."""
    norm = normalise(text)
    words = norm.split()
    if not words:
        return False
    if words[0] in _OPENERS or any(norm.startswith(o) for o in _CHINESE_OPENERS):
        return True
    return any(w in _POINTERS for w in words) or any(p in norm for p in _CHINESE_POINTERS)


_OPENERS = frozenset(
    [
        "and",
        "also",
        "plus",
        "what",
        "how",
        "about",
        "then",
        "so",
        "en",
        "ook",
        "und",
        "auch",
        "et",
        "aussi",
        "y",
        "también",
        "e",
        "anche",
        "ma",
        "maar",
        "aber",
        "mais",
        "pero",
    ]
)
_POINTERS = frozenset(
    [
        "that",
        "it",
        "this",
        "those",
        "there",
        "dat",
        "dit",
        "het",
        "daar",
        "das",
        "es",
        "dort",
        "dies",
        "eso",
        "esto",
        "ahí",
        "ello",
        "ça",
        "cela",
        "là",
        "quello",
        "questo",
        "lì",
        "ciò",
    ]
)
_CHINESE_OPENERS = ("还有", "那", "那么", "另外", "而且")
_CHINESE_POINTERS = ("这个", "那个", "这", "它")


def reply_in_context(
    desk: Desk,
    text: str,
    *,
    preferred_language: str | None,
    previous: Previous | None,
    now: datetime | None = None,
    minutes: float = CONTEXT_MINUTES,
) -> Reply:
    """The desk's reply to ``text``, read with ``previous`` when it does not stand alone."""
    alone = desk.reply(text, preferred_language=preferred_language)
    if previous is None or alone.kind in ("answer", "safety", "checkin", "smalltalk"):
        return alone
    if not previous.fresh(now or datetime.now(UTC), minutes):
        return alone
    entry = desk.entry(previous.entry)
    if entry is None:  # gone after an FAQ reload
        return alone
    wanted = language_request(text)
    if wanted is not None:
        return replace(desk.entry_reply(previous.entry, wanted), question=alone.question)
    if alone.out_of_scope is not None or len(normalise(text).split()) > MAX_FOLLOW_UP_WORDS:
        return alone
    if alone.kind == "unanswered" and not sounds_like_follow_up(text):
        return alone  # says nothing the desk knows, and does not point back either
    related = family(desk, previous.entry)
    combined = desk.reply(
        f"{text} {entry.title(previous.language)}", preferred_language=alone.language
    )
    chosen: str | None
    if combined.kind == "answer" and combined.entry in related:
        chosen = combined.entry
    else:  # the best suggestion that belongs to the topic
        chosen = next((s for s in alone.suggestions if s in related), None)
    if chosen is None:
        return alone
    answer = desk.entry_reply(chosen, alone.language)
    return replace(
        answer,
        question=alone.question,
        candidates=combined.candidates,
        score=combined.score,
        confidence=combined.confidence,
    )
