"""The bundled FAQ's content: sources, links, no stale dates, and the review's findings fixed.

These read ``faq/content`` on purpose: they guard what users are told, so each finding of the
2026-12 content review has the check that would have caught it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from faq.freshness import unsourced
from faq.links import link_errors
from faq.loader import load_tree
from faq.markup import to_plain
from faq.models import FaqTree

#: The day of the review: years before it may only be named as history.
REVIEWED = date(2026, 12, 5)

#: Past years an answer may name, because it states a past fact (with its source), not an
#: upcoming event.
HISTORY = {
    ("welfare-loneliness", 2021),  # the RIVM survey
    ("welfare-student-city", 2022),  # the declaration and the action plan
    ("welfare-student-city", 2023),  # the Kennisstad agreement 2023-2027
    ("housing-tenant-rights", 2023),  # deposit rule for contracts since 1 July 2023
    ("housing-costs", 2023),
    ("welfare-health-insurance", 2025),  # the intern rule for EU students since 1 September 2025
}


@pytest.fixture(scope="module")
def tree() -> FaqTree:
    return load_tree()


def _answers(tree: FaqTree, lang: str) -> list[tuple[str, str]]:
    out = []
    for entry in tree.entries.values():
        if lang not in entry.translations:
            continue
        out.append((entry.id, to_plain(entry.translations[lang].answer)))
    out += [(f"smalltalk:{k.id}", k.replies[lang]) for k in tree.smalltalk if lang in k.replies]
    # the safety layer's own texts speak to the same person as the crisis entry
    texts = tree.safety_content.texts
    if lang in texts.checkin:
        out.append(("safety:checkin", to_plain(texts.checkin[lang])))
    for category, leads in texts.leads.items():
        if lang in leads:
            out.append((f"safety:lead:{category}", to_plain(leads[lang])))
    # and so do the pointers given for out-of-scope questions
    out += [
        (f"out-of-scope:{g.id}", to_plain(g.pointers[lang]))
        for g in tree.out_of_scope
        if lang in g.pointers
    ]
    return out


def test_every_entry_names_a_source(tree) -> None:
    assert [e.id for e in unsourced(tree)] == []


def test_every_link_is_known_good(tree) -> None:
    # includes: the unrelated institution's scam page and the other university's rent page
    # are listed as wrong, and the moved municipal pages as moved
    assert link_errors(tree) == []


def test_no_past_year_is_named_as_if_upcoming(tree) -> None:
    stale = []
    for entry in tree.entries.values():
        for lang, translation in entry.translations.items():
            # a year, not four digits of a phone number ("Veilig Thuis 0800-2000")
            for year in re.findall(r"(?<![\d-])(20\d\d)(?![\d-])", to_plain(translation.answer)):
                if int(year) < REVIEWED.year and (entry.id, int(year)) not in HISTORY:
                    stale.append((entry.id, lang, year))
    assert stale == []


def test_french_says_vous_and_leyde(tree) -> None:
    informal = re.compile(r"\b(tu|ton|ta|tes|te|toi)\b|\bt'|chatte", re.IGNORECASE)
    # Leiden stays only inside proper names (Hogeschool Leiden, ESN Leiden, ...)
    city = re.compile(r"\b(à|de|région de|commune de) Leiden\b")
    found = [(i, m.group(0)) for i, a in _answers(tree, "fr") for m in informal.finditer(a)]
    found += [(i, m.group(0)) for i, a in _answers(tree, "fr") for m in city.finditer(a)]
    assert found == []


def test_italian_prose_says_leida(tree) -> None:
    city = re.compile(r"\b([Aa]|di|della regione di|comune di|Università di) Leiden\b")
    assert [(i, m.group(0)) for i, a in _answers(tree, "it") for m in city.finditer(a)] == []


def test_dutch_harassment_answer_does_not_trivialise(tree) -> None:
    answer = to_plain(tree.entries["welfare-harassment"].translations["nl"].answer)
    assert not answer.lower().startswith("wat vervelend")
    assert "niet jouw schuld" in answer


def test_spanish_reporting_to_the_police_is_said_right(tree) -> None:
    for entry_id, answer in _answers(tree, "es"):
        assert "denuncia a la policía" not in answer, entry_id
