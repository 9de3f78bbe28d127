"""faq/anchored.py: searching an alternation only where its anchors are gives exactly what
``re`` gives on the whole alternation."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from faq.anchored import AnchoredPattern, first_word

WORDS = ["i", "ik", "kill", "killing", "me", "is", "this", "deadline", "dead", "a", "ab", "abc"]
phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
text = st.lists(st.sampled_from([*WORDS, "|", "x"]), max_size=14).map(" ".join)


def whole_words(phrases: list[str]) -> AnchoredPattern:
    """As the trigger phrases: literal, whole words, the longest first."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return AnchoredPattern(
        [(rf"(?<!\S){re.escape(p)}(?!\S)", (first_word(p), "word")) for p in ordered]
    )


def grammar_like(phrases: list[str], starred: bool) -> AnchoredPattern:
    """As a grammar's idioms: after a space, before a space, ``word*`` for any ending."""
    alternatives = []
    for p in sorted(set(phrases), key=len, reverse=True):
        first, *rest = p.split(" ")
        head = re.escape(first) + (r"\S*" if starred else "")
        fragment = " ".join([head, *map(re.escape, rest)])
        alternatives.append((fragment, (first, "prefix" if starred else "word")))
    return AnchoredPattern(alternatives, head="(?<= )(?:", tail=")(?= )")  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.lists(phrase, min_size=1, max_size=8), text)
def test_whole_word_phrases_search_and_sub_as_re_does(phrases, message):
    anchored = whole_words(phrases)
    whole = re.compile(anchored.source)
    expected = whole.search(message)
    found = anchored.search(message)
    assert (found and (found.span(), found.group(0))) == (
        expected and (expected.span(), expected.group(0))
    )
    assert anchored.sub(" | ", message) == whole.sub(" | ", message)


@settings(max_examples=400, deadline=None)
@given(st.lists(phrase, min_size=1, max_size=8), text, st.booleans())
def test_grammar_idioms_with_any_ending_sub_as_re_does(phrases, message, starred):
    anchored = grammar_like(phrases, starred)
    padded = f" {message} "
    whole = re.compile(anchored.source)
    assert anchored.sub(" | ", padded) == whole.sub(" | ", padded)
    assert (anchored.search(padded) is None) == (whole.search(padded) is None)


def test_chinese_substrings_use_the_whole_regex_after_a_substring_check():
    anchored = AnchoredPattern([("不想活", ("不想活", "substring"))], head="(?:", tail=")")
    assert anchored.search("我很好") is None
    assert not anchored.compiled  # nothing that could match: not even compiled
    assert anchored.sub("|", "我真的不想活了") == "我真的|了"


def test_a_message_without_anchors_is_not_searched():
    anchored = whole_words(["this deadline is killing me"])
    assert anchored.search("where do i find a room") is None
    assert anchored.sub(" | ", "where do i find a room") == "where do i find a room"
    assert not anchored.possible("where do i find a room")
    assert anchored.possible("is this deadline killing me")


def test_what_is_remembered_per_word_is_bounded_by_the_anchors():
    # a long-running bot sees ever new words; its memo must not grow with them
    anchored = grammar_like(["kill me", "this is", "dead line"], starred=True)
    whole = re.compile(anchored.source)
    for n in range(3000):
        message = f" word{n} killing{n} me this{n} is dead line x{n} "
        assert anchored.sub(" | ", message) == whole.sub(" | ", message)
    assert len(anchored._local) <= 3
