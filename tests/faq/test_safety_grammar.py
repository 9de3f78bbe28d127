"""The compositional crisis grammar: the mechanism on grammars the test writes, and the
bundled grammar of all seven languages on messages written for this test (not taken from the
corpus, the trigger list or the development set), without the learned model."""

from __future__ import annotations

import pytest

from faq.loader import load_tree
from faq.models import SafetyGrammar
from faq.normalise import has_cjk
from faq.safety.detector import CrisisDetector
from faq.safety.grammar import Grammar


def grammar(rules: dict[str, tuple[str, ...]], **extra: object) -> Grammar:
    parts = {
        "self": ("i", "i m"),
        "want": ("want to", "going to"),
        "verb": ("hurt*", "harm"),
    }
    return Grammar(SafetyGrammar("en", parts, rules, **extra))  # type: ignore[arg-type]


def test_parts_compose():
    g = grammar({"self-harm": ("{self} {want} {verb} myself",)})
    assert [r.category for r in g.matches("I'm going to hurt myself")] == ["self-harm"]
    assert [r.category for r in g.matches("i want to harm myself")] == ["self-harm"]
    assert g.matches("you want to hurt yourself") == []


def test_star_gap_optional_and_groups():
    g = grammar(
        {
            "self-harm": ("{self} .. {verb} myself",),
            "plan-farewell": ("pills are (on my desk|in my hand)",),
            "direct-ideation": ("{self} {want?} die",),
        }
    )
    assert g.matches("i really really hurting myself")  # gap of two words, hurt* = hurting
    assert not g.matches("i one two three four hurt myself")  # gap too long
    assert g.matches("the pills are in my hand")
    assert not g.matches("the pills are in my bag")
    assert g.matches("i die")
    assert g.matches("i want to die")


def test_idioms_are_removed_before_the_rules():
    g = grammar({"self-harm": ("hurt* me",)}, not_crisis=("is hurting me",))
    assert g.matches("he keeps hurting me")
    assert not g.matches("this deadline is hurting me")


def test_chinese_without_spaces():
    g = Grammar(SafetyGrammar("zh", {"wo": ("我",)}, {"passive-ideation": ("{wo} 不想 活",)}))
    assert g.matches("我真的不想活了")  # up to three characters in between
    assert not g.matches("i do not want to live")


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector(load_tree(), use_model=False)


# language -> (message, category) written for this test
CRISIS = {
    "en": [
        ("lately i hope i just never wake up again", "passive-ideation"),
        ("my family would honestly be happier without me", "passive-ideation"),
        ("i'm planning to kill myself this weekend", "direct-ideation"),
        ("i already said goodbye to my friends", "plan-farewell"),
        ("i cut myself again after the exam", "self-harm"),
        ("i swallowed all my sleeping pills", "overdose"),
        ("my roommate keeps talking about killing herself", "third-person"),
        ("my partner hits me when he drinks", "violence-danger"),
        ("i was raped at a party", "sexual-violence"),
        ("my housemate collapsed and is not breathing", "medical-emergency"),
    ],
    "nl": [
        ("ik heb mezelf gisteren weer gesneden", "self-harm"),
        ("ik wil er een einde aan maken", "direct-ideation"),
        ("mijn ouders zijn beter af zonder mij", "passive-ideation"),
    ],
    "de": [
        ("ich bringe mich bald um", "direct-ideation"),
        ("ich habe angst, dass ich mich heute umbringe", "direct-ideation"),
        ("ich ritze mich wieder", "self-harm"),
    ],
    "es": [
        ("me voy a matar esta noche", "direct-ideation"),
        ("otra vez me estoy haciendo daño", "self-harm"),
    ],
    "fr": [
        ("je pense à me suicider", "direct-ideation"),
        ("je me fais du mal depuis des mois", "self-harm"),
    ],
    "it": [
        ("mi voglio fare del male stasera", "self-harm"),
        ("voglio ammazzarmi", "direct-ideation"),
    ],
    "zh": [("我最近一直想自杀", "direct-ideation"), ("我又在伤害自己了", "self-harm")],
}


@pytest.mark.parametrize(
    ("lang", "message", "category"),
    [(lang, m, c) for lang, items in CRISIS.items() for m, c in items],
)
def test_crisis_by_category_and_language(detector, lang, message, category):
    found = detector.assess(message)
    assert found.tier == "crisis", found
    assert found.category == category
    assert found.language == lang


LOOKALIKES = {
    "en": [
        "this statistics exam is killing me",
        "my landlord threatens to raise the rent in january",
        "i cut my finger cooking pasta, do i need a plaster",
        "dying to see you at the party",
        "i'm a student researching suicide prevention for my thesis",
        "we watched a film about suicide in class",
        "my phone died again",
        "i won't be here tomorrow, can we move the meeting",
    ],
    "nl": ["mijn moeder vermoordt me als ik zak", "de huisbaas dreigt met een boete"],
    "de": ["das bringt mich um, diese Hitze", "der Vermieter droht mit Kündigung"],
    "es": ["este calor me mata", "el casero amenaza con subir el alquiler"],
    "fr": ["ce cours me tue", "le propriétaire menace d'augmenter le loyer"],
    "it": ["questo esame mi uccide", "il padrone di casa minaccia di aumentare l'affitto"],
    "zh": ["今天累死了", "房东威胁要涨房租"],
}


@pytest.mark.parametrize(
    ("lang", "message"), [(lang, m) for lang, ms in LOOKALIKES.items() for m in ms]
)
def test_lookalikes_do_not_alarm(detector, lang, message):
    assert detector.assess(message).tier == "none", (lang, message)


def test_risk_signal_is_a_checkin(detector):
    found = detector.assess("honestly i can't do this anymore")
    assert found.tier == "checkin"
    assert found.language == "en"


def test_mixed_languages_prefer_the_users_language(detector):
    message = "ik wil mezelf van kant maken, i want to kill myself"
    assert detector.assess(message, preferred_language="en").language == "en"
    assert detector.assess(message, preferred_language="nl").language == "nl"


def test_the_model_does_not_speak_on_a_word_or_two():
    detector = CrisisDetector(load_tree())
    for message in ("I", "我", "ok", "help me"):
        assert detector.assess(message).tier == "none", message


def test_anchors_pick_the_selective_word_and_compile_lazily():
    g = grammar({"self-harm": ("{self} {want} {verb} myself",), "risk": ("{self} hurt*",)})
    assert g.candidates(" i want to hurt you ") == [1]  # "i" alone does not open rule 0
    assert not g.rules[0].compiled
    assert g.candidates(" he wants to hurt myself ") == [0, 1]  # "myself" opens it ...
    assert g.matches("he wants to hurt myself") == []  # ... the regex still decides
    assert g.rules[0].compiled
    assert g.candidates(" he is hurting ") == [1]  # hurt*: the start of a word
    assert g.candidates(" he is unhurt ") == []


def test_a_rule_with_nothing_required_is_always_tried():
    g = grammar({"direct-ideation": ("{self?} (very|really)? ..",)})
    assert g.candidates(" anything at all ") == [0]


def test_anchors_never_hide_a_rule_of_the_bundled_grammars():
    """On every text of the bundled safety content and FAQ, the anchored search finds exactly
    the rules that trying every rule's regex finds."""
    tree = load_tree()
    content = tree.safety_content
    messages = [
        q for e in tree.entries.values() for t in e.translations.values() for q in t.questions
    ]
    for corpus in content.corpus.values():
        messages += [m for ms in corpus.crisis.values() for m in ms] + list(corpus.risk)
        messages += [m for ms in corpus.lookalikes.values() for m in ms]
    fired = 0
    for lang, source in content.grammars.items():
        g = Grammar(source)
        for message in [*messages, *source.not_crisis, *source.context]:
            if lang == "zh" and not has_cjk(message):
                continue
            text = g.prepare(message)
            every = [r for r in g.rules if r.pattern.search(text)]
            assert g.matches_prepared(text) == every, (lang, message)
            fired += bool(every)
    assert fired > 500  # the comparison saw rules fire, not only silence
