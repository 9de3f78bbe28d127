"""Loading the catalogues: ``.mo`` compiled from the ``.po`` when missing or stale (written
when the directory allows it, kept in memory when it does not), a missing or broken
catalogue falls back to English with one warning per language, never a crash."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from i18n_support import TOKEN, BotApiServer, make_settings, running_bot
from tg_support import sent

from bot.core import i18n
from bot.core.desk import Desk

WELCOME = "Welcome to Leiden! 👋"


def mo_of(locales: Path, lang: str) -> Path:
    return locales / lang / "LC_MESSAGES" / "messages.mo"


def i18n_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.core.i18n" and r.levelno >= logging.WARNING
    ]


def test_missing_mo_is_compiled_and_saved(locales_copy: Path) -> None:
    assert not mo_of(locales_copy, "nl").exists()
    assert i18n.gettext("nl", WELCOME) == "Welkom in Leiden! 👋"
    mo = mo_of(locales_copy, "nl")
    assert mo.is_file()
    assert mo.stat().st_mode & 0o044 == 0o044
    assert sorted(p.name for p in mo.parent.iterdir()) == ["messages.mo", "messages.po"]


def test_a_stale_mo_is_compiled_again(locales_copy: Path) -> None:
    assert i18n.gettext("de", WELCOME) == "Willkommen in Leiden! 👋"
    po = locales_copy / "de" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Willkommen in Leiden! 👋"', 'msgstr "Herzlich willkommen in Leiden! 👋"'
        ),
        encoding="utf-8",
    )
    later = time.time() + 10
    os.utime(po, (later, later))
    i18n.reload()
    assert i18n.gettext("de", WELCOME) == "Herzlich willkommen in Leiden! 👋"
    assert mo_of(locales_copy, "de").stat().st_mtime >= po.stat().st_mtime - 10


def test_a_fresh_mo_is_used_as_it_is(locales_copy: Path) -> None:
    i18n.gettext("es", WELCOME)
    mo = mo_of(locales_copy, "es")
    before = mo.stat().st_mtime_ns
    i18n.reload()
    assert i18n.gettext("es", WELCOME) == "¡Te damos la bienvenida a Leiden! 👋"
    assert mo.stat().st_mtime_ns == before


def test_read_only_install_compiles_in_memory(
    locales_copy: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    assert i18n.gettext("fr", WELCOME) == "Bienvenue à Leiden\u00a0! 👋"
    assert not mo_of(locales_copy, "fr").exists()
    assert i18n_warnings(caplog) == []


def test_a_failed_save_leaves_no_temporary_file(
    locales_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Operation not permitted")

    monkeypatch.setattr("os.replace", refuse)
    assert i18n.gettext("it", WELCOME) == "Ti diamo il benvenuto a Leiden! 👋"
    assert sorted(p.name for p in mo_of(locales_copy, "it").parent.iterdir()) == ["messages.po"]


def test_a_corrupt_mo_is_compiled_again(
    locales_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mo = mo_of(locales_copy, "zh")
    mo.write_bytes(b"not a catalogue")
    assert i18n.gettext("zh", WELCOME) == "欢迎来到莱顿！👋"
    assert mo.read_bytes()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    assert len(i18n_warnings(caplog)) == 1


def test_an_mo_without_its_po_is_used(locales_copy: Path) -> None:
    i18n.gettext("nl", WELCOME)
    (locales_copy / "nl" / "LC_MESSAGES" / "messages.po").unlink()
    i18n.reload()
    assert i18n.gettext("nl", WELCOME) == "Welkom in Leiden! 👋"


def test_missing_catalogue_falls_back_to_english_with_one_warning(
    no_locales: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(3):
        assert i18n.gettext("de", WELCOME) == WELCOME
        assert i18n.ngettext("de", "{n} day", "{n} days", 2) == "{n} days"
    assert i18n.gettext("fr", WELCOME) == WELCOME
    warnings = i18n_warnings(caplog)
    assert len(warnings) == 2, warnings
    assert "'de'" in warnings[0]
    assert "English" in warnings[0]
    assert "'fr'" in warnings[1]


def test_a_broken_catalogue_falls_back_to_english(
    locales_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    po = locales_copy / "it" / "LC_MESSAGES" / "messages.po"
    po.write_bytes(b"\xff\xfe this is not a catalogue \x00")
    assert i18n.gettext("it", WELCOME) == WELCOME
    assert len(i18n_warnings(caplog)) == 1


def test_languages_we_do_not_support_are_english_without_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for code in ("pt", "../../etc", "", "EN"):
        assert i18n.gettext(code, WELCOME) == WELCOME
    assert i18n_warnings(caplog) == []


async def test_the_bot_runs_in_english_without_catalogues(
    no_locales: Path, bundled_desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    """The whole bot, started without any catalogue: English menus, no crash."""
    fake = BotApiServer(TOKEN)
    async with running_bot(make_settings(no_locales), bundled_desk, fake) as driver:
        [welcome] = sent(await driver.text(fake.user(language_code="de"), "/start"))
        assert welcome["text"].startswith("Hi Ana, welcome to Leiden!")
    assert fake.commands[('{"type": "default"}', "de")][0]["description"] == "Welcome and topics"
    assert any("'de'" in w for w in i18n_warnings(caplog))
