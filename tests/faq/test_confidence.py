"""The confidence model: trained on the FAQ alone, deterministic, picklable, calibrated, and
what the decision makes of its probabilities."""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pytest

from faq.confidence import Assessment, ConfidenceModel, train, train_cached
from faq.decision import (
    ProbabilityThresholds,
    Thresholds,
    choose_thresholds,
    decide_calibrated,
)
from faq.features import fit_vectorizer
from faq.loader import load_tree
from faq.matcher import Match, Matcher
from faq.models import FaqTree
from faq.normalise import normalise

pytestmark = pytest.mark.bundled


@pytest.fixture(scope="module")
def bundled() -> FaqTree:
    return load_tree()


@pytest.fixture(scope="module")
def small(bundled: FaqTree) -> FaqTree:
    """A third of the bundled entries in three languages: quick to train."""
    keep = list(bundled.entries)[::3]
    entries = {
        k: replace(
            bundled.entries[k],
            translations={
                lang: tr
                for lang, tr in bundled.entries[k].translations.items()
                if lang in ("en", "nl", "de")
            },
        )
        for k in keep
    }
    return replace(bundled, entries=entries)


@pytest.fixture(scope="module")
def model(bundled: FaqTree) -> ConfidenceModel:
    trained = train_cached(bundled)
    assert trained is not None
    return trained


def test_training_is_deterministic_and_the_model_pickles(small):
    first, second = train(small), train(small)
    assert first is not None
    assert second is not None
    assert first.thresholds == second.thresholds
    assert first.report.reliability == second.report.reliability
    restored = pickle.loads(pickle.dumps(first))
    matcher = Matcher(small)
    for question in ("how much does a room cost", "eduroam does not work", "weather tomorrow"):
        matches = matcher.match(question, limit=3)
        assert restored.assess(question, matches, matcher) == first.assess(
            question, matches, matcher
        )


def test_a_tree_too_small_to_learn_from_gives_no_model(minimal_tree):
    assert train(minimal_tree.load()) is None


def test_the_model_is_calibrated_on_held_out_variants(model):
    """Reliability check: in every well-filled probability bin, the share of held-out
    questions whose best entry was right is close to the mean probability predicted."""
    report = model.report
    assert report.queries > 1000
    assert report.negatives > 100
    for (low, high, mean, n), observed in zip(report.reliability, report.observed, strict=True):
        if n >= 50:
            assert low <= mean <= high
            assert abs(observed - mean) < 0.15, (low, high, mean, observed)


def test_thresholds_come_from_cross_validation_within_the_targets(model):
    assert 0.0 < model.thresholds.clarify <= model.thresholds.answer < 1.0
    assert model.report.cv["wrong_answer"] <= 1.0
    assert model.report.cv["out_of_scope_answered"] <= 3.0


def test_choose_thresholds_keeps_held_out_wrong_answers_under_the_target():
    rng = np.random.default_rng(0)
    outcomes = []
    for i in range(1000):
        right = i % 5 != 0  # one in five ranked wrong ...
        p = float(rng.uniform(0.6, 1.0) if right else rng.uniform(0.0, 0.8))  # ... with lower p
        outcomes.append(("a", "a" if right else "b", ("a", "b"), p, False))
    outcomes += [(None, "a", ("a",), float(rng.uniform(0.0, 0.7)), False) for _ in range(100)]
    chosen, figures = choose_thresholds(outcomes)
    assert figures["wrong_answer"] <= 1.0
    assert chosen.answer >= 0.7  # the lowest threshold above (nearly) all wrong answers
    assert chosen.answer < 0.8
    assert figures["out_of_scope_answered"] == 0.0


def _match(entry: str, score: float) -> Match:
    return Match(entry, score, "en", "?")


@pytest.mark.parametrize(
    ("probability", "group", "kind"),
    [
        (0.95, None, "answer"),
        (0.95, "tuition", "answer"),  # a confident match wins over the text classifier
        (0.5, None, "clarify"),
        (0.5, "tuition", "unanswered"),
        (0.05, None, "unanswered"),
    ],
)
def test_decide_calibrated(probability, group, kind):
    matches = [_match("housing-costs", 60.0), _match("housing-find-room", 50.0)]
    decision = decide_calibrated(
        matches, Assessment(probability, group), ProbabilityThresholds(0.9, 0.2), Thresholds()
    )
    assert decision.kind == kind
    if kind == "answer":
        assert decision.entry == "housing-costs"
    if kind == "clarify":
        assert decision.suggestions == ("housing-costs", "housing-find-room")
    if kind == "unanswered":
        assert decision.out_of_scope == group


def test_probability_overrides_in_thresholds_win():
    matches = [_match("housing-costs", 60.0)]
    decision = decide_calibrated(
        matches,
        Assessment(0.5, None),
        ProbabilityThresholds(0.9, 0.2),
        Thresholds(p_answer=0.4),
    )
    assert decision.kind == "answer"


@pytest.mark.parametrize(
    "text",
    ["How much is a room?", "eduroam", "找房", "a", "I", "x y z", "", "Ünïcode  spaces\tand CAPS"],
)
def test_the_hand_made_transform_gives_sklearns_scores(model, bundled, text):
    """The scores of one text equal those of the sklearn vectoriser's row (the same
    vectoriser, fitted again on the same texts: fitting is deterministic)."""
    text_model = model.text
    assert text_model is not None
    texts = [
        q for e in bundled.entries.values() for t in e.translations.values() for q in t.questions
    ]
    texts += [q for g in bundled.out_of_scope for qs in g.questions.values() for q in qs]
    vectorizer = fit_vectorizer(texts)
    assert vectorizer.vocabulary_ == text_model.vectorizer.vocabulary
    fast = text_model.scores(text)
    reference = text_model.many_scores(vectorizer.transform([normalise(text)]))[0]
    assert fast.keys() == reference.keys()
    assert all(abs(fast[k] - reference[k]) < 1e-5 for k in fast)
