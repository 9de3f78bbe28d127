"""faq/tfidf.py reproduces a fitted sklearn ``TfidfVectorizer`` on the FAQ's own texts, and
answering from a prepared FAQ never imports scikit-learn or scipy."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from faq.features import fit_vectorizer
from faq.loader import load_tree
from faq.models import FaqTree
from faq.normalise import normalise
from faq.prepared import prepare
from faq.safety.detector import negatives
from faq.safety.model import CrisisModel, _pipeline, examples
from faq.tfidf import Tfidf

pytestmark = pytest.mark.bundled

ROOT = Path(__file__).resolve().parents[2]

#: Odd inputs besides the FAQ's texts: empty, one letter, runs of white space, tabs and new
#: lines, digits and punctuation, emoji, mixed scripts.
ODD = [
    "",
    "a",
    "I",
    "x y z",
    "  two   spaces\tand\ttabs\nnew line ",
    "113 / 112!",
    "😔 help",
    "找房 room",
]


@pytest.fixture(scope="module")
def tree() -> FaqTree:
    return load_tree()


@pytest.fixture(scope="module")
def texts(tree: FaqTree) -> list[str]:
    """Every question variant, crisis corpus message and smalltalk pattern, normalised as
    the models read them (plus the odd inputs, raw)."""
    raw = [text for _, text in negatives(tree)]
    raw += [e.text for e in examples(tree.safety_content.corpus.values(), [])]
    return [normalise(t) for t in raw] + ODD


def _vectorizers(texts: list[str]) -> list[TfidfVectorizer]:
    """The project's own vectorisers (text classifier, crisis model), fitted on ``texts``."""
    crisis = _pipeline().named_steps["features"].fit(texts)
    return [fit_vectorizer(texts), *(v for _, v in crisis.transformer_list)]


def test_the_analyzers_make_sklearns_ngrams(texts):
    for vectorizer in _vectorizers(texts):
        exported, reference = Tfidf.of(vectorizer), vectorizer.build_analyzer()
        for text in texts:
            assert exported.analyze(text) == reference(text), (vectorizer.analyzer, text)


def test_transform_gives_sklearns_rows(texts):
    for vectorizer in _vectorizers(texts):
        exported = Tfidf.of(vectorizer)
        matrix = vectorizer.transform(texts).tocsr()
        for i, text in enumerate(texts):
            columns, values = exported.transform(text)
            row = matrix.getrow(i)
            order = np.argsort(columns)
            assert columns[order].tolist() == sorted(row.indices.tolist()), text
            expected = row.toarray()[0][columns[order]]
            assert np.allclose(values[order], expected, rtol=1e-6, atol=1e-7), text


def test_unknown_text_gives_an_empty_row(texts):
    exported = Tfidf.of(fit_vectorizer(texts))
    columns, values = exported.transform("ßßß")
    assert columns.size == values.size == 0


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char"},
        {"stop_words": "english"},
        {"strip_accents": "unicode"},
        {"binary": True},
        {"norm": "l1"},
        {"use_idf": False},
    ],
)
def test_settings_it_does_not_reproduce_are_refused(settings):
    vectorizer = TfidfVectorizer(**settings).fit(["a room in leiden", "eduroam at home"])
    with pytest.raises(ValueError, match="unsupported"):
        Tfidf.of(vectorizer)


def test_the_crisis_model_gives_sklearns_probabilities(tree):
    data = examples(tree.safety_content.corpus.values(), negatives(tree))
    pipeline = _pipeline().fit(
        [normalise(e.text) for e in data],
        [e.label for e in data],
        classifier__sample_weight=[e.weight for e in data],
    )
    model = CrisisModel.of(pipeline)
    for message in [*(e.text for e in data[::40]), *ODD]:
        text = normalise(message)
        expected = pipeline.predict_proba([text])[0]
        assert np.allclose(model._scores(text), expected, rtol=1e-9, atol=1e-12), message


SCRIPT = """
import pickle, sys
from bot.core.desk import Desk
faq = pickle.loads(open(sys.argv[1], "rb").read())
desk = Desk(faq.tree, prepared=faq)
for question in ("where do I register my address", "i want to end my life tonight", "hoi"):
    desk.reply(question)
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "scipy"})))
"""


def test_answering_from_a_prepared_faq_imports_neither_sklearn_nor_scipy(tree, tmp_path):
    prepared = prepare(tree)
    assert prepared.confidence is not None
    assert prepared.crisis_model is not None
    path = tmp_path / "prepared.pickle"
    path.write_bytes(pickle.dumps(prepared))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
