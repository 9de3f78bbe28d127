"""The learned crisis model: trained at load time from the YAML corpus, deterministic,
picklable (for the load cache), and used by the detector for the check-in tier."""

from __future__ import annotations

import pickle
from collections import Counter

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


def test_negatives_of_a_large_faq_are_a_fixed_sample_per_language():
    from faq.loader import load_tree
    from faq.models import LANGUAGES
    from faq.safety.detector import MAX_VARIANTS_PER_LANGUAGE, negatives

    tree = load_tree()
    every = negatives(tree, per_language=10**9)
    # the bundled FAQ is under the cap: the model learns from all its variants
    assert negatives(tree) == every
    assert max(Counter(lang for lang, _ in every).values()) <= MAX_VARIANTS_PER_LANGUAGE
    sample = negatives(tree, per_language=50)
    assert sample == negatives(tree, per_language=50)  # the same sample every time
    smalltalk = {
        (lang, p) for kind in tree.smalltalk for lang, ps in kind.patterns.items() for p in ps
    }
    variants = [n for n in sample if n not in smalltalk]
    assert Counter(lang for lang, _ in variants) == {lang: 50 for lang in LANGUAGES}
    position = {n: i for i, n in enumerate(every)}
    assert [position[n] for n in sample] == sorted(position[n] for n in sample)  # FAQ order
