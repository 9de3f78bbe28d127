"""Which lingua models the language detector loads: the small ones for long, clear
messages; the large ones only for short or unclear ones (faq/language.py)."""

from __future__ import annotations

import pickle

from faq.language import LanguageDetector


def test_a_long_clear_message_needs_only_the_small_models() -> None:
    detector = LanguageDetector()
    found = detector.detect(
        "where do I register my address with the municipality", hint=None, fallback="nl"
    )
    assert found == "en"
    assert "_quick" in detector.__dict__
    assert "_accurate" not in detector.__dict__  # the large models were never loaded


def test_a_short_message_goes_to_the_large_models() -> None:
    detector = LanguageDetector()
    # four words: trigrams alone take this for English
    assert detector.detect("Chi gestisce questo chatbot?", hint=None, fallback="en") == "it"
    assert "_accurate" in detector.__dict__


def test_the_detector_pickles_without_its_models() -> None:
    detector = LanguageDetector(frozenset({"eduroam"}))
    detector.detect("where do I register my address with the city", hint=None, fallback="en")
    copy = pickle.loads(pickle.dumps(detector))
    assert copy.jargon == frozenset({"eduroam"})
    assert "_quick" not in copy.__dict__
    assert (
        copy.detect("wo kann ich mich in der Stadt anmelden bitte", hint=None, fallback="en")
        == "de"
    )
