"""The matcher on a small tree written by the test (see ``matcher_tree`` in conftest.py).

Assertions are about ranking and the decision with the default thresholds, not about exact
scores, so they hold while the weights are tuned but fail when matching really breaks.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from faq.decision import Decision, Thresholds, decide
from faq.matcher import Matcher
from faq.models import Entry, FaqTree, SafetyRules, Translation


def top(matcher: Matcher, text: str) -> str | None:
    matches = matcher.match(text)
    return matches[0].entry if matches else None


def answered(matcher: Matcher, text: str) -> Decision:
    return decide(matcher.match(text), Thresholds())


# --------------------------------------------------------------------------- exact
def test_every_exact_variant_wins_for_its_own_entry(tree, matcher):
    checked = 0
    for entry in tree.entries.values():
        for lang, translation in entry.translations.items():
            for question in translation.questions:
                matches = matcher.match(question)
                assert matches[0].entry == entry.id, (lang, question, matches[:2])
                assert matches[0].language == lang
                assert len(matches) == 1 or matches[0].score > matches[1].score, matches[:2]
                checked += 1
    assert checked >= 15


def test_exact_variant_is_answered_and_reports_the_variant(matcher):
    matches = matcher.match("Wo hole ich meine Aufenthaltserlaubnis ab?")
    assert matches[0].entry == "lic-residence-permit"
    assert matches[0].variant == "Wo hole ich meine Aufenthaltserlaubnis ab?"
    assert matches[0].language == "de"
    assert 0 < matches[0].score <= 100
    assert answered(matcher, "Wo hole ich meine Aufenthaltserlaubnis ab?") == Decision(
        "answer", entry="lic-residence-permit"
    )


def test_match_lists_each_entry_once_best_first(matcher):
    matches = matcher.match("how do I find a room or register at the municipality")
    entries = [m.entry for m in matches]
    assert len(entries) == len(set(entries))
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert {"housing-find-room", "lic-registration"} <= set(entries[:2])
    assert (
        matcher.match("how do I find a room", limit=1) == matcher.match("how do I find a room")[:1]
    )


def test_nothing_to_match(matcher):
    assert matcher.match("") == []
    assert matcher.match("?!…") == []


# --------------------------------------------------------------------------- typos
@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("registraton", "lic-registration"),
        ("eduraom", "eduroam-connect"),
        ("I need to regsiter at the muncipality", "lic-registration"),
        ("how can i see a studnet psycholgist", "welfare-psychologist"),
        ("Wo hole ich meine Aufenthaltserlaubniss ab", "lic-residence-permit"),
        ("hoe vindt ik een kammer in leiden", "housing-find-room"),
    ],
)
def test_typos(matcher, question, entry):
    assert answered(matcher, question) == Decision("answer", entry=entry)


def test_short_words_are_not_corrected_into_something_else(matcher):
    # "bsm" is one letter from "bsn", but three-letter words are too ambiguous to correct
    assert all(m.entry != "lic-registration" or m.score < 28 for m in matcher.match("bsm"))


# --------------------------------------------------------------------------- order, accents
def test_word_order_does_not_matter(matcher):
    plain = matcher.match("how do i register at the municipality")
    shuffled = matcher.match("the municipality at register I do how")
    assert plain[0].entry == shuffled[0].entry == "lic-registration"
    assert answered(matcher, "municipality register how do i") == Decision(
        "answer", entry="lic-registration"
    )


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Comment m'inscrire a la mairie", "lic-registration"),  # variant has à
        ("como pido cita con un psicologo de estudiantes", "welfare-psychologist"),  # ó
        ("COMMENT M’INSCRIRE À LA MAIRIE", "lic-registration"),  # curly apostrophe, caps
        ("Wie finde ich ein Zimmer in Leiden", "housing-find-room"),
        ("wie finde ich ein zimmer in leidén", "housing-find-room"),  # accent the variant lacks
    ],
)
def test_accents_and_case_do_not_matter(matcher, question, entry):
    assert answered(matcher, question) == Decision("answer", entry=entry)


# --------------------------------------------------------------------------- long messages
CHATTY = (
    "Hi there, I just arrived last week from Brazil and everything is new and a bit "
    "overwhelming, my flight was long and I am still jetlagged, but anyway: how do I register "
    "at the municipality? Thanks a lot in advance for your help!"
)


def offered_first(matcher: Matcher, text: str, entry: str) -> None:
    """``entry`` is the best match, clearly ahead, and the decision answers it or offers it
    first: the chatter around the question did not drown it."""
    matches = matcher.match(text)
    assert matches[0].entry == entry, matches[:3]
    second = matches[1].score if len(matches) > 1 else 0.0
    assert matches[0].score - second >= Thresholds().margin, matches[:3]
    decision = answered(matcher, text)
    assert decision.kind in ("answer", "clarify"), decision
    assert (decision.entry or decision.suggestions[0]) == entry


def test_short_question_inside_a_long_chatty_message(matcher):
    offered_first(matcher, CHATTY, "lic-registration")


def test_short_question_inside_a_shorter_chatty_message_is_answered(matcher):
    text = "hello! how do I register at the municipality? thanks"
    assert answered(matcher, text) == Decision("answer", entry="lic-registration")


def test_long_message_without_a_question_we_know(matcher):
    text = (
        "Yesterday my grandmother baked an enormous chocolate cake, we watched a football "
        "match and talked about politics until midnight"
    )
    assert answered(matcher, text).kind == "unanswered"


# --------------------------------------------------------------------------- Chinese
@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("在莱顿怎么找房间", "housing-find-room"),
        ("你好，请问在莱顿怎么找房间", "housing-find-room"),
        ("eduroam连不上", "eduroam-connect"),
        ("我的eduroam连不上怎么办啊", "eduroam-connect"),
    ],
)
def test_chinese_without_spaces(matcher, question, entry):
    assert answered(matcher, question) == Decision("answer", entry=entry)


def test_chinese_chatty_message(matcher):
    offered_first(matcher, "我刚到莱顿，想问一下怎么找房间", "housing-find-room")


# --------------------------------------------------------------------------- mixed languages
@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("hoe kan ik connect to eduroam", "eduroam-connect"),
        ("ich brauche hulp met mijn Aufenthaltserlaubnis", "lic-residence-permit"),
        ("where is the mairie to m'inscrire", "lic-registration"),
    ],
)
def test_mixed_language_message(matcher, question, entry):
    assert top(matcher, question) == entry
    assert decide(matcher.match(question), Thresholds()).kind in ("answer", "clarify")


# --------------------------------------------------------------------------- synonyms
@pytest.mark.parametrize(
    "question",
    [
        "Krijg ik mijn waarborgsom terug?",
        "Bekomme ich meine Kaution zurück?",
        "押金能退吗",
        "la fianza",
    ],
)
def test_synonym_group_bridges_words_no_variant_has(matcher_tree, question):
    # no variant of any entry contains "waarborgsom", "Kaution", "押金" or "fianza"
    with_group = Matcher(matcher_tree.load())
    matches = with_group.match(question)
    assert matches[0].entry == "housing-deposit", matches[:2]
    assert decide(matches, Thresholds()).kind in ("answer", "clarify")

    matcher_tree.synonyms({"wifi": ["wifi", "wlan"]})  # the deposit group removed
    without = Matcher(matcher_tree.load())
    assert "housing-deposit" not in [m.entry for m in without.match(question)]


def test_synonym_phrases_and_chinese_terms(matcher):
    assert top(matcher, "wlan") == "eduroam-connect"
    assert top(matcher, "无线网") == "eduroam-connect"


# --------------------------------------------------------------------------- unknown words
def test_unknown_words_lower_the_score(matcher):
    plain = matcher.match("how do i register at the municipality")[0]
    noisy = matcher.match("how do i register at the municipality xylophone quokka zeppelin")[0]
    assert plain.entry == noisy.entry == "lic-registration"
    assert noisy.score < plain.score


def test_out_of_scope_question_is_not_answered(matcher):
    for question in ["what is the capital of peru", "wie laat is het", "recommend a good pizza"]:
        assert answered(matcher, question).kind == "unanswered", question


# --------------------------------------------------------------------------- the index
# ``Matcher.match(text, exhaustive=True)`` scores every variant one by one, without the
# index: the reference. The index (``match(text)``) and the pruned top-k search
# (``match(text, limit=k)``) must give the same entries with the same scores, in order.


def assert_same_as_full_scan(matcher: Matcher, questions: list[str]) -> None:
    differ = []
    for question in questions:
        full = matcher.match(question, exhaustive=True)
        if matcher.match(question) != full or matcher.match(question, limit=3) != full[:3]:
            differ.append(question)
    assert differ == [], f"{len(differ)}/{len(questions)} differ, e.g. {differ[:3]}"


def test_index_equals_full_scan_on_the_test_tree(tree, matcher):
    questions = [
        q for e in tree.entries.values() for t in e.translations.values() for q in t.questions
    ]
    questions += [
        CHATTY,
        "registraton",
        "押金能退吗",
        "hoe kan ik connect to eduroam",
        "how do i",
        "the",
        "qwertz",
    ]
    assert_same_as_full_scan(matcher, questions)


COMMON = ["how", "do", "i", "the", "a", "my", "can", "where", "what", "is", "to", "in"]


def generated_tree(entries: int, seed: int) -> tuple[FaqTree, list[str]]:
    """A large FAQ of made-up words: every variant has a few everyday words ("how", "the",
    ...) and one to three words of its own entry, as real question variants do."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ter", "van", "sch", "ee", "ro", "du", "ng", "ber", "st"]
    vocabulary = sorted(
        {"".join(rng.choice(syllables) for _ in range(rng.randint(3, 4))) for _ in range(3000)}
    )
    out: dict[str, Entry] = {}
    questions: list[str] = []
    for n in range(entries):
        own = rng.sample(vocabulary, 4)
        variants = []
        for _ in range(3):
            words = rng.sample(COMMON, rng.randint(1, 4)) + rng.sample(own, rng.randint(1, 3))
            rng.shuffle(words)
            variants.append(" ".join(words))
        out[f"e{n}"] = Entry(
            f"e{n}", "general", date(2026, 1, 1), (), (), {"en": Translation(tuple(variants), "a")}
        )
        # a question: part of a variant, plus everyday words, sometimes an unknown word
        words = rng.choice(variants).split()
        words = rng.sample(words, rng.randint(1, len(words))) + rng.choices(
            COMMON, k=rng.randint(0, 4)
        )
        if rng.random() < 0.3:
            words.append(rng.choice(vocabulary))
        questions.append(" ".join(words))
    tree = FaqTree(Path("generated"), out, SafetyRules("e0", {"en": ("x",)}))
    return tree, questions


def test_index_never_misses_what_a_full_scan_finds_on_a_large_tree():
    # 300 entries: "how", "the", "i" ... are in hundreds of variants, so the pruned search
    # skips their posting lists whenever it can prove they cannot change the top
    tree, questions = generated_tree(300, seed=1)
    assert_same_as_full_scan(Matcher(tree), questions)
