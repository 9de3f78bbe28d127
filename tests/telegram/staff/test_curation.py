"""The staff chat's "🧭 out of scope" button under /unanswered and its group picker, through
the real Application against the fake Bot API: the question (scrubbed) lands in the group
of out-of-scope.yaml in the FAQ tree the bot runs on, the picker shows the diff, and only
staff presses count."""

from __future__ import annotations

from typing import Any

import pytest
from botapi_server import BotApiServer
from staff_support import STAFF_CHAT_ID, forge_press, sent_to, statuses
from tg_support import Driver, data_of, sent

from bot.telegram import callback_data as cb
from faq.scrub import scrub
from storage import Storage

OUT_OF_SCOPE = """\
# staff comment, kept
groups:
  - id: tuition
    pointer:
      en: I can't help with tuition fees; the Student Affairs Front Office can.
    questions:
      en: [how much is the tuition fee, when do I pay tuition]
  - id: transport
    pointer:
      en: I can't help with trains; ns.nl can.
    questions:
      en: [how much is a train ticket]
"""
QUESTION = "can my employer pay the zorblax fee? mail me at kim@example.org"
#: What the database keeps of it (personal data is scrubbed before it is stored).
STORED = scrub(QUESTION)


@pytest.fixture
def faq(minimal_tree: Any) -> Any:
    """The minimal tree with two out-of-scope groups."""
    minimal_tree.write("out-of-scope.yaml", OUT_OF_SCOPE)
    return minimal_tree


async def _listing(
    driver: Driver, storage: Storage, staff_member: dict[str, Any], staff_chat: dict[str, Any]
) -> dict[str, Any]:
    await driver.text(driver.fake.user(1001, "Ana"), QUESTION)
    assert await storage.flush(5)
    [listing] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    return listing


async def test_out_of_scope_button_writes_the_question_into_the_group(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    faq: Any,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    listing = await _listing(driver, storage, staff_member, staff_chat)
    [group] = await storage.unanswered_groups()
    assert f"soos:{group.id}" in data_of(listing)
    assert "🧭 Out of scope 1" in str(listing["reply_markup"])

    calls = await driver.press(listing, f"soos:{group.id}", staff_member)
    [picker] = sent_to(calls, STAFF_CHAT_ID)
    assert f"question #{group.id} (en)" in picker["text"]
    assert "[email]" in picker["text"]  # shown as it will be written
    assert "kim@example.org" not in picker["text"]
    assert data_of(picker) == [f"soosg:{group.id}.tuition", f"soosg:{group.id}.transport"]
    assert await statuses(storage) == {STORED: "new"}  # asking changes nothing

    calls = await driver.press(picker, f"soosg:{group.id}.tuition", staff_member)
    [edited] = [c.result for c in calls if c.method == "editMessageText"]
    assert edited["message_id"] == picker["message_id"]
    assert "reply_markup" not in edited
    text = edited["text"]
    assert "question #1 → tuition (en), by Sam" in text
    assert "+++ b/out-of-scope.yaml" in text
    assert "can my employer pay the zorblax fee? mail me at [email]" in text
    assert "Marked 1 question as added" in text
    assert "/reload" in text
    [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params["text"] == "Written to tuition"

    written = (faq.root / "out-of-scope.yaml").read_text(encoding="utf-8")
    assert written == OUT_OF_SCOPE.replace(
        "when do I pay tuition]",
        'when do I pay tuition, "can my employer pay the zorblax fee? mail me at [email]"]',
    )
    assert await statuses(storage) == {STORED: "added"}
    [again] = sent_to(await driver.text(staff_member, "/unanswered", staff_chat), STAFF_CHAT_ID)
    assert "No new unanswered questions" in again["text"]

    # /reload: the bot now knows the example (and the file is a valid FAQ file)
    [reloaded] = sent_to(await driver.text(staff_member, "/reload", staff_chat), STAFF_CHAT_ID)
    assert reloaded["text"].startswith("✅ FAQ reloaded")
    tree = driver.app.bot_data.desk
    assert tree is not None
    [tuition, _] = tree.tree.out_of_scope
    assert tuition.questions["en"][-1].endswith("mail me at [email]")


async def test_picker_refusals(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    faq: Any,
    staff_chat: dict[str, Any],
    staff_member: dict[str, Any],
) -> None:
    listing = await _listing(driver, storage, staff_member, staff_chat)
    [group] = await storage.unanswered_groups()
    [picker] = sent_to(await driver.press(listing, f"soos:{group.id}", staff_member), STAFF_CHAT_ID)

    def answered(calls: list[Any]) -> str:
        [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
        return str(answer.params.get("text"))

    # a group that is not in the running FAQ (a stale or forged button)
    forge_press(fake, picker, cb.out_of_scope_group(group.id, "weather"), staff_member)
    calls = await driver.deliver()
    assert answered(calls) == "That group no longer exists; send /reload"
    # a question that is gone, and an id no row can have
    for question_id in (999, 10**20):
        forge_press(fake, picker, f"soosg:{question_id}.tuition", staff_member)
        assert answered(await driver.deliver()) == "That question no longer exists"
        forge_press(fake, listing, f"soos:{question_id}", staff_member)
        assert answered(await driver.deliver()) == "That question no longer exists"
    # the file was changed so that the group is gone on disk: nothing written, said why
    (faq.root / "out-of-scope.yaml").write_text(
        OUT_OF_SCOPE.replace("id: tuition", "id: fees"), encoding="utf-8"
    )
    calls = await driver.press(picker, f"soosg:{group.id}.tuition", staff_member)
    assert answered(calls) == "Nothing was written"
    [edited] = [c.result for c in calls if c.method == "editMessageText"]
    assert (
        "was not written: no out-of-scope group 'tuition' (known: fees, transport)"
        in (edited["text"])
    )
    assert await statuses(storage) == {STORED: "new"}


async def test_out_of_scope_buttons_are_ignored_silently_for_anyone_else(
    driver: Driver,
    fake: BotApiServer,
    storage: Storage,
    faq: Any,
) -> None:
    user = fake.user(1001, "Ana")
    await driver.text(user, QUESTION)
    assert await storage.flush(5)
    [group] = await storage.unanswered_groups()
    [welcome] = sent(await driver.text(user, "/start"))
    for data in (f"soos:{group.id}", f"soosg:{group.id}.tuition"):
        forge_press(fake, welcome, data, user)
        calls = await driver.deliver()
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params.get("text") is None
    assert (faq.root / "out-of-scope.yaml").read_text(encoding="utf-8") == OUT_OF_SCOPE
    assert await statuses(storage) == {STORED: "new"}


def test_group_buttons_fit_and_round_trip() -> None:
    long_group = "a-very-long-out-of-scope-group-name-that-does-not-fit-in-sixty-four-bytes"
    for group in ("tuition", long_group):
        data = cb.out_of_scope_group(2_000_000_000, group)
        assert len(data.encode()) <= cb.MAX_BYTES
        decoded = cb.decode(data)
        assert decoded is not None
        assert decoded.action == "staff_out_of_scope_group"
        assert cb.split_group(decoded.arg, ["tuition", long_group]) == (2_000_000_000, group)
    for bad in ("soosg:1", "soosg:x.tuition", "soosg:1.Tuition", "soosg:1.tu:ition", "soosg:.a"):
        assert cb.decode(bad) is None, bad
