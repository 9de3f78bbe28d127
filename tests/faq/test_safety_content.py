"""The ``safety/`` folder: loaded and validated like every FAQ file."""

from __future__ import annotations

import pytest

from faq.loader import FaqLoadError, load_tree


def test_bundled_safety_content_is_complete():
    content = load_tree().safety_content
    assert set(content.grammars) == {"en", "nl", "de", "es", "fr", "it", "zh"}
    assert set(content.texts.checkin) == set(content.grammars)
    assert set(content.texts.unsafe_button) == set(content.texts.ok_button) == set(content.grammars)
    for category in ("sexual-violence", "overdose", "medical-emergency", "violence-danger"):
        assert set(content.texts.leads[category]) == set(content.grammars)
    assert "0800-0188" in content.texts.leads["sexual-violence"]["en"]
    assert "112" in content.texts.leads["overdose"]["en"]
    assert "chatter" not in content.texts.checkin["fr"]


def test_unknown_category_and_part_are_reported(minimal_tree):
    minimal_tree.write_data(
        "safety/grammar/en.yaml",
        {
            "lang": "en",
            "parts": {"me": ["i"]},
            "rules": {"sadness": ["{me} sad"], "self-harm": ["{you} x"]},
        },
    )
    with pytest.raises(FaqLoadError) as err:
        load_tree(minimal_tree.root)
    text = str(err.value)
    assert "rules.sadness: unknown category" in text
    assert "unknown part {you}" in text


def test_a_corpus_file_must_match_its_language(minimal_tree):
    minimal_tree.write_data("safety/corpus/nl.yaml", {"lang": "en", "crisis": {"self-harm": ["x"]}})
    with pytest.raises(FaqLoadError) as err:
        load_tree(minimal_tree.root)
    assert "does not match the file name" in str(err.value)


def test_broken_html_in_a_checkin_is_refused(minimal_tree):
    minimal_tree.write_data("safety/replies.yaml", {"checkin": {"en": "call <b>113"}})
    with pytest.raises(FaqLoadError) as err:
        load_tree(minimal_tree.root)
    assert "checkin.en" in str(err.value)


def test_safety_files_are_not_entries(minimal_tree):
    minimal_tree.write_data("safety/corpus/en.yaml", {"lang": "en", "crisis": {"self-harm": ["x"]}})
    tree = load_tree(minimal_tree.root)
    assert "self-harm" in tree.safety_content.corpus["en"].crisis
