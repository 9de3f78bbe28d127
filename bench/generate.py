"""Large made-up FAQs and perturbed questions, for the matcher benchmark and its tests.

A generated FAQ should load the matcher the way a real large FAQ would, so it is built from
the bundled FAQ rather than from random letters. Entries come in made-up topics of
about ten entries; a topic takes after one bundled entry, with most of its subject words
("eduroam", "huurtoeslag") standing for made-up words or for subject words of other
entries. An entry's question variants are its topic's questions in the same language with
one or two subject words swapped for the entry's own made-up names and terms (as "DUWO",
"Kamernet" are), and its keywords mix the topic's keywords with them. So everyday words
("how", "de", "的") have posting lists as long as the FAQ, a subject word is in a few
entries or a few hundred, and the vocabulary grows with the FAQ as a real one would.

Everything is deterministic for a given seed. Importable without the benchmark
(``tests/faq/test_matcher_index.py`` uses it): put this directory on ``sys.path``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from faq.commonness import zipf
from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.models import CATEGORIES, LANGUAGES, Entry, FaqTree, Translation
from faq.normalise import has_cjk, is_cjk, normalise

#: Question variants and keywords per language of a generated entry.
QUESTIONS_PER_LANGUAGE = 6
KEYWORDS_PER_LANGUAGE = 4
#: A bundled word at least this common (Zipf) is kept in templates, not swapped for topic.
CONTENT_ZIPF = 4.5
#: Entries per made-up topic: a city-wide FAQ has a handful of entries on each subject.
ENTRIES_PER_TOPIC = 10
#: Shares of a topic's subject words that stand in for the bundled ones: made-up words, and
#: subject words of other bundled entries (the rest keep the bundled word).
MADE_UP_SHARE = 0.6
BORROWED_SHARE = 0.2

_SYLLABLES = (  # noqa: SIM905
    "ka ro mi ve lan tor bre sch ul dam ost ing ber zi no pa fle ver ha mu dor ek wi gra "
    "stu li ne ta bo ri zel gen ark vol"
).split()
_LATIN_WORD = re.compile(r"^(\W*)(.*?)(\W*)$")

#: Openers people type before the real question.
CHATTY: dict[str, tuple[str, ...]] = {
    "en": ("hi there, quick question:", "hello! sorry to bother you but", "hey, I was wondering"),
    "nl": ("hoi, even een vraag:", "hallo! sorry dat ik stoor maar", "goedemiddag, ik vroeg me af"),
    "de": (
        "hallo, kurze Frage:",
        "hi! sorry für die Störung, aber",
        "guten Tag, ich wollte fragen",
    ),
    "es": ("hola, una pregunta rápida:", "buenas! perdona la molestia pero", "hola, quería saber"),
    "fr": (
        "salut, petite question :",
        "bonjour ! désolé de déranger mais",
        "bonsoir, je me demandais",
    ),
    "it": ("ciao, domanda veloce:", "salve! scusate il disturbo ma", "buongiorno, volevo chiedere"),
    "zh": ("你好，请问一下，", "打扰一下，", "您好，我想问"),
}

#: Questions no FAQ about student life answers.
OUT_OF_SCOPE: dict[str, tuple[str, ...]] = {
    "en": (
        "what is the capital of peru",
        "who won the football match yesterday",
        "can you recommend a good pizza place near the station",
        "how many moons does jupiter have",
    ),
    "nl": (
        "wat is de hoofdstad van peru",
        "wie heeft de voetbalwedstrijd gisteren gewonnen",
        "weet je een goede pizzeria bij het station",
        "hoeveel manen heeft jupiter",
    ),
    "de": (
        "was ist die Hauptstadt von Peru",
        "wer hat gestern das Fußballspiel gewonnen",
        "kennst du eine gute Pizzeria am Bahnhof",
        "wie viele Monde hat Jupiter",
    ),
    "es": (
        "cuál es la capital de perú",
        "quién ganó el partido de fútbol ayer",
        "me recomiendas una buena pizzería cerca de la estación",
        "cuántas lunas tiene júpiter",
    ),
    "fr": (
        "quelle est la capitale du pérou",
        "qui a gagné le match de foot hier",
        "tu connais une bonne pizzeria près de la gare",
        "combien de lunes a jupiter",
    ),
    "it": (
        "qual è la capitale del perù",
        "chi ha vinto la partita di calcio ieri",
        "mi consigli una buona pizzeria vicino alla stazione",
        "quante lune ha giove",
    ),
    "zh": (
        "秘鲁的首都是哪里",
        "昨天的足球比赛谁赢了",
        "车站附近有好吃的披萨店吗",
        "木星有几颗卫星",
    ),
}


@dataclass(frozen=True, slots=True)
class Question:
    """A benchmark question: its text, language, and the entry it was made from (``None``
    for an out-of-scope question)."""

    text: str
    language: str
    entry: str | None


@dataclass
class _Material:
    """What one language of the bundled FAQ offers to recombine."""

    questions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)  # subject words ("huurtoeslag", "kamer")
    chars: list[str] = field(default_factory=list)  # Chinese characters


def _material(base: FaqTree) -> dict[str, _Material]:
    material = {lang: _Material() for lang in LANGUAGES}
    content: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    chars: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for entry in base.entries.values():
        for lang, translation in entry.translations.items():
            material[lang].questions.extend(translation.questions)
            material[lang].keywords.extend(translation.keywords)
            for text in (*translation.questions, *translation.keywords):
                chars[lang].update(c for c in text if is_cjk(c))
                for raw in text.split():
                    word = _LATIN_WORD.match(raw)
                    core = word.group(2) if word else raw
                    if (
                        len(core) >= 4
                        and not has_cjk(core)
                        and zipf(normalise(core)) < CONTENT_ZIPF
                    ):
                        content[lang].add(core)
    for lang in LANGUAGES:
        material[lang].content = sorted(content[lang])
        material[lang].chars = sorted(chars[lang])
    return material


def _made_up(rng: random.Random, syllables: tuple[int, int] = (2, 4)) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(*syllables)))


def _is_subject(word: str) -> bool:
    """A word that says what a question is about (not "how", "the", "de")."""
    return len(word) >= 4 and zipf(normalise(word)) < CONTENT_ZIPF


@dataclass
class _Topic:
    """A made-up subject: a bundled entry whose subject words stand for other ones."""

    source: Entry
    words: dict[str, dict[str, str]] = field(default_factory=dict)  # language → word → stand-in
    chars: str = ""  # its Chinese term

    def stand_in(self, word: str, lang: str, own: _Material, rng: random.Random) -> str:
        words = self.words.setdefault(lang, {})
        if word not in words:
            draw = rng.random()
            if draw < MADE_UP_SHARE:
                made = _made_up(rng, (2, 4))
                words[word] = made.capitalize() if word[:1].isupper() else made
            elif draw < MADE_UP_SHARE + BORROWED_SHARE:
                words[word] = rng.choice(own.content)
            else:
                words[word] = word
        return words[word]

    def rewrite(self, text: str, lang: str, own: _Material, rng: random.Random) -> str:
        """``text`` with its subject words replaced by this topic's stand-ins."""
        if lang == "zh":
            return _swap_chars(text, [self.chars], rng)
        out = []
        for raw in text.split():
            match = _LATIN_WORD.match(raw)
            if match and _is_subject(match.group(2)):
                raw = (
                    match.group(1) + self.stand_in(match.group(2), lang, own, rng) + match.group(3)
                )
            out.append(raw)
        return " ".join(out)


def _swap_words(template: str, topic: list[str], rng: random.Random) -> str:
    """``template`` with one or two of its subject words replaced by topic words (or a topic
    word added when it has none)."""
    words = template.split()
    slots = []
    for i, raw in enumerate(words):
        match = _LATIN_WORD.match(raw)
        if _is_subject(match.group(2) if match else raw):
            slots.append(i)
    if not slots:
        return f"{template} {rng.choice(topic)}"
    for i in rng.sample(slots, min(len(slots), rng.randint(1, 2))):
        match = _LATIN_WORD.match(words[i])
        before, after = (match.group(1), match.group(3)) if match else ("", "")
        words[i] = before + rng.choice(topic) + after
    return " ".join(words)


def _swap_chars(template: str, topic: list[str], rng: random.Random) -> str:
    """A Chinese ``template`` with a two-character span replaced by a topic term."""
    spans = [i for i in range(len(template) - 1) if is_cjk(template[i]) and is_cjk(template[i + 1])]
    if not spans:
        return template + rng.choice(topic)
    i = rng.choice(spans)
    return template[:i] + rng.choice(topic) + template[i + 2 :]


def _entry(
    number: int, topic: _Topic, material: dict[str, _Material], rng: random.Random
) -> tuple[str, Entry]:
    entry_id = f"gen-{number:05d}"
    # names shared by all languages ("Kamernet", "DUWO") and a term of the entry's own in
    # each language, on top of its topic's words
    names = [_made_up(rng).capitalize() for _ in range(rng.randint(1, 2))]
    shared_term = _made_up(rng, (3, 4))
    source = topic.source
    translations: dict[str, Translation] = {}
    for lang in LANGUAGES:
        own = material[lang]
        model = (
            source.translations.get(lang) or source.translations[next(iter(source.translations))]
        )
        templates = [topic.rewrite(q, lang, own, rng) for q in model.questions]
        templates.append(rng.choice(own.questions))  # now and then a question of another topic
        known = [topic.rewrite(k, lang, own, rng) for k in model.keywords] or own.keywords
        if lang == "zh":
            term = "".join(rng.sample(own.chars, rng.randint(2, 3)))
            questions = [
                _swap_chars(rng.choice(templates), [term, term, *names], rng)
                for _ in range(QUESTIONS_PER_LANGUAGE)
            ]
            keywords = [term, names[0], rng.choice(known), topic.chars + term]
        else:
            term = shared_term if rng.random() < 0.4 else _made_up(rng, (3, 4))
            questions = [
                _swap_words(rng.choice(templates), [term, term, *names], rng)
                for _ in range(QUESTIONS_PER_LANGUAGE)
            ]
            subject = topic.stand_in(rng.choice(own.content), lang, own, rng)
            keywords = [term, names[0], rng.choice(known), f"{subject} {term}"]
        translations[lang] = Translation(
            questions=tuple(dict.fromkeys(questions)),
            answer=f"Answer to {entry_id} ({lang}).",
            keywords=tuple(dict.fromkeys(keywords[:KEYWORDS_PER_LANGUAGE])),
        )
    entry = Entry(
        id=entry_id,
        category=rng.choice(CATEGORIES),
        reviewed=date(2026, 1, 1),
        sources=(),
        related=(),
        translations=translations,
    )
    return entry_id, entry


def generated_tree(entries: int, *, seed: int = 0, base: FaqTree | None = None) -> FaqTree:
    """An FAQ of ``entries`` made-up entries in all seven languages, recombined from
    ``base`` (default: the bundled FAQ), whose safety rules, smalltalk and synonyms it
    keeps."""
    base = base or load_tree(BUNDLED_FAQ_DIR)
    material = _material(base)
    sources = list(base.entries.values())
    rng = random.Random(seed)
    topics = [
        _Topic(rng.choice(sources), chars="".join(rng.sample(material["zh"].chars, 2)))
        for _ in range(max(1, entries // ENTRIES_PER_TOPIC))
    ]
    made = dict(_entry(n, rng.choice(topics), material, rng) for n in range(entries))
    return FaqTree(
        root=Path(f"generated-{entries}-{seed}"),
        entries=made,
        safety=base.safety,
        smalltalk=base.smalltalk,
        synonyms=base.synonyms,
    )


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swapped letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # a letter missing
        return word[:i] + word[i + 1 :]
    if kind == 2:  # a letter doubled
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + rng.choice("aeinorst") + word[i + 1 :]  # a wrong letter


def perturb(text: str, language: str, rng: random.Random) -> str:
    """``text`` as a user might type it: typos, a word left out, words in another order,
    a chatty opener; one to three of these."""
    kinds = rng.sample(("typo", "drop", "order", "chatty"), rng.randint(1, 3))
    if language == "zh":
        chars = list(text)
        if "typo" in kinds and len(chars) > 3:
            i = rng.randrange(len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        if "drop" in kinds and len(chars) > 4:
            del chars[rng.randrange(len(chars))]
        out = "".join(chars)
        return rng.choice(CHATTY["zh"]) + out if "chatty" in kinds else out
    words = text.split()
    if "typo" in kinds:
        long = [i for i, w in enumerate(words) if len(w) >= 5]
        for i in rng.sample(long, min(len(long), rng.randint(1, 2))):
            words[i] = _typo(words[i], rng)
    if "drop" in kinds and len(words) >= 4:
        del words[rng.randrange(len(words))]
    if "order" in kinds and len(words) >= 3:
        i, j = rng.sample(range(len(words)), 2)
        words[i], words[j] = words[j], words[i]
    if "chatty" in kinds:
        words.insert(0, rng.choice(CHATTY[language]))
    return " ".join(words)


def perturbed_questions(
    tree: FaqTree, count: int, *, seed: int = 0, out_of_scope: float = 0.1
) -> list[Question]:
    """``count`` questions: perturbed variants of random entries of ``tree``, and a share
    of out-of-scope questions (themselves perturbed now and then)."""
    rng = random.Random(seed)
    entries = list(tree.entries.values())
    out: list[Question] = []
    while len(out) < count:
        if rng.random() < out_of_scope:
            lang = rng.choice(LANGUAGES)
            text = rng.choice(OUT_OF_SCOPE[lang])
            if rng.random() < 0.5:
                text = perturb(text, lang, rng)
            out.append(Question(text, lang, None))
            continue
        entry = rng.choice(entries)
        lang = rng.choice(list(entry.translations))
        text = rng.choice(entry.translations[lang].questions)
        out.append(Question(perturb(text, lang, rng), lang, entry.id))
    return out
