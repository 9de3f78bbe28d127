"""The ``ask --json`` contract, checked by the CLI tests."""

from __future__ import annotations

KEYS = {
    "question",
    "kind",
    "entry",
    "suggestions",
    "candidates",
    "language",
    "score",
    "confidence",
    "out_of_scope",
    "text",
    "category",
    "choices",
}
KINDS = {"answer", "clarify", "unanswered", "safety", "checkin", "smalltalk"}


def check_contract(obj: dict[str, object]) -> None:
    """Everything DESIGN.md promises about one ``ask --json`` object."""
    assert set(obj) == KEYS
    assert obj["kind"] in KINDS
    assert isinstance(obj["question"], str)
    assert isinstance(obj["text"], str)
    assert obj["text"]
    assert isinstance(obj["language"], str)
    assert len(obj["language"]) == 2
    assert isinstance(obj["score"], (int, float))
    assert not isinstance(obj["score"], bool)
    if obj["kind"] in ("answer", "safety"):
        assert isinstance(obj["entry"], str)
    else:
        assert obj["entry"] is None
    suggestions = obj["suggestions"]
    assert isinstance(suggestions, list)
    if obj["kind"] == "clarify":
        assert 1 <= len(suggestions) <= 3
        assert all(isinstance(s, str) for s in suggestions)
    else:
        assert suggestions == []
    choices = obj["choices"]
    assert isinstance(choices, list)
    if obj["kind"] == "checkin":  # the two buttons the Telegram layer shows under it
        assert [c["action"] for c in choices] == ["unsafe", "ok"]
        assert all(isinstance(c["label"], str) and c["label"] for c in choices)
    else:
        assert choices == []
    if obj["kind"] not in ("safety", "checkin"):
        assert obj["category"] is None
    candidates = obj["candidates"]
    assert isinstance(candidates, list)
    assert len(candidates) <= 3
    for candidate in candidates:
        assert set(candidate) == {"entry", "score"}
        assert isinstance(candidate["entry"], str)
        assert isinstance(candidate["score"], (int, float))
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert len({c["entry"] for c in candidates}) == len(candidates)
    if candidates and obj["kind"] in ("answer", "clarify", "unanswered"):
        assert obj["score"] == candidates[0]["score"]
