"""The user's language through the real Application and the in-process fake Bot API
(see ``tests/telegram/conftest.py``): Telegram's ``language_code`` negotiated with Babel, the
stored /language choice (also after a restart: a new Application on the same SQLite file),
the command menu in every language, and dates in the user's locale."""

from __future__ import annotations

from typing import Any

import pytest
from i18n_support import RETENTION_DAYS, BotApiServer, Driver, running_bot
from tg_support import buttons, sent

from bot.core import i18n
from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.handlers.commands import COMMANDS
from faq.models import FALLBACK_LANGUAGE, LANGUAGES

DEFAULT_SCOPE = '{"type": "default"}'


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for b in buttons(message)]


# ---------------------------------------------------------------------- Telegram's language


@pytest.mark.parametrize(
    ("language_code", "greeting", "topic"),
    [
        ("de", "Hallo Ana, willkommen in Leiden! 👋", "🏠 Wohnen"),
        ("de-AT", "Hallo Ana, willkommen in Leiden! 👋", "🏠 Wohnen"),
        ("zh-hans", "Ana，你好！欢迎来到莱顿！👋", "🏠 住房"),
        ("zh-CN", "Ana，你好！欢迎来到莱顿！👋", "🏠 住房"),
        ("pt-BR", "Hi Ana, welcome to Leiden! 👋", "🏠 Housing"),
        (None, "Hi Ana, welcome to Leiden! 👋", "🏠 Housing"),
    ],
)
async def test_start_speaks_the_telegram_language(
    driver: Driver, fake: BotApiServer, language_code: str | None, greeting: str, topic: str
) -> None:
    [welcome] = sent(await driver.text(fake.user(language_code=language_code), "/start"))
    assert welcome["text"].startswith(greeting)
    assert topic in labels(welcome)


async def test_start_in_german_is_german_throughout(driver: Driver, fake: BotApiServer) -> None:
    [welcome] = sent(await driver.text(fake.user(language_code="de"), "/start"))
    body = i18n.gettext(
        "de",
        "I'm the welcome desk for international students and newcomers. Ask me anything "
        "about housing, the Leiden International Centre, eduroam or student well-being, "
        "in your own words and your own language, or pick a topic below.",
    )
    assert body.startswith("Ich bin")
    assert body in welcome["text"]
    assert "🌐 Sprache: Deutsch" in labels(welcome)


# ---------------------------------------------------------------------- /language


async def test_language_choice_wins_and_survives_a_restart(
    settings: Settings, bundled_desk: Desk, fake: BotApiServer
) -> None:
    user = fake.user(language_code="de")
    async with running_bot(settings, bundled_desk, fake) as driver:
        [picker] = sent(await driver.text(user, "/language"))
        assert "Italiano" in labels(picker)
        calls = await driver.press(picker, f"lang:it:{user['id']}", user)
        [edit] = [c for c in calls if c.method == "editMessageText"]
        assert edit.result["text"] == "Fatto! D'ora in poi ti parlerò in italiano."
        [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.params["text"] == edit.result["text"]

        [welcome] = sent(await driver.text(user, "/start"))
        assert welcome["text"].startswith("Ciao Ana, ti diamo il benvenuto a Leiden!")
        [help_text] = sent(await driver.text(user, "/help"))
        assert "Comandi" in help_text["text"]
        assert "Italiano e 中文" in help_text["text"]  # a list the Italian way

    async with running_bot(settings, bundled_desk, fake) as driver:  # a restart: same database
        [welcome] = sent(await driver.text(user, "/start"))
        assert welcome["text"].startswith("Ciao Ana, ti diamo il benvenuto a Leiden!")
        assert "🌐 Lingua: Italiano" in labels(welcome)
        [reply] = sent(await driver.text(user, "/privacy"))
        assert reply["text"].startswith("La tua privacy")
        assert f"dopo {RETENTION_DAYS} giorni" in reply["text"]


async def test_the_picker_names_languages_in_their_own_language(
    driver: Driver, fake: BotApiServer
) -> None:
    [picker] = sent(await driver.text(fake.user(language_code="fr"), "/language"))
    assert labels(picker) == [
        "English",
        "Nederlands",
        "Deutsch",
        "Español",
        "✓ Français",
        "Italiano",
        "中文",
    ]
    assert picker["text"].startswith("Choisis ta langue.")


# ---------------------------------------------------------------------- command menu


async def test_commands_are_registered_in_every_language(
    driver: Driver, fake: BotApiServer
) -> None:
    english = [i18n.gettext(FALLBACK_LANGUAGE, text) for _, text in COMMANDS]
    assert [c["description"] for c in fake.commands[(DEFAULT_SCOPE, "")]] == english
    for lang in LANGUAGES:
        registered = fake.commands[(DEFAULT_SCOPE, lang)]
        assert [c["command"] for c in registered] == [name for name, _ in COMMANDS]
        descriptions = [c["description"] for c in registered]
        assert descriptions == [i18n.gettext(lang, text) for _, text in COMMANDS]
        if lang != FALLBACK_LANGUAGE:
            same = [d for d, e in zip(descriptions, english, strict=True) if d == e]
            assert not same, f"{lang}: untranslated command descriptions {same}"
    assert fake.commands[(DEFAULT_SCOPE, "es")][0]["description"] == "Bienvenida y temas"
    assert fake.commands[(DEFAULT_SCOPE, "zh")][3]["description"] == "选择语言"


# ---------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("language_code", "lang", "checked"), [("de", "de", "Stand: "), ("zh-CN", "zh", "核实日期：")]
)
async def test_checked_on_date_in_the_users_locale(
    driver: Driver,
    fake: BotApiServer,
    bundled_desk: Desk,
    language_code: str,
    lang: str,
    checked: str,
) -> None:
    entry = bundled_desk.tree.entries["housing-scams"]
    _, answer = sent(
        await driver.text(fake.user(language_code=language_code), "/start housing-scams")
    )
    assert answer["text"].endswith(checked + i18n.format_date(entry.reviewed, lang))
