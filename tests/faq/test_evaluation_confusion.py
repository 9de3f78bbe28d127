"""The confusion by entry that ``welcomebot eval`` prints."""

from __future__ import annotations

from faq.evaluation import Item, Outcome, evaluate


def test_wrong_answers_are_counted_by_expected_and_answered_entry():
    items = [
        Item("q1", "en", "eduroam-what"),
        Item("q2", "en", "eduroam-what"),
        Item("q3", "en", "eduroam-what"),
        Item("q4", "en", "@none"),
    ]
    answers = {
        "q1": Outcome("answer", "eduroam-connect", (), ("eduroam-connect",), "en"),
        "q2": Outcome("answer", "eduroam-connect", (), ("eduroam-connect",), "en"),
        "q3": Outcome("answer", "eduroam-what", (), ("eduroam-what",), "en"),
        "q4": Outcome("answer", "housing-costs", (), ("housing-costs",), "en"),
    }
    report = evaluate(items, lambda item: answers[item.question])
    assert report.confusion_rows() == [
        (("eduroam-what", "eduroam-connect"), 2),
        (("@none", "housing-costs"), 1),
    ]
    assert "eduroam-what  ->  eduroam-connect  ×2" in report.confusion_table()
    assert report.as_json()["confusion"][0] == {
        "expected": "eduroam-what",
        "answered": "eduroam-connect",
        "n": 2,
    }
