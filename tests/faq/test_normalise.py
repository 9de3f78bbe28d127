"""Normalisation: the same folding for FAQ variants and questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faq.normalise import has_cjk, normalise, tokens


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        # case
        ("HUURTOESLAG", "huurtoeslag"),
        ("EduRoam", "eduroam"),
        # accents
        ("Café crème", "cafe creme"),
        ("naïve résumé", "naive resume"),
        ("università", "universita"),
        ("¿Cómo está?", "como esta"),
        # ß and its capital
        ("Straße", "strasse"),
        ("STRAẞE", "strasse"),
        # NFKC: full-width letters and digits, ligatures, superscripts
        ("ＥＤＵＲＯＡＭ１２３", "eduroam123"),
        ("ﬁle", "file"),
        ("m²", "m2"),
        # invisible characters inside words
        ("edu\u200broam", "eduroam"),
        ("edu\u200droam", "eduroam"),
        ("\ufeffeduroam", "eduroam"),
        ("huur\u00adtoeslag", "huurtoeslag"),
        # right-to-left override and other bidi controls
        ("\u202emaorude\u202c", "maorude"),
        ("a\u2066b\u2069c", "abc"),
        # punctuation and symbols become word breaks
        ("Huurtoeslag?!", "huurtoeslag"),
        ("room/studio", "room studio"),
        ("rent...deposit", "rent deposit"),
        ("🏠 room!!!", "room"),
        # apostrophes, straight and curly
        ("j'ai", "j ai"),
        ("j’ai besoin", "j ai besoin"),
        ("dell'università", "dell universita"),
        ("what's", "what s"),
        # letters repeated three or more times are cut to two
        ("HUURTOESLAAAAG", "huurtoeslaag"),
        ("heeeeelp", "heelp"),
        ("soooo", "soo"),
        ("room", "room"),  # two stay two
        ("1000 euro", "1000 euro"),  # digits are not letters
        # whitespace
        ("  a \t\n b  ", "a b"),
        ("a\u00a0b\u3000c", "a b c"),
        ("", ""),
        ("?!…", ""),
    ],
)
def test_normalise(raw, folded):
    assert normalise(raw) == folded


def test_question_and_variant_meet():
    variants = [
        "Huurtoeslag?",
        "HUURTOESLAG!!",
        "ｈｕｕｒｔｏｅｓｌａｇ",
        "huur\u200btoeslag",
        "«huurtoeslag»",
    ]
    assert {normalise(v) for v in variants} == {"huurtoeslag"}
    assert normalise("Wie bekommt Mietzuschuß?") == normalise("wie bekommt mietzuschuss")


def test_chinese_is_kept():
    assert normalise("怎么找房间？") == "怎么找房间"
    assert normalise("eduroam连不上，怎么办！") == "eduroam连不上 怎么办"
    # full-width Latin inside Chinese text is folded, the Chinese stays
    assert normalise("ＷＩＦＩ连不上") == "wifi连不上"
    assert has_cjk(normalise("押金"))
    assert not has_cjk(normalise("deposit"))


def test_tokens_latin_words_stay_whole():
    assert tokens(normalise("How do I find a room?")) == ["how", "do", "i", "find", "a", "room"]


def test_tokens_chinese_bigrams():
    assert tokens("我想找房间") == ["我想", "想找", "找房", "房间"]
    assert tokens("房") == ["房"]
    assert tokens("房间") == ["房间"]
    # punctuation splits runs: no bigram across a break
    assert tokens(normalise("押金，房间")) == ["押金", "房间"]


def test_tokens_split_mixed_scripts():
    assert tokens("eduroam连不上") == ["eduroam", "连不", "不上"]
    assert tokens("用bsn号码") == ["用", "bsn", "号码"]
    assert tokens(normalise("我的Eduroam密码")) == ["我的", "eduroam", "密码"]


def test_tokens_of_empty_text():
    assert tokens("") == []
    assert tokens(normalise("?!")) == []


# A wide alphabet for the property: accents (precomposed and combining), compatibility
# characters, invisible and bidi controls, apostrophes, Greek final sigma, kana, Hangul jamo.
TRICKY = st.sampled_from(
    list(
        "aAeEiIoOuUsSßẞİıǅǈﬁﬀ²①ＡｂＣ１　 \t\n\u200b\u200d\u202e\u2066\ufeff\u00ad"
        "\u0301\u0308\u0327\u0338ΣσςΩᾈǰŉ'’`´.,!?-_/ 找房间押金ﾊﾞ\u3099がぱ\u1100\u1161\u11a8"
    )
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(TRICKY, max_size=16))
def test_normalise_is_idempotent_on_tricky_text(text):
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalised_text_is_clean(text):
    once = normalise(text)
    assert once == once.strip()
    assert "  " not in once
    assert once == once.casefold()
    assert not any(c in once for c in "\u200b\u200d\u202e\ufeff?!.,'’")
    if not has_cjk(once):
        assert tokens(once) == once.split()
