"""faq/scrub.py: personal data out of user texts, per pattern and language, and what stays."""

from __future__ import annotations

import pytest

from faq.scrub import PLACEHOLDERS, has_placeholder, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phone numbers, Dutch and international forms
        ("call me on 06-12345678 please", "call me on [phone] please"),
        ("bel me op 0612345678", "bel me op [phone]"),
        ("mijn nummer is 071 527 2727", "mijn nummer is [phone]"),
        ("ruf an: +31 6 1234 5678", "ruf an: [phone]"),
        ("llámame al 0031 71 527 2727", "llámame al [phone]"),
        ("appelle-moi au +33 6 12 34 56 78", "appelle-moi au [phone]"),
        ("chiamami +39 333 123 4567!", "chiamami [phone]!"),
        ("我的电话是0612345678谢谢", "我的电话是[phone]谢谢"),
        ("+1 (555) 123-4567 is my US number", "[phone] is my US number"),
        # e-mail addresses
        ("mail jan.de.vries@gmail.com about the room", "mail [email] about the room"),
        ("schreib an anna+wohnung@uni-leiden.de", "schreib an [email]"),
        ("我的邮箱 li.wei@qq.com", "我的邮箱 [email]"),
        # IBAN
        ("my IBAN is NL91 ABNA 0417 1643 00 is that ok", "my IBAN is [iban] is that ok"),
        ("IBAN DE89370400440532013000 bitte", "IBAN [iban] bitte"),
        # street addresses with a house number
        ("ik woon op de Breestraat 12a in Leiden", "ik woon op de [address] in Leiden"),
        ("kamer aan de Langebrug 4-6", "kamer aan de [address]"),
        (
            "the Kadaster says Rapenburg 70 belongs to someone else",
            "the Kadaster says [address] belongs to someone else",
        ),
        ("I live at 12 Main Street", "I live at [address]"),
        ("j'habite Rue de la Paix 3", "j'habite [address]"),
        ("abito in via Roma 10", "abito in [address]"),
        ("ich wohne in der Hauptstraße 5", "ich wohne in der [address]"),
        # Dutch postcodes
        ("postcode 2311 EZ", "postcode [postcode]"),
        ("is 2311EZ in Leiden", "is [postcode] in Leiden"),
        ("2333ca registreren", "[postcode] registreren"),
        # BSN, student numbers and other long numbers
        ("my BSN is 123456789", "my BSN is [number]"),
        ("我的BSN是123456789", "我的BSN是[number]"),
        ("student number s1234567 cannot log in", "student number [number] cannot log in"),
    ],
)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert scrub(text) == expected
    assert has_placeholder(scrub(text))


@pytest.mark.parametrize(
    "text",
    [
        "agency wants 1200 euro upfront before I'm allowed to see the contract",
        "I arrive in 2026 in March, where can I stay?",
        "ik ga weg 3 dagen, moet ik me afmelden?",
        "police non-emergency 0900-8844, and 0800-0123",
        "hoeveel is de huurtoeslag voor een kamer van 450 euro",
        "how do I connect to eduroam on Windows 11",
        "is 2 weeks notice normal",
        "wo ist das LIC, Breestraat?",
        "我在莱顿找房子，预算600欧",
    ],
)
def test_ordinary_questions_stay_as_they_are(text: str) -> None:
    assert scrub(text) == text
    assert not has_placeholder(text)


def test_scrub_is_idempotent_and_placeholders_survive() -> None:
    text = "06-12345678, a@b.nl, NL91ABNA0417164300, Breestraat 12, 2311 EZ, 123456789"
    once = scrub(text)
    assert scrub(once) == once
    for placeholder in PLACEHOLDERS:
        assert placeholder in once
