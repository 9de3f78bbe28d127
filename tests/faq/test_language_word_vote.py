"""faq.language: the word vote beside lingua's character statistics.

Messages in one language with a few local words in another ("afspraak", "gemeente", "fiets")
or with an English loanword ("account") are written in the language of most of their words.
"""

from __future__ import annotations

import pytest

from faq import language
from faq.language import LanguageDetector, word_vote

MIXED = [
    ("how do i make an afspraak with the gemeente for my registration", "en"),
    ("where can i buy a cheap fiets and a good lock", "en"),
    ("non ho ancora un account, sono ospite qui", "it"),
    ("come mi collego a eduroam", "it"),
]


@pytest.mark.parametrize(("text", "expected"), MIXED)
def test_a_message_is_in_the_language_of_most_of_its_words(text: str, expected: str) -> None:
    detector = LanguageDetector(frozenset({"eduroam"}))
    assert detector.detect(text, hint=None, fallback="de") == expected


def test_without_the_vote_character_statistics_alone_get_these_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the test above would pass without the vote if lingua alone already got them right
    monkeypatch.setattr(language, "WORD_VOTE_WEIGHT", 0.0)
    detector = LanguageDetector(frozenset({"eduroam"}))
    wrong = [t for t, lang in MIXED if detector.detect(t, hint=None, fallback="de") != lang]
    assert len(wrong) >= 2


def test_word_vote_is_a_distribution_led_by_the_words_language() -> None:
    vote = word_vote(["where", "is", "the", "station"])
    assert max(vote, key=vote.__getitem__) == "ENGLISH"
    assert sum(vote.values()) == pytest.approx(1.0)
    italian = word_vote(["dove", "posso", "comprare"])
    assert max(italian, key=italian.__getitem__) == "ITALIAN"
