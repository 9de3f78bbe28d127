"""Telegram HTML: which answers parse, and escaping of user text."""

from __future__ import annotations

import pytest

from faq.markup import TELEGRAM_TAGS, escape, html_problems, links, to_plain


@pytest.mark.parametrize(
    "text",
    [
        "Plain text, no markup at all.",
        "<b>Never</b> pay before the viewing.",
        "<strong>a</strong> <em>b</em> <i>c</i>",
        "<b>bold <i>and italic</i></b>",
        '<a href="https://www.113.nl">113</a>',
        "<a href='https://example.org/a?b=1&amp;c=2'>link</a>",
        '<a href="tg://resolve?domain=leiden">bot</a>',
        "1 &lt; 2 &amp;&amp; 3 &gt; 2, &quot;quoted&quot;, &#8364; and &#x20AC;",
        "Bel 113 of 0800-0113: gratis, 24/7 🌙",
        "",
    ],
)
def test_valid_answers_have_no_problems(text):
    assert html_problems(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>unclosed", "unclosed <b>"),
        ("</b>closes nothing", "closes nothing open"),
        ("<b><i>x</b></i>", "wrong order"),
        ("<p>paragraph</p>", "<p>"),
        ("line<br>break", "<br>"),
        ("<u>underline</u>", "<u>"),  # Telegram knows it, FAQ answers may not use it
        ("<b/>", "self-closing"),
        ("rent & deposit", "bare '&'"),
        ("1 < 2", "bare '<'"),
        ("&nbsp;", "unknown entity"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="www.example.org">x</a>', "not an http(s)"),
        ("<a>no target</a>", "href"),
        ('<a href="https://a.nl" target="_blank">x</a>', "href"),
        ('<b class="x">x</b>', "no attributes"),
    ],
)
def test_bad_html_is_rejected(text, expected):
    problems = html_problems(text)
    assert problems, text
    assert any(expected in p for p in problems), problems


def test_telegram_tags_can_be_allowed_for_texts_the_bot_builds():
    assert html_problems("<u>x</u> <code>y</code>", allowed=TELEGRAM_TAGS) == []
    assert html_problems("<p>x</p>", allowed=TELEGRAM_TAGS)


def test_escape_makes_user_text_safe():
    raw = "<b>not bold</b> & 1 < 2 > 0"
    escaped = escape(raw)
    assert escaped == "&lt;b&gt;not bold&lt;/b&gt; &amp; 1 &lt; 2 &gt; 0"
    assert html_problems(escaped) == []
    assert to_plain(escaped) == raw
    assert escape('say "hi"') == 'say "hi"'  # quotes are fine outside attributes


def test_to_plain_and_links():
    text = '<b>Call</b> <a href="https://www.113.nl/?a=1&amp;b=2">113</a> &amp; relax'
    assert to_plain(text) == "Call 113 & relax"
    assert links(text) == ["https://www.113.nl/?a=1&b=2"]
