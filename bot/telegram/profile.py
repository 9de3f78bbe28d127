"""The bot's profile: the "What can this bot do?" description and the short description shown
on its profile and in shares, in every language (``setMyDescription``,
``setMyShortDescription``), set at start like the command menu."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.core.i18n import gettext
from bot.telegram.context import BotApplication
from faq.models import FALLBACK_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

#: Telegram's limits for the two texts.
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


def description(lang: str) -> str:
    """The text on the empty chat's "What can this bot do?" screen."""
    return gettext(
        lang,
        "Hi! I'm the welcome desk for international students and newcomers in Leiden. "
        "Ask me about housing, the Leiden International Centre, eduroam and student "
        "well-being, in your own words and your own language. When I cannot help, I can "
        "put you in touch with a person. In a crisis, call 113 (suicide prevention) or 112.",
    )[:MAX_DESCRIPTION]


def short_description(lang: str) -> str:
    """The line on the bot's profile page and under a shared link to it."""
    return gettext(
        lang, "Leiden's welcome desk: housing, the International Centre, eduroam, well-being."
    )[:MAX_SHORT_DESCRIPTION]


async def register_profile(application: BotApplication) -> None:
    """Both descriptions in every language, plus the default (English) for the rest. The
    bot works without them, so a refusal is logged, not raised."""
    bot = application.bot
    try:
        for language in LANGUAGES:
            await bot.set_my_description(description(language), language_code=language)
            await bot.set_my_short_description(short_description(language), language_code=language)
        await bot.set_my_description(description(FALLBACK_LANGUAGE))
        await bot.set_my_short_description(short_description(FALLBACK_LANGUAGE))
    except TelegramError as exc:
        log.warning("could not set the bot's description: %s", exc)
