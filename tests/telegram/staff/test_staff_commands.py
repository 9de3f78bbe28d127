"""Staff commands and buttons through ``Application.process_update`` against the in-process
fake Bot API: who counts as staff, /unanswered with resolve / ignore / draft, /stats,
/reload, the FAQ watcher (the daily digest: ``test_staff_digest.py``)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from botapi_server import BotApiServer
from staff_support import (
    GIBBERISH,
    STAFF_CHAT_ID,
    STAFF_USER_ID,
    chats_written_to,
    forge_press,
    sent_to,
    statuses,
)
from tg_support import Driver, data_of, sent

from bot.core.config import Settings
from bot.core.desk import Desk
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.handlers.staff import STAFF_COMMANDS
from bot.telegram.jobs.faq_reload import start_watching, watch_job
from storage import Storage

STAFF_COMMAND_TEXTS = tuple(f"/{name}" for name, _ in STAFF_COMMANDS)
CONNECT = "How do I connect to eduroam?"


async def _ask(driver: Driver, storage: Storage, *questions: tuple[dict[str, Any], str]) -> None:
    for user, text in questions:
        await driver.text(user, text)
    assert await storage.flush(5)


# ---------------------------------------------------------------------- who is staff


async def test_staff_commands_are_advertised_in_the_staff_chat_only(
    app: BotApplication, fake: BotApiServer
) -> None:
    staff_scope = json.dumps({"type": "chat", "chat_id": STAFF_CHAT_ID}, sort_keys=True)
    names = [name for name, _ in STAFF_COMMANDS]
    assert [c["command"] for c in fake.commands[(staff_scope, "")]] == names
    for (scope, _language), commands in fake.commands.items():
        if scope != staff_scope:
            assert not {c["command"] for c in commands} & set(names), scope


async def test_staff_commands_do_not_exist_for_anyone_else(
    driver: Driver, fake: BotApiServer, app: BotApplication, storage: Storage, faq: Any
) -> None:
    user = fake.user(1001, "Ana")
    await _ask(driver, storage, (user, GIBBERISH[0]))
    faq.entry("general-bikes", "general", {"en": faq.tr(["Where can I park my bike?"], "At P1.")})
    tree = app.bot_data.desk.tree
    [unknown] = sent(await driver.text(user, "/nosuchcommand"))
    for command in (*STAFF_COMMAND_TEXTS, "/unanswered@leiden_welcome_test_bot"):
        calls = await driver.text(user, command)
        # word for word what a made-up command gets: nothing tells the command exists
        assert [c.method for c in calls] == ["sendMessage"], command
        assert sent(calls)[0]["text"] == unknown["text"]
        assert "reply_markup" not in sent(calls)[0]
    # in another group: silence, as for any unknown command, even from a staff user
    group = fake.group_chat(-100500, "Leiden newcomers")
    for who in (user, fake.user(STAFF_USER_ID, "Kim")):
        for command in (*STAFF_COMMAND_TEXTS, "/nosuchcommand"):
            assert await driver.text(who, command, group) == [], command
    # and nothing happened: no reload, no status change, no message to the staff chat
    assert app.bot_data.desk.tree is tree
    assert await statuses(storage) == {GIBBERISH[0]: "new"}
    assert STAFF_CHAT_ID not in chats_written_to(fake.calls)


async def test_staff_buttons_are_ignored_silently_for_anyone_else(
    driver: Driver, fake: BotApiServer, storage: Storage
) -> None:
    user = fake.user(1001, "Ana")
    await _ask(driver, storage, (user, GIBBERISH[0]))
    [group] = await storage.unanswered_groups()
    [welcome] = sent(await driver.text(user, "/start"))
    other_group = fake.group_chat(-100500, "Leiden newcomers")
    [in_group] = sent(await driver.text(user, "@leiden_welcome_test_bot hi", other_group))
    for message in (welcome, in_group):
        for action in ("sres", "sign", "sdraft", "soos"):
            forge_press(fake, message, f"{action}:{group.id}", user)
            calls = await driver.deliver()
            assert [c.method for c in calls] == ["answerCallbackQuery"]
            assert calls[0].params.get("text") is None  # not even "this button no longer works"
    assert await statuses(storage) == {GIBBERISH[0]: "new"}


async def test_staff_user_works_in_a_private_chat(
    driver: Driver, fake: BotApiServer, storage: Storage, staff_user: dict[str, Any]
) -> None:
    await _ask(driver, storage, (fake.user(1001), GIBBERISH[1]))
    [listing] = sent(await driver.text(staff_user, "/unanswered"))
    assert GIBBERISH[1] in listing["text"]
    [group] = await storage.unanswered_groups()
    calls = await driver.press(listing, f"sign:{group.id}", staff_user)
    assert any(c.method == "editMessageText" for c in calls)
    assert await statuses(storage) == {GIBBERISH[1]: "ignored"}


# ---------------------------------------------------------------------- /unanswered


async def test_unanswered_list_resolve_and_ignore(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    ana, bo = fake.user(1001, "Ana"), fake.user(1002, "Bo")
    tricky = "<b>blorptastic</b> & frumious bandersnatch"
    await _ask(driver, storage, (ana, GIBBERISH[0]), (bo, GIBBERISH[0]), (ana, tricky))
    first, second = await storage.unanswered_groups()
    assert first.count == 2  # most frequent first

    [listing] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    text = listing["text"]
    assert "2 groups (3 questions)" in text
    assert text.index(GIBBERISH[0]) < text.index(tricky)  # shown literally: escaped HTML
    assert f"×2 · {first.languages[0]}" in text
    assert "last seen" in text
    assert data_of(listing) == [
        f"sres:{first.id}",
        f"sign:{first.id}",
        f"sdraft:{first.id}",
        f"soos:{first.id}",
        f"sres:{second.id}",
        f"sign:{second.id}",
        f"sdraft:{second.id}",
        f"soos:{second.id}",
    ]

    calls = await driver.press(listing, f"sres:{first.id}", staff_member)
    [edited] = [c.result for c in calls if c.method == "editMessageText"]
    assert edited["message_id"] == listing["message_id"]
    assert f"Resolved group {first.id} (2 questions), by Sam" in edited["text"]
    assert GIBBERISH[0] not in edited["text"]
    assert data_of(edited) == [
        f"sres:{second.id}",
        f"sign:{second.id}",
        f"sdraft:{second.id}",
        f"soos:{second.id}",
    ]
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params.get("text")
    assert await statuses(storage) == {GIBBERISH[0]: "resolved", tricky: "new"}

    calls = await driver.press(edited, f"sign:{second.id}", staff_member)
    [edited] = [c.result for c in calls if c.method == "editMessageText"]
    assert "No new unanswered questions" in edited["text"]
    assert "reply_markup" not in edited
    assert await statuses(storage) == {GIBBERISH[0]: "resolved", tricky: "ignored"}
    [again] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    assert "No new unanswered questions" in again["text"]


async def test_draft_button_sends_the_skeleton_as_a_file(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    await _ask(driver, storage, (fake.user(1001), GIBBERISH[0]), (fake.user(1002), GIBBERISH[0]))
    [group] = await storage.unanswered_groups()
    [listing] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    calls = await driver.press(listing, f"sdraft:{group.id}", staff_member)
    [document] = [c.result for c in calls if c.method == "sendDocument"]
    assert document["chat"]["id"] == STAFF_CHAT_ID
    name = document["document"]["file_name"]
    assert re.fullmatch(r"[a-z]+-qwertzuiop-asdfghjkl-yxcvbnm\.yaml", name)
    assert f"welcomebot unanswered promote {group.id}" in document["caption"]
    data = yaml.safe_load(fake.files[document["document"]["file_id"]].content)
    assert data["id"] == name.removesuffix(".yaml")
    [(language, translation)] = data["translations"].items()
    assert language == group.languages[0]
    assert translation == {"questions": [GIBBERISH[0]], "answer": ""}
    assert (data["sources"], data["related"]) == ([], [])
    assert await statuses(storage) == {GIBBERISH[0]: "new"}  # a file in the chat changes nothing


# ---------------------------------------------------------------------- /stats


async def test_stats_for_7_and_30_days(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    user = fake.user(1001)
    [answer] = sent(await driver.text(user, CONNECT))
    await driver.press(answer, "fb:eduroam-connect:en:0", user)
    await _ask(driver, storage, (user, GIBBERISH[0]))
    [message] = sent_to(await driver.text(staff_member, "/stats", staff_chat), STAFF_CHAT_ID)
    text = message["text"]
    week = text[text.index("Last 7 days") : text.index("Last 30 days")]
    assert "answered 1 · unanswered 1" in week
    assert "top entries: eduroam-connect 1" in week
    assert "0 👍 / 1 👎 (0% found it helpful)" in week
    assert "Last 30 days" in text
    today = datetime.now(UTC).date()
    assert f"{today:%a %d %b}         1           1" in text  # the per-day table
    assert len(re.findall(r"^\w{3} \d\d \w{3} ", text, re.MULTILINE)) == 30


# ---------------------------------------------------------------------- /reload and the watcher

BROKEN = """\
id: eduroam-connect
category: eduroam
reviewed: 2026-01-15
translations:
  en:
    questions:
      - How do I connect to eduroam?
    answer: ""
"""


async def test_reload_with_a_broken_file_keeps_the_old_faq(
    driver: Driver,
    fake: BotApiServer,
    app: BotApplication,
    faq: Any,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    desk: Desk = app.bot_data.desk
    before = desk.tree
    good = (faq.root / "eduroam" / "eduroam-connect.yaml").read_text(encoding="utf-8")
    faq.entry("general-bikes", "general", {"en": faq.tr(["Where can I park my bike?"], "At P1.")})
    faq.write("eduroam/eduroam-connect.yaml", BROKEN)

    [report] = sent_to(await driver.text(staff_member, "/reload", staff_chat), STAFF_CHAT_ID)
    text = report["text"]
    assert "FAQ reload failed" in text
    assert "Still answering from the previous version (3 entries" in text
    assert (
        "eduroam/eduroam-connect.yaml:8: translations.en.answer: must be a non-empty text" in text
    )
    assert desk.tree is before
    assert "general-bikes" not in desk.tree.entries
    [answer] = sent(await driver.text(fake.user(1001), CONNECT))  # still answered, as before
    assert "geteduroam" in answer["text"]

    faq.write("eduroam/eduroam-connect.yaml", good)
    [report] = sent_to(await driver.text(staff_member, "/reload", staff_chat), STAFF_CHAT_ID)
    assert re.search(
        r"FAQ reloaded: 4 entries in 4 categories, .*; \d+ lint warnings?", report["text"]
    )
    assert "general-bikes" in desk.tree.entries
    [answer] = sent(await driver.text(fake.user(1001), "Where can I park my bike?"))
    assert "At P1." in answer["text"]


async def test_watcher_reloads_changed_files_and_reports_problems(
    app: BotApplication,
    fake: BotApiServer,
    faq: Any,
    context: BotContext,
    staff_chat: dict[str, Any],
) -> None:
    desk: Desk = app.bot_data.desk
    start_watching(app)
    mark = fake.mark()
    await watch_job(context)
    assert fake.calls[mark:] == []  # nothing changed

    faq.entry("general-bikes", "general", {"en": faq.tr(["Where can I park my bike?"], "At P1.")})
    await watch_job(context)  # a change: wait one poll for it to settle
    assert "general-bikes" not in desk.tree.entries
    await watch_job(context)
    assert "general-bikes" in desk.tree.entries
    [note] = sent_to(fake.calls[mark:], STAFF_CHAT_ID)
    assert note["text"].startswith("✅ FAQ files changed: reloaded: 4 entries")

    tree = desk.tree
    mark = fake.mark()
    faq.write("eduroam/eduroam-connect.yaml", BROKEN)
    await watch_job(context)
    await watch_job(context)
    [note] = sent_to(fake.calls[mark:], STAFF_CHAT_ID)
    assert "FAQ files changed but could not be loaded" in note["text"]
    assert "eduroam/eduroam-connect.yaml:8" in note["text"]
    assert desk.tree is tree
    mark = fake.mark()
    await watch_job(context)
    await watch_job(context)
    assert fake.calls[mark:] == []  # told once, not on every poll


def test_run_watch_faq_flag(monkeypatch: Any, tmp_path: Path) -> None:
    from bot.cli.main import main
    from bot.telegram import run as run_module

    seen: list[Settings] = []
    monkeypatch.setattr(run_module, "run", lambda settings, webhook: seen.append(settings) or 0)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--watch-faq"]) == 0
    assert main(["run"]) == 0
    assert [s.watch_faq for s in seen] == [True, False]
