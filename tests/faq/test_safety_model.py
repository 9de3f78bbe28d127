"""The learned crisis model: trained at load time from the YAML corpus, deterministic,
picklable (for the load cache), and used by the detector for the check-in tier."""

from __future__ import annotations

import pickle

from faq.models import CrisisCorpus
from faq.safety.model import NONE, examples, fit, train

CORPUS = [
    CrisisCorpus(
        "en",
        crisis={
            "self-harm": (
                "i keep cutting my arms at night",
                "cut my skin again, can't stop",
                "the urge to cut is so strong",
            ),
            "overdose": (
                "swallowed a whole strip of tablets",
                "took way too many sleeping tablets",
                "downed the entire pack of pills",
            ),
        },
        risk=("everything is grey and heavy", "i feel so empty lately"),
        lookalikes={"accident": ("cut my thumb slicing bread", "took my vitamins this morning")},
    )
]
NEGATIVES = [("en", "where do i find a room"), ("en", "how do i connect to eduroam")]


def test_examples_label_every_part():
    data = examples(CORPUS, NEGATIVES)
    labels = [e.label for e in data]
    assert labels.count("self-harm") == 3
    assert labels.count("overdose") == 3
    assert labels.count("risk") == 2
    assert labels.count(NONE) == 4
    lookalike = next(e for e in data if e.text == "cut my thumb slicing bread")
    plain = next(e for e in data if e.text == "where do i find a room")
    assert lookalike.weight > plain.weight  # look-alikes teach the boundary


def test_training_is_deterministic_and_picklable():
    data = examples(CORPUS, NEGATIVES)
    a, b = fit(data), fit(data)
    message = "i cut my arms again tonight"
    assert a.predict(message) == b.predict(message)
    restored = pickle.loads(pickle.dumps(a))
    assert restored.predict(message) == a.predict(message)


def test_the_model_separates_categories():
    model = fit(examples(CORPUS, NEGATIVES))
    assert model.predict("cutting my arms again").category == "self-harm"
    assert model.predict("took too many tablets").category == "overdose"
    assert model.predict("how do i connect to eduroam").crisis < 0.5


def test_no_corpus_no_model():
    assert train(examples([], NEGATIVES)) is None


def test_train_memoises_the_same_data():
    data = examples(CORPUS, NEGATIVES)
    assert train(data) is train(list(data))
