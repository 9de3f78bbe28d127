"""End to end over HTTP: ``python -m bot run --watch-faq`` in a subprocess with a staff chat
and a staff user, against the local Bot API test server (``tests/support/botapi_server/``),
driven the way users and the welfare team drive it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from botapi_server import BotApiServer
from e2e_support import (
    TOKEN,
    BotProcess,
    bot_database,
    bot_env,
    button_data,
    edited_in,
    eventually,
    running_bot,
    sent_to,
    wait_call,
)

from faq.loader import BUNDLED_FAQ_DIR
from storage import Storage

pytestmark = pytest.mark.e2e

STAFF_CHAT_ID = -100777
STAFF_USER_ID = 7001
QUESTION = "Can I bring my cat on the train to Amsterdam?"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("staff-e2e")


@pytest.fixture(scope="module")
def faq_dir(work: Path) -> Path:
    """A copy of the bundled FAQ that the test may edit (the bot watches it)."""
    target = work / "faq"
    shutil.copytree(BUNDLED_FAQ_DIR, target)
    return target


@pytest.fixture(scope="module")
def api() -> Iterator[BotApiServer]:
    server = BotApiServer(TOKEN).start()
    # the bot is a member of the staff chat from the start: whichever test runs first (the
    # FAQ watcher posts there before any staff member has written in it)
    server.group_chat(STAFF_CHAT_ID, "Welfare team")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def staff_bot(api: BotApiServer, work: Path, faq_dir: Path) -> Iterator[BotProcess]:
    """The bot with STAFF_CHAT_ID and STAFF_USER_IDS, polling, watching its FAQ files."""
    env = bot_env(
        api,
        work,
        STAFF_CHAT_ID=str(STAFF_CHAT_ID),
        STAFF_USER_IDS=f"{STAFF_USER_ID},7002",
        FAQ_DIR=str(faq_dir),
    )
    with running_bot(api, env, work, "--watch-faq") as bot:
        yield bot


@pytest.fixture
async def db(work: Path) -> Any:
    """The bot's database, opened by the test (its own spool directory)."""
    async with bot_database(work) as store:
        yield store


def _in_staff_chat(api: BotApiServer, bot: BotProcess, text: str, user: dict[str, Any]) -> Any:
    mark = api.mark()
    api.send_text(user, text, api.group_chat(STAFF_CHAT_ID, "Welfare team"))
    return wait_call(api, bot, sent_to(STAFF_CHAT_ID), since=mark).result


async def test_unanswered_question_is_resolved_from_the_staff_chat(
    api: BotApiServer, staff_bot: BotProcess, db: Storage
) -> None:
    user = api.user(2101, "Lea", "en")
    mark = api.mark()
    api.send_text(user, QUESTION)
    reply = wait_call(api, staff_bot, sent_to(2101), since=mark).result
    assert "human" in button_data(reply)

    async def stored() -> list[Any]:
        return [g for g in await db.unanswered_groups() if QUESTION in g.samples]

    [group] = await eventually(stored)

    # a user who is not staff: the command does not exist for them
    mark = api.mark()
    api.send_text(user, "/nosuchcommand")
    unknown = wait_call(api, staff_bot, sent_to(2101), since=mark).result
    mark = api.mark()
    api.send_text(user, "/unanswered")
    refused = wait_call(api, staff_bot, sent_to(2101), since=mark).result
    assert refused["text"] == unknown["text"]

    staff = api.user(7002, "Sam")  # in STAFF_USER_IDS, working in the staff chat
    listing = _in_staff_chat(api, staff_bot, "/unanswered", staff)
    assert QUESTION in listing["text"]
    assert f"sres:{group.id}" in button_data(listing)

    # the draft arrives as a file (multipart upload over HTTP)
    mark = api.mark()
    api.press(listing, f"sdraft:{group.id}", staff)
    document = wait_call(api, staff_bot, lambda c: c.method == "sendDocument", since=mark).result
    draft = yaml.safe_load(api.files[document["document"]["file_id"]].content)
    assert draft["translations"]["en"] == {"questions": [QUESTION], "answer": ""}

    mark = api.mark()
    api.press(listing, f"sres:{group.id}", staff)
    edited = wait_call(api, staff_bot, edited_in(STAFF_CHAT_ID), since=mark).result
    assert edited["message_id"] == listing["message_id"]
    assert QUESTION not in edited["text"]
    assert f"Resolved group {group.id}" in edited["text"]
    assert f"sres:{group.id}" not in button_data(edited)
    statuses = {r.text: r.status for r in await db.unanswered_rows(status=None)}
    assert statuses[QUESTION] == "resolved"

    again = _in_staff_chat(api, staff_bot, "/unanswered", staff)
    assert QUESTION not in again["text"]


async def test_handoff_over_http(api: BotApiServer, staff_bot: BotProcess) -> None:
    user = api.user(2102, "Noor", "en")
    mark = api.mark()
    api.send_text(user, "/contact")
    prompt = wait_call(api, staff_bot, sent_to(2102), since=mark).result
    mark = api.mark()
    api.press(prompt, "hc:anon", user)
    wait_call(api, staff_bot, edited_in(2102), since=mark)
    mark = api.mark()
    api.send_text(user, "Is there a choir I can join?")
    posted = wait_call(api, staff_bot, sent_to(STAFF_CHAT_ID), since=mark).result
    assert "Is there a choir I can join?" in posted["text"]
    assert "Noor" not in posted["text"]
    # the user is told after the staff chat got the question: wait for that too, or it would
    # be taken for the relayed reply below
    thanks = wait_call(api, staff_bot, sent_to(2102), since=mark).result
    assert "reference #" in thanks["text"]

    staff = api.user(7002, "Sam")
    mark = api.mark()
    api.send_message_update(
        staff,
        api.group_chat(STAFF_CHAT_ID, "Welfare team"),
        text="Yes: the Leiden student choir meets on Tuesdays.",
        reply_to_message=api.message(STAFF_CHAT_ID, posted["message_id"]),
    )
    relayed = wait_call(api, staff_bot, sent_to(2102), since=mark).result
    assert relayed["text"].endswith("Yes: the Leiden student choir meets on Tuesdays.")
    ack = wait_call(api, staff_bot, sent_to(STAFF_CHAT_ID), since=mark).result
    assert "✓ sent to the user" in ack["text"]


def _faq_note(chat_id: int) -> Any:
    return lambda c: sent_to(chat_id)(c) and "FAQ" in c.result["text"]


def test_watch_faq_reloads_and_reports_broken_files(
    api: BotApiServer, staff_bot: BotProcess, faq_dir: Path
) -> None:
    entry = faq_dir / "general" / "general-choir.yaml"
    entry.write_text(
        "id: general-choir\ncategory: general\nreviewed: 2026-11-01\nsources: []\n"
        "translations:\n  en:\n    questions:\n      - Is there a student choir in Leiden?\n"
        "    answer: Yes, the Leiden student choir meets on Tuesdays.\n",
        encoding="utf-8",
    )
    mark = api.mark()
    note = wait_call(api, staff_bot, _faq_note(STAFF_CHAT_ID), since=mark, timeout=30).result
    assert note["text"].startswith("✅ FAQ files changed: reloaded")
    user = api.user(2103, "Ravi", "en")
    mark = api.mark()
    api.send_text(user, "Is there a student choir in Leiden?")
    answer = wait_call(api, staff_bot, sent_to(2103), since=mark).result
    assert "Tuesdays" in answer["text"]

    mark = api.mark()
    entry.write_text(entry.read_text(encoding="utf-8").replace("answer: Yes", "answer: ''\n#"))
    note = wait_call(api, staff_bot, _faq_note(STAFF_CHAT_ID), since=mark, timeout=30).result
    assert "could not be loaded" in note["text"]
    assert "general/general-choir.yaml:9" in note["text"]
    mark = api.mark()
    api.send_text(user, "Is there a student choir in Leiden?")
    answer = wait_call(api, staff_bot, sent_to(2103), since=mark).result
    assert "Tuesdays" in answer["text"]  # still the last good version
