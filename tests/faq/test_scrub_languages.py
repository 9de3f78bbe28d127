"""faq.scrub across the seven languages and with what the bot meets in the wild: several kinds
in one question, crisis numbers that must stay, bidi and control characters."""

from __future__ import annotations

import pytest

from faq.scrub import scrub, strip_controls

PERSONAL = [
    # (language, text, the personal part, placeholder)
    ("en", "call me on 06-12345678 please", "06-12345678", "[phone]"),
    ("nl", "mijn nummer is 0612345678, bel maar", "0612345678", "[phone]"),
    ("nl", "bel het kantoor op 071 527 1111", "071 527 1111", "[phone]"),
    ("de", "meine Nummer: +31 6 12345678", "+31 6 12345678", "[phone]"),
    ("en", "my number +31 (0)6 1234 5678 thanks", "1234 5678", "[phone]"),
    ("es", "mi teléfono es 0031612345678", "0031612345678", "[phone]"),
    ("en", "UK number +44 20 7946 0958", "7946 0958", "[phone]"),
    ("fr", "appelez-moi au +33 6 12 34 56 78", "56 78", "[phone]"),
    ("it", "il mio numero è +39 347 123 4567", "123 4567", "[phone]"),
    ("zh", "我的电话是+86 138 1234 5678", "1234 5678", "[phone]"),
    ("en", "mail me at jan.de.vries@student.leidenuniv.nl", "jan.de.vries", "[email]"),
    ("zh", "邮箱 wang_li+bot@qq.com 谢谢", "qq.com", "[email]"),
    ("nl", "huur betalen op NL91 ABNA 0417 1643 00 of niet?", "0417", "[iban]"),
    ("de", "IBAN DE89370400440532013000 richtig?", "DE8937", "[iban]"),
    ("nl", "ik woon op Breestraat 12a in Leiden", "Breestraat 12", "[address]"),
    ("nl", "kamer aan de Haarlemmerstraat 45 voor 650 euro", "Haarlemmerstraat", "[address]"),
    ("nl", "Rapenburg 70, is dat de universiteit?", "Rapenburg 70", "[address]"),
    ("de", "ich wohne in der Hauptstraße 5", "Hauptstraße", "[address]"),
    ("en", "I live at 12 Baker Street, is it safe?", "Baker Street", "[address]"),
    ("en", "221B Baker St. London", "Baker St", "[address]"),
    ("fr", "j'habite au 12 rue de la Paix", "rue de la Paix", "[address]"),
    ("es", "vivo en calle Mayor 5", "Mayor 5", "[address]"),
    ("it", "abito in via Roma 10", "Roma 10", "[address]"),
    ("zh", "我住在长安街12号", "长安街12号", "[address]"),
    ("nl", "postcode 2311 CS, welke gemeente?", "2311 CS", "[postcode]"),
    ("en", "my postcode is 2311cs", "2311cs", "[postcode]"),
    ("en", "my BSN is 123456789, is that right?", "123456789", "[number]"),
    ("nl", "BSN 123.456.789 kwijt", "123.456.789", "[number]"),
]

LEFT_ALONE = [
    "how do I get eduroam on Windows 11",
    "in 2024 en 2025 betaalde ik 1200 euro huur",
    "rent is €1.250,00 a month, is that normal?",
    "I need a room for 2 months from 1 September",
    "Is 0800-0113 free? And 113, 112?",
    "ik ga weg 2 dagen, mag dat?",
    "devo andare via 3 giorni",
    "bel 0900-1234 voor informatie",
    "the 2311 area of Leiden",
    "room 12 at the Plexus building",
    "mi permesso di soggiorno scade il 12/03/2027",
    "我要住3个月",
]


@pytest.mark.parametrize(("language", "text", "personal", "placeholder"), PERSONAL)
def test_personal_data_replaced(language: str, text: str, personal: str, placeholder: str) -> None:
    scrubbed = scrub(text)
    assert personal not in scrubbed, (language, scrubbed)
    assert placeholder in scrubbed, (language, scrubbed)


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_questions_left_alone(text: str) -> None:
    assert scrub(text) == text


def test_several_kinds_in_one_question() -> None:
    text = (
        "Landlord at Breestraat 12, 2311 CS wants 500 on NL91 ABNA 0417 1643 00; "
        "mail a.b@example.com or call +31 6 12345678"
    )
    assert scrub(text) == (
        "Landlord at [address], [postcode] wants 500 on [iban]; mail [email] or call [phone]"
    )


def test_bidi_and_control_characters_stripped() -> None:
    hostile = "invoice\u202efdp.exe\u2066x\u2069\x07\x1b[31m\u200fok\u061c"
    assert strip_controls(hostile) == "invoicefdp.exex[31mok"
    assert strip_controls("two\nlines\tand tab") == "two\nlines\tand tab"
    # scrub keeps a question verbatim apart from the personal data ...
    assert scrub("\u202eevil\u202c \x07") == "\u202eevil\u202c \x07"
    # ... which invisible characters do not hide
    assert scrub("06-1234\u200b5678\u202e") == "[phone]"


def test_scrub_is_idempotent() -> None:
    once = scrub(PERSONAL[0][1] + " " + PERSONAL[10][1])
    assert scrub(once) == once
