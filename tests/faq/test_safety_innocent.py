"""What only looks alarming: the ``innocent`` rules of the grammar (idioms, accidents, a goodbye
before a move, a nuisance that should stop), topic-only rules silenced by talk *about* a topic,
the model kept out when an innocent reading explains the alarming words, and the model trained
on what it is shown. The mechanism on grammars the test writes, then the bundled grammar of all
seven languages on messages written for this test (not taken from the corpus, the trigger list,
the development set or bench/sets)."""

from __future__ import annotations

import pytest

from faq.loader import FaqLoadError, load_tree
from faq.models import SafetyGrammar
from faq.safety.detector import CrisisDetector, as_model_sees
from faq.safety.grammar import Grammar
from faq.safety.model import Example


def grammar(**extra: object) -> Grammar:
    parts = {
        "self": ("i", "i m"),
        "kill": ("kill", "killing"),
        "thing": ("exam", "eduroam"),
        "small": ("finger", "toe"),
    }
    rules = {"direct-ideation": ("{self} .. {kill} myself", "kill* me")}
    return Grammar(SafetyGrammar("en", parts, rules, **extra))  # type: ignore[arg-type]


def test_an_innocent_rule_is_composed_of_parts_and_blanks_only_what_it_matches():
    g = grammar(innocent={"idiom": ("{thing} (is|will) {kill} me",)})
    assert [r.category for r in g.matches("he is killing me")] == ["direct-ideation"]
    assert g.matches("the exam is killing me") == []
    assert g.matches("eduroam will kill me") == []
    # the rest of the message still counts
    assert g.matches("the exam is killing me and i want to kill myself")
    assert [r.source for r in g.innocent_matches("eduroam will kill me")] == [
        "{thing} (is|will) {kill} me"
    ]


def test_without_innocent_is_what_the_phrases_and_the_model_read():
    g = grammar(innocent={"accident": ("cut my {small} (cooking|shaving)",)})
    assert g.without_innocent("I cut my FINGER cooking, which GP?") == "i | which gp"
    assert g.without_innocent("i cut my arm again") == "i cut my arm again"


def test_an_innocent_rule_with_an_unknown_part_is_refused(minimal_tree):
    minimal_tree.write(
        "safety/grammar/en.yaml",
        "lang: en\nparts:\n  self: [i]\nrules:\n  direct-ideation:\n    - '{self} die'\n"
        "innocent:\n  idiom:\n    - '{nothing} is killing me'\n",
    )
    with pytest.raises(FaqLoadError, match=r"unknown part \{nothing\}"):
        load_tree(minimal_tree.root)


def test_the_model_trains_on_what_it_is_shown():
    tree = load_tree()
    data = [
        Example("eduroam is killing me, any fix?", "none", "en"),
        Example("i want to kill myself", "direct-ideation", "en"),
    ]
    seen = as_model_sees(tree, data)
    assert "killing" not in seen[0].text
    assert seen[0].label == "none"
    assert seen[1].text == "i want to kill myself"


@pytest.fixture(scope="module")
def tree():
    return load_tree()


@pytest.fixture(scope="module")
def detector(tree) -> CrisisDetector:
    return CrisisDetector(tree)


def test_no_innocent_rule_touches_a_crisis_or_risk_message_of_the_corpus(tree):
    """An innocent rule that matched a real crisis message would hide it: none may."""
    grammars = [Grammar(g) for g in tree.safety_content.grammars.values()]
    touched = [
        (corpus.language, message, [r.source for r in g.innocent_matches(message)])
        for corpus in tree.safety_content.corpus.values()
        for message in [*(m for ms in corpus.crisis.values() for m in ms), *corpus.risk]
        for g in grammars
        if g.innocent_matches(message)
    ]
    assert touched == []


#: Look-alikes written for this test, by language: (message, kind of innocent rule).
LOOKALIKES = [
    ("the thesis is going to kill me, can I get an extension?", "en"),
    ("i'd die for a quiet room near the station", "en"),
    ("sprained my ankle at football, which doctor takes new students?", "en"),
    ("saying goodbye to my friends before i move to delft, do i deregister?", "en"),
    ("ik ga dood van de kou in mijn kamer, mag ik de verwarming hoger?", "nl"),
    ("mijn duim gebrand bij het koken, welke huisarts neemt nog mensen aan?", "nl"),
    ("deine grammatik bringt mich noch um", "de"),
    ("beim radfahren verletzt, welcher hausarzt nimmt noch patienten?", "de"),
    ("el alquiler me esta matando, hay ayudas?", "es"),
    ("me queme cocinando, que medico me atiende?", "es"),
    ("le loyer va me tuer, il y a des aides ?", "fr"),
    ("je voudrais que ce bruit s'arrête enfin, les voisins font la fête", "fr"),
    ("l'affitto mi sta uccidendo, ci sono aiuti?", "it"),
    ("ammazzerei per una stanza vicino alla stazione", "it"),
    ("做饭的时候切到手指了，去哪看医生？", "zh"),
    ("论文要杀了我，可以延期吗？", "zh"),
]


def test_every_language_has_lookalikes_here():
    assert {lang for _, lang in LOOKALIKES} == {"en", "nl", "de", "es", "fr", "it", "zh"}


@pytest.mark.parametrize(("message", "lang"), LOOKALIKES)
def test_a_lookalike_is_no_alarm(detector, message, lang):
    verdict = detector.assess(message, preferred_language=lang)
    assert verdict.tier == "none", verdict.reason


#: An innocent part and a real crisis in one message: the crisis still counts.
MIXED = [
    ("the thesis is killing me and i want to kill myself tonight", "en"),
    ("ik ga dood van de kou en ik wil niet meer leven", "nl"),
    ("die klausur bringt mich um und ich will mich umbringen", "de"),
    ("el alquiler me esta matando y quiero suicidarme", "es"),
    ("le loyer va me tuer et je veux me suicider", "fr"),
    ("l'affitto mi sta uccidendo e voglio uccidermi", "it"),
    ("论文要杀了我，我真的不想活了", "zh"),
]


@pytest.mark.parametrize(("message", "lang"), MIXED)
def test_an_innocent_part_does_not_hide_a_real_crisis(detector, message, lang):
    verdict = detector.assess(message, preferred_language=lang)
    assert verdict.tier == "crisis", verdict.reason


#: Talk about sexual violence (a film, a thesis) versus it happening to the writer.
ABOUT_SV = [
    ("de film over een verkrachting was heftig", "ik ben gisteren verkracht", "nl"),
    ("mein referat über vergewaltigung in der literatur", "ich wurde vergewaltigt", "de"),
    ("mi tesis sobre la violencia sexual en campus", "me violaron anoche", "es"),
    ("un film sur le viol, très dur", "il m'a violée hier soir", "fr"),
    ("la mia tesi sulla violenza sessuale", "sono stata violentata ieri", "it"),
]


@pytest.mark.parametrize(("about", "happened", "lang"), ABOUT_SV)
def test_topic_only_rules_are_silenced_by_context_first_person_ones_are_not(
    detector, about, happened, lang
):
    assert detector.assess(about, preferred_language=lang).tier == "none"
    verdict = detector.assess(happened, preferred_language=lang)
    assert verdict.tier == "crisis"
    assert verdict.category == "sexual-violence"


#: Being in a dangerous place, in the first person: a check-in at least.
PLACES = [
    ("i'm on the roof of my building right now", "en"),
    ("ik sta op de brug", "nl"),
    ("ich stehe auf dem dach", "de"),
    ("estoy en la azotea", "es"),
    ("je suis sur le pont", "fr"),
    ("sono sul tetto", "it"),
    ("我现在站在楼顶", "zh"),
]


@pytest.mark.parametrize(("message", "lang"), PLACES)
def test_a_dangerous_place_reaches_113(detector, message, lang):
    assert detector.assess(message, preferred_language=lang).tier in ("crisis", "checkin")
