"""out-of-scope.yaml and weak-terms.yaml: loading, file:line errors, and their effect."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.desk import Desk
from faq.loader import FaqLoadError, load_tree
from faq.matcher import Matcher

GOOD = """\
groups:
  - id: tuition
    pointer:
      en: I can't help with tuition fees; the Student Affairs Front Office can.
      nl: Met collegegeld kan ik niet helpen.
    questions:
      en: [how much is the tuition fee, when do I pay tuition]
      nl: [hoeveel collegegeld betaal ik]
"""


def test_groups_load(minimal_tree):
    minimal_tree.write("out-of-scope.yaml", GOOD)
    tree = minimal_tree.load()
    (group,) = tree.out_of_scope
    assert group.id == "tuition"
    assert group.questions["en"] == ("how much is the tuition fee", "when do I pay tuition")
    assert group.pointer("nl")[1] == "nl"
    assert group.pointer("fr") == (group.pointers["en"], "en")
    assert "tuition" not in tree.entries  # not taken for an entry file


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD.replace("id: tuition", "id: Tuition Fees"), 2, "kebab-case"),
        (GOOD.replace("      nl: [hoeveel", "      pt: [hoeveel"), 8, "unknown language"),
        (GOOD.replace("      en: I can't", "      de: I can't"), 3, "English required"),
        (GOOD.replace("the Student", "<blink>the</blink> Student"), 4, "HTML"),
        (GOOD.replace("      en: [how much", "      en: [''] #"), 7, "non-empty"),
        ("groups: nothing\n", 1, "list of groups"),
        (
            GOOD + "  - id: tuition\n    pointer: {en: x}\n    questions: {en: [y]}\n",
            9,
            "duplicate",
        ),
    ],
)
def test_problems_name_file_and_line(minimal_tree, text, line, message):
    path = minimal_tree.write("out-of-scope.yaml", text)
    with pytest.raises(FaqLoadError) as caught:
        minimal_tree.load()
    problem = caught.value.problems[0]  # an empty item also leaves its list empty, and so on
    assert problem.file == path
    assert problem.line == line
    assert message in str(problem)


def test_weak_terms_need_known_languages(minimal_tree):
    path = minimal_tree.write("weak-terms.yaml", "all: [Leiden]\nxx: [Haag]\n")
    with pytest.raises(FaqLoadError) as caught:
        minimal_tree.load()
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (path, 2)


PLACES = [
    "what is there to do in The Hague this weekend",
    "I just moved to Den Haag",
    "je viens de déménager à La Haye, des conseils ?",
]


@pytest.mark.bundled
@pytest.mark.parametrize("question", PLACES)
def test_a_place_name_weighs_less(question):
    """The name "Den Haag" appears in one entry only (the residence permit's IND desk), so its idf is
    high; as a weak term it counts for less."""
    tree = load_tree()
    weak, strong = Matcher(tree), Matcher(replace(tree, weak_terms=frozenset()))
    permit = "lic-residence-permit"
    score = {m.entry: m.score for m in weak.match(question)}.get(permit, 0.0)
    unweighted = {m.entry: m.score for m in strong.match(question)}.get(permit, 0.0)
    assert score < unweighted - 10


@pytest.mark.bundled
@pytest.mark.parametrize("question", PLACES)
def test_a_place_name_does_not_decide_an_entry_alone(desk, question):
    assert desk.reply(question).kind != "answer"


@pytest.fixture(scope="module")
def desk() -> Desk:
    return Desk(load_tree())


@pytest.mark.bundled
def test_an_out_of_scope_question_gets_the_groups_pointer(desk):
    reply = desk.reply("hoeveel collegegeld betaal ik als niet-EU student")
    assert (reply.kind, reply.entry, reply.out_of_scope, reply.language) == (
        "unanswered",
        None,
        "tuition",
        "nl",
    )
    assert "collegegeld" in reply.text
    assert "student.universiteitleiden.nl" in reply.text
    assert reply.as_json()["out_of_scope"] == "tuition"


@pytest.mark.bundled
def test_answers_carry_their_confidence(desk):
    reply = desk.reply("How much does a room in Leiden cost?")
    assert reply.kind == "answer"
    assert reply.entry == "housing-costs"
    assert reply.confidence is not None
    assert reply.confidence >= 0.5


@pytest.mark.bundled
@pytest.mark.parametrize(
    ("question", "preferred", "language"),
    [
        ("BSN?", "nl", "nl"),  # jargon only: the user's choice
        ("huurtoeslag?", "de", "de"),
        ("Hoe vind ik een kamer in Leiden?", "en", "nl"),  # a clear sentence switches
        ("wher do i find a room in leiden", None, "en"),  # "leiden" is a German verb, too
    ],
)
def test_short_messages_keep_the_chosen_language(desk, question, preferred, language):
    assert desk.reply(question, preferred_language=preferred).language == language
