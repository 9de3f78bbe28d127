"""The matcher's index against the naive full scan, on a large FAQ made by bench/generate.py.

``Matcher.match`` scores through numpy posting lists; ``match(..., exhaustive=True)`` scores
every variant one by one in plain Python. They must agree exactly: the same entries, scores,
best variants and languages, in the same order, with and without a limit. The generated FAQ
(300 entries in seven languages, recombined from the bundled FAQ) gives everyday words
posting lists thousands of variants long, Chinese bigrams, synonym concepts, typos, chatty
openers and out-of-scope questions. No timings here: bench/matcher.py measures those.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from faq.matcher import Matcher
from faq.models import LANGUAGES, Entry, FaqTree, SafetyRules, Translation

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate import generated_tree, perturbed_questions


@pytest.fixture(scope="module")
def generated() -> tuple[FaqTree, Matcher]:
    tree = generated_tree(300, seed=7)
    return tree, Matcher(tree)


@pytest.fixture(scope="module")
def questions(generated: tuple[FaqTree, Matcher]) -> list[str]:
    tree, _ = generated
    return [q.text for q in perturbed_questions(tree, 150, seed=8)]


def test_the_generated_faq_is_large_multilingual_and_deterministic(generated, questions):
    tree, matcher = generated
    assert len(tree.entries) == 300
    assert all(set(e.translations) == set(LANGUAGES) for e in tree.entries.values())
    variants = sum(
        len(t.questions) + len(t.keywords)
        for e in tree.entries.values()
        for t in e.translations.values()
    )
    assert variants > 300 * 7 * 6
    # everyday words are in thousands of variants: the index has real work to do
    assert max(len(matcher.match(w, exhaustive=True)) for w in ("how", "de", "the")) > 100
    again = generated_tree(300, seed=7)
    assert [e.translations for e in again.entries.values()] == [
        e.translations for e in tree.entries.values()
    ]
    assert [q.text for q in perturbed_questions(again, 150, seed=8)] == questions


def test_index_ranks_exactly_as_the_full_scan(generated, questions):
    _, matcher = generated
    differ = []
    for question in questions:
        full = matcher.match(question, exhaustive=True)
        if matcher.match(question) != full:
            differ.append(("ranking", question))
        for limit in (1, 3, 5):
            if matcher.match(question, limit=limit) != full[:limit]:
                differ.append((f"top {limit}", question))
    assert differ == [], f"{len(differ)} differ, e.g. {differ[:3]}"


def test_the_generated_questions_are_answerable(generated):
    # a sanity check of the benchmark's questions: most perturbed variants still find the
    # entry they were made from, and out-of-scope questions score low
    tree, matcher = generated
    asked = perturbed_questions(tree, 200, seed=8)
    in_scope = [q for q in asked if q.entry]
    found = [q for q in in_scope if q.entry in [m.entry for m in matcher.match(q.text, limit=3)]]
    assert len(found) >= 0.9 * len(in_scope)
    out_of_scope = [q for q in asked if q.entry is None]
    assert out_of_scope
    assert all(not (m := matcher.match(q.text, limit=1)) or m[0].score < 40 for q in out_of_scope)


def _tree(entries: dict[str, dict[str, Translation]]) -> FaqTree:
    return FaqTree(
        Path("ties"),
        {
            entry_id: Entry(entry_id, "general", date(2026, 1, 1), (), (), translations)
            for entry_id, translations in entries.items()
        },
        SafetyRules("a", {"en": ("x",)}),
    )


def test_ties_break_the_same_way_in_index_and_scan():
    # the same keyword in several languages of one entry: the first in the file is reported;
    # the same question in two entries: equal scores, ranked by entry id
    tree = _tree(
        {
            "b-entry": {
                "nl": Translation(("waar is de bibliotheek",), "a", ("eduroam",)),
                "en": Translation(("where is the library",), "a", ("eduroam",)),
            },
            "a-entry": {"en": Translation(("where is the library",), "a", ("eduroam",))},
        }
    )
    matcher = Matcher(tree)
    for question in ("eduroam", "where is the library", "library eduroam"):
        full = matcher.match(question, exhaustive=True)
        assert matcher.match(question) == full
        assert matcher.match(question, limit=1) == full[:1]
    ranked = matcher.match("where is the library")
    assert [m.entry for m in ranked] == ["a-entry", "b-entry"]
    assert ranked[0].score == ranked[1].score
    eduroam = {m.entry: m.language for m in matcher.match("eduroam")}
    assert eduroam == {"a-entry": "en", "b-entry": "nl"}


def test_nothing_shared_nothing_ranked(generated):
    _, matcher = generated
    for question in ("", "?!", "xqzwv", "zzzzzzzzzzzz"):
        assert matcher.match(question) == matcher.match(question, exhaustive=True) == []
        assert matcher.match(question, limit=3) == []


# --------------------------------------------------------------------------- cold start
def test_commonness_table_is_cached_and_survives_a_broken_cache(tmp_path, monkeypatch):
    import platformdirs

    from faq import commonness

    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda name: str(tmp_path / name))
    path = commonness._cache_path()
    assert path is not None
    assert path.parent == tmp_path / "welcomebot"
    built = commonness._build_zipf_table()
    commonness._zipf_table.cache_clear()
    try:
        assert commonness._zipf_table() == built  # built, then written
        assert path.exists()
        commonness._zipf_table.cache_clear()
        assert commonness._zipf_table() == built  # read back
        path.write_bytes(b"not a table")
        commonness._zipf_table.cache_clear()
        assert commonness._zipf_table() == built  # rebuilt
    finally:
        commonness._zipf_table.cache_clear()
