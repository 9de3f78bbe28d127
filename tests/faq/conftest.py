"""Fixtures for the FAQ engine tests."""

from __future__ import annotations

import pytest

from faq.matcher import Matcher
from faq.models import FaqTree

DEPOSIT = ["deposit", "borg", "waarborgsom", "Kaution", "caution", "cauzione", "fianza", "押金"]


@pytest.fixture
def matcher_tree(minimal_tree):
    """The minimal tree plus four entries and two synonym groups, for matching tests.

    ``housing-deposit`` is asked only in English with the word "deposit": the synonym group
    is the only way a question with "borg", "Kaution" or "押金" can reach it.
    """
    tr = minimal_tree.tr
    minimal_tree.entry(
        "lic-registration",
        "international-centre",
        {
            "en": tr(
                ["How do I register at the municipality?", "where do I get my BSN"],
                "Make an appointment with the municipality.",
                ["registration", "BSN", "municipality"],
            ),
            "nl": tr(["Hoe schrijf ik me in bij de gemeente?"], "Maak een afspraak.", ["gemeente"]),
            "fr": tr(["Comment m'inscrire à la mairie ?"], "Prends rendez-vous.", ["mairie"]),
        },
    )
    minimal_tree.entry(
        "lic-residence-permit",
        "international-centre",
        {
            "en": tr(["When can I collect my residence permit?"], "At the IND desk.", ["IND"]),
            "de": tr(["Wo hole ich meine Aufenthaltserlaubnis ab?"], "Beim IND-Schalter."),
            "it": tr(["Dove ritiro il permesso di soggiorno?"], "Allo sportello IND."),
        },
    )
    minimal_tree.entry(
        "housing-deposit",
        "housing",
        {"en": tr(["Will I get my deposit back when I move out?"], "Within 14 days.", ["deposit"])},
    )
    minimal_tree.entry(
        "welfare-psychologist",
        "welfare",
        {
            "en": tr(
                ["How can I see a student psychologist?"], "Book via the portal.", ["psychologist"]
            ),
            "es": tr(["¿Cómo pido cita con un psicólogo de estudiantes?"], "Reserva en el portal."),
        },
    )
    minimal_tree.synonyms({"wifi": ["wifi", "wi-fi", "wlan", "无线网"], "deposit": DEPOSIT})
    return minimal_tree


@pytest.fixture
def tree(matcher_tree) -> FaqTree:
    return matcher_tree.load()


@pytest.fixture
def matcher(tree) -> Matcher:
    return Matcher(tree)
