"""The typed registry of button kinds: every kind packs and parses itself, and the registry
refuses a kind declared twice."""

from __future__ import annotations

import pytest

from bot.telegram import callback_data as cb

#: A valid argument per kind (the bare kinds take none).
SAMPLES = {
    "answer": "housing-scams",
    "clarify": "housing-scams",
    "feedback": "housing-scams",
    "browse": "housing-scams",
    "topic": "housing",
    "lang": "nl",
    "forget": "yes",
    "consent": "anon",
    "checkin": "ok",
    "staff_resolve": "12",
    "staff_ignore": "12",
    "staff_draft": "12",
    "staff_out_of_scope": "12",
    "staff_out_of_scope_group": "12.tuition",
    "staff_accept": "12",
    "staff_reject": "12",
}


def test_every_action_has_exactly_one_kind() -> None:
    assert set(cb.KINDS) == set(cb.Action.__args__)  # type: ignore[attr-defined]
    assert len(cb.BY_PREFIX) == len(cb.KINDS)


@pytest.mark.parametrize("action", sorted(cb.KINDS))
def test_each_kind_round_trips(action: str) -> None:
    kind = cb.KINDS[action]
    flag = True if kind.flagged else None
    language = "de" if kind.entry or kind is cb.Checkin else None
    data = kind.pack(SAMPLES.get(action, ""), flag, language=language)
    assert data.startswith(kind.prefix)
    assert cb.decode(data) == cb.Callback(kind.action, SAMPLES.get(action, ""), flag, language)


def test_a_kind_refuses_what_it_does_not_accept() -> None:
    assert cb.decode("hc:maybe") is None
    assert cb.decode("sres:12a") is None
    assert cb.decode("forget:perhaps") is None
    assert cb.decode("human:extra") is None


def test_a_kind_declared_twice_is_an_error() -> None:
    with pytest.raises(TypeError, match="declared twice"):

        class Again(cb.ButtonKind, action="human", prefix="human2"):
            bare = True

    assert cb.KINDS["human"] is cb.Human


def test_owned_buttons_carry_their_owner() -> None:
    assert cb.encode("forget", "yes", owner=987654321) == "forget:yes:987654321"
    assert cb.decode("forget:yes:987654321") == cb.Callback("forget", "yes", owner=987654321)
    assert cb.decode("lang:nl:42") == cb.Callback("lang", "nl", owner=42)
    # buttons from before owners were packed still parse, without an owner
    assert cb.decode("forget:yes") == cb.Callback("forget", "yes")
    # a forged owner that is no Telegram id is no button at all
    for forged in ("forget:yes:0", "forget:yes:-5", "lang:nl:" + "9" * 21, "forget:yes:1:2"):
        assert cb.decode(forged) is None, forged
    with pytest.raises(ValueError, match="owner"):
        cb.encode("answer", "housing-scams", owner=1)
    assert {"forget", "lang"} == cb.OWNED_ACTIONS
