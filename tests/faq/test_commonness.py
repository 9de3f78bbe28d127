"""Everyday words weigh less than distinctive ones (faq/commonness.py)."""

import pytest

from faq.commonness import weight


@pytest.mark.parametrize("word", ["the", "de", "tell", "quelle"])
def test_everyday_words_weigh_less_than_jargon(word):
    assert weight(word) < 0.5 < weight("huurtoeslag") == 1.0


@pytest.mark.parametrize("typed", ["whats", "dont", "cant", "im"])
def test_words_typed_without_their_apostrophe_count_as_common(typed):
    # "whats" once weighed like a rare word and pulled "whats the weather" to an entry
    assert weight(typed) < 0.6


def test_unknown_chinese_pairs_weigh_little_and_words_fully():
    assert weight("么找") < weight("骗局") <= 1.0
