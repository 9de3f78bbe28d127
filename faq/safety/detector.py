"""The safety decision: crisis (certain), check-in (a risk signal without certainty) or
nothing, with the crisis category and the language whose rules or model fired.

Order of evidence, strongest first:

1. a grammar rule of a crisis category (``safety/grammar/<lang>.yaml``) -> crisis;
2. a staff trigger phrase (``safety.yaml``) -> crisis;
3. the learned model, when it is confident -> crisis;
4. a risk rule of the grammar -> check-in;
5. the learned model, when it sees some risk -> check-in.

Talk *about* a topic (a thesis on suicide prevention, a film, a hotline number) silences the
rules that only name the topic (``{topic}``) and the model, never a first-person rule.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from faq.models import LANGUAGES, FaqTree
from faq.normalise import has_cjk, normalise, tokens
from faq.safety.grammar import INNOCENT_MARK, Grammar, Rule
from faq.safety.model import SEED, CrisisModel, Example, Prediction, examples, train
from faq.safety.phrases import SafetyCheck

Tier = Literal["crisis", "checkin", "none"]

#: Model probability of a crisis category from which the model alone answers with the crisis
#: reply, and from which (crisis + risk) it asks the check-in question. Tuned by
#: cross-validation (bench/safety_cv.py, docs/safety.md).
MODEL_CRISIS = 0.90
MODEL_CHECKIN = 0.70
#: Fewest words (Chinese: character pairs) on which the model is asked at all.
MODEL_MIN_TOKENS = 3
#: Category when only a trigger phrase fired and the model has no view.
DEFAULT_CATEGORY = "direct-ideation"
#: FAQ question variants per language the model learns from as ordinary questions. The
#: bundled FAQ has some 700 a language and uses all; a 10,000-entry FAQ has 60,000, which
#: made training take minutes and gigabytes (and the cached model's vocabulary, read on
#: every start, grow) for negatives that look alike: a seeded sample is used instead.
MAX_VARIANTS_PER_LANGUAGE = 2000


@dataclass(frozen=True, slots=True)
class Assessment:
    """The safety layer's view of one message."""

    tier: Tier
    category: str | None = None
    language: str | None = None  # the language whose rules fired (None: the model or phrases)
    reason: str = ""  # the rule, phrase or "model 0.93" that decided, for eval and logs

    @property
    def model_only(self) -> bool:
        """Only the learned model saw a risk (no rule, no phrase)."""
        return self.reason.startswith("model")


def negatives(
    tree: FaqTree, *, per_language: int = MAX_VARIANTS_PER_LANGUAGE
) -> list[tuple[str, str]]:
    """Texts that are not crisis messages: the FAQ's question variants (at most
    ``per_language`` of each language, a seeded sample of a large FAQ) and smalltalk."""
    out: list[tuple[str, str]] = []
    for entry in tree.entries.values():
        for lang, translation in entry.translations.items():
            out.extend((lang, q) for q in translation.questions)
    counts = Counter(lang for lang, _ in out)
    # the same sample every time (the cache and the tests rely on it), in FAQ order
    kept = {
        lang: set(random.Random(f"{SEED}:{lang}").sample(range(count), per_language))
        for lang, count in counts.items()
        if count > per_language
    }
    if kept:
        seen: Counter[str] = Counter()
        sampled = []
        for lang, text in out:
            if lang not in kept or seen[lang] in kept[lang]:
                sampled.append((lang, text))
            seen[lang] += 1
        out = sampled
    for kind in tree.smalltalk:
        for lang, patterns in kind.patterns.items():
            out.extend((lang, p) for p in patterns)
    return out


def as_model_sees(tree: FaqTree, data: Sequence[Example]) -> list[Example]:
    """``data`` with every text as :meth:`CrisisDetector.assess` shows it to the model: what
    the ``innocent`` rules match blanked out. Training on that form teaches the model what
    is left of a look-alike ("je me suis | a velo") is nothing, the same form it is asked on."""
    grammars = [Grammar(g) for g in tree.safety_content.grammars.values() if g.innocent]
    if not grammars:
        return list(data)

    def clean(text: str) -> str:
        for grammar in grammars:
            text = grammar.without_innocent(text)
        return text

    return [replace(e, text=clean(e.text)) for e in data]


def build_model(tree: FaqTree) -> CrisisModel | None:
    """Train the crisis model of ``tree`` (pure, seeded; None without a corpus)."""
    corpus = tree.safety_content.corpus.values()
    return train(as_model_sees(tree, examples(corpus, negatives(tree))))


class CrisisDetector:
    """Grammar + trigger phrases + model, for one FAQ tree."""

    def __init__(
        self, tree: FaqTree, *, model: CrisisModel | None = None, use_model: bool = True
    ) -> None:
        # the grammar's idioms ("das bringt mich um") also silence the staff phrases
        idioms = dict(tree.safety.not_crisis)
        for lang, grammar in tree.safety_content.grammars.items():
            idioms[lang] = (*idioms.get(lang, ()), *grammar.not_crisis)
        self.phrases = SafetyCheck(replace(tree.safety, not_crisis=idioms))
        self.grammars = {
            lang: Grammar(tree.safety_content.grammars[lang])
            for lang in LANGUAGES
            if lang in tree.safety_content.grammars
        }
        self.model = model if model is not None or not use_model else build_model(tree)

    def _grammar_hits(self, message: str) -> tuple[list[tuple[str, Rule]], bool, bool]:
        """Rules that fire, by language; whether the message talks *about* the topic; and
        whether an innocent rule matched part of it ("eduroam is killing me")."""
        hits: list[tuple[str, Rule]] = []
        about = innocent = False
        cjk = has_cjk(message)
        for lang, grammar in self.grammars.items():
            if lang == "zh" and not cjk:
                continue
            text = grammar.prepare(message)
            hits.extend((lang, rule) for rule in grammar.matches_prepared(text))
            about = about or grammar.about_topic(text)
            innocent = innocent or INNOCENT_MARK in text
        return hits, about, innocent

    def without_innocent(self, message: str) -> str:
        """``message`` (normalised) with what any language's ``innocent`` rules match blanked
        out; unchanged when none match."""
        cleaned = message
        for grammar in self.grammars.values():
            if grammar.innocent:
                cleaned = grammar.without_innocent(cleaned)
        return cleaned

    def assess(self, message: str, *, preferred_language: str | None = None) -> Assessment:
        """Decide the tier of ``message``; ``preferred_language`` breaks ties between
        languages whose rules both fired (a message mixing languages)."""
        hits, about, innocent = self._grammar_hits(message)
        certain = [
            (lang, r)
            for lang, r in hits
            if r.category != "risk" and not (about and "{topic" in r.source)
        ]
        if certain:
            langs = [lang for lang, _ in certain]
            lang = preferred_language if preferred_language in langs else langs[0]
            rule = next(r for la, r in certain if la == lang)
            return Assessment("crisis", rule.category, lang, f"rule {rule.source}")
        # the phrases and the model read the message without what innocent rules matched
        # ("eduroam is killing me", "cut my finger cooking"); the rest still counts
        cleaned = self.without_innocent(message)
        # on a word or two the model sees only its priors ("我" alone looks like a crisis);
        # where an innocent rule explained the alarming words, what is left ("i think i | on
        # the bed frame") is not the model's to judge alone: rules and phrases still are (the
        # staff's idiom phrases do not silence the model: some reach into real messages)
        enough = not innocent and len(tokens(normalise(cleaned))) >= MODEL_MIN_TOKENS
        prediction: Prediction | None = (
            self.model.predict(cleaned) if self.model and enough else None
        )
        phrase = self.phrases.trigger(cleaned)
        if phrase is not None and not about:
            category = (
                prediction.category if prediction and prediction.crisis >= 0.2 else DEFAULT_CATEGORY
            )
            return Assessment("crisis", category, None, f"phrase {phrase}")
        if prediction is not None and not about and prediction.crisis >= MODEL_CRISIS:
            return Assessment("crisis", prediction.category, None, f"model {prediction.crisis:.2f}")
        risk = [(lang, r) for lang, r in hits if r.category == "risk"]
        if risk:  # a rule, so it names the language, and it is not the model alone
            return Assessment("checkin", None, risk[0][0], f"risk {risk[0][1].source}")
        if (
            prediction is not None
            and not about
            and prediction.crisis + prediction.risk >= MODEL_CHECKIN
        ):
            return Assessment(
                "checkin",
                prediction.category,
                None,
                f"model {prediction.crisis:.2f}+{prediction.risk:.2f}",
            )
        return Assessment("none")
