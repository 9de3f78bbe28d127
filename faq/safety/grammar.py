"""Compositional crisis rules: one language's grammar compiled to regular expressions.

A rule is a sequence of tokens, matched against the normalised message (lower case, no
accents, punctuation as spaces; Chinese without spaces):

- ``{part}``: any alternative of a named word class (``{self}``, ``{want}``, ``{kill}``);
  ``{part?}`` may be left out;
- a literal word; ``|`` separates alternatives (``pills|tablets``); a trailing ``*`` matches
  any ending (``umbring*``: umbringen, umbringe), also inside part alternatives;
- ``(on my desk|in my hand)``: alternatives of several words; ``(...)?`` may be left out;
- ``..``: up to three words of anything (German verb-final order: "dass ich mich heute
  Nacht umbringe" is ``{mich} .. umbring*``).

So "self-reference x modal x harm verb" is written once, not as every sentence. In Chinese
the tokens follow each other with up to three characters in between (我真的不想活了).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq.models import SafetyGrammar
from faq.normalise import has_cjk, normalise

#: Words a ``..`` gap may span (Latin scripts) and characters between Chinese tokens.
GAP_WORDS = 3
CJK_GAP = 3

_TOKEN = re.compile(r"\{(\w[\w-]*)(\??)\}")
_SPLIT = re.compile(r"\([^)]*\)\??|\S+")


def _alternative(text: str, *, cjk: bool) -> str:
    """One alternative (a word or phrase, ``*`` for any ending) as a regex fragment."""
    words: list[str] = []
    for raw in text.split():
        star = raw.endswith("*")
        norm = normalise(raw.rstrip("*"))
        if cjk:
            norm = norm.replace(" ", "")
        frag = re.escape(norm).replace(r"\ ", " ")
        if star:
            frag += r"\S*" if not cjk else ""
        if frag:
            words.append(frag)
    return ("" if cjk else " ").join(words)


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule: its category (or "risk"), the source pattern and the regex."""

    category: str
    source: str
    pattern: re.Pattern[str]


class Grammar:
    """One language's compiled rules."""

    def __init__(self, grammar: SafetyGrammar) -> None:
        self.language = grammar.language
        self._cjk = grammar.language == "zh"
        self._parts = grammar.parts
        rules: list[Rule] = []
        for category, patterns in grammar.rules.items():
            rules.extend(Rule(category, p, self._compile(p)) for p in patterns)
        rules.extend(Rule("risk", p, self._compile(p)) for p in grammar.risk)
        self.rules = tuple(rules)
        # one pass over the message decides whether any rule can fire (most messages are
        # ordinary questions); only then are the rules tried one by one
        self._any = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in rules) or "(?!)")
        self._idioms = self._alternatives(grammar.not_crisis)
        self._context = self._alternatives(grammar.context)

    def _alternatives(self, phrases: tuple[str, ...]) -> re.Pattern[str] | None:
        frags = sorted(
            {_alternative(p, cjk=self._cjk) for p in phrases} - {""}, key=len, reverse=True
        )
        if not frags:
            return None
        body = "|".join(frags)
        return re.compile(f"(?:{body})" if self._cjk else f"(?<= )(?:{body})(?= )")

    def _piece(self, token: str) -> str:
        found = _TOKEN.fullmatch(token)
        if found:
            alts = self._parts.get(found.group(1), ())
            body = "|".join(
                sorted({_alternative(a, cjk=self._cjk) for a in alts} - {""}, key=len, reverse=True)
            )
            piece = f"(?:{body})" + ("" if self._cjk else " ")
            return f"(?:{piece})?" if found.group(2) else piece
        group = re.fullmatch(r"\(([^)]*)\)(\??)", token)
        if group:
            frags = [_alternative(a, cjk=self._cjk) for a in group.group(1).split("|")]
            piece = "(?:" + "|".join(f for f in frags if f) + ")" + ("" if self._cjk else " ")
            return f"(?:{piece})?" if group.group(2) else piece
        if token == "..":
            return f".{{0,{CJK_GAP * 2}}}" if self._cjk else rf"(?:\S+ ){{0,{GAP_WORDS}}}"
        words = [_alternative(a, cjk=self._cjk) for a in token.split("|")]
        body = "|".join(w for w in words if w)
        return f"(?:{body})" + ("" if self._cjk else " ")

    def _compile(self, pattern: str) -> re.Pattern[str]:
        pieces = [self._piece(t) for t in _SPLIT.findall(pattern)]
        if self._cjk:
            return re.compile(f".{{0,{CJK_GAP}}}".join(pieces))
        return re.compile("(?<= )" + "".join(pieces))

    def prepare(self, message: str) -> str:
        """The message as the rules read it, with idioms removed."""
        text = normalise(message)
        text = text.replace(" ", "") if self._cjk else f" {text} "
        if self._idioms is not None:
            text = self._idioms.sub(" | " if not self._cjk else "|", text)
        return text

    def about_topic(self, prepared: str) -> bool:
        """The message talks *about* the topic (a thesis, a film, statistics)."""
        return self._context is not None and self._context.search(prepared) is not None

    def matches(self, message: str) -> list[Rule]:
        """Every rule that fires on ``message`` (certain categories first, then risk)."""
        if self._cjk and not has_cjk(message):
            return []
        return self.matches_prepared(self.prepare(message))

    def matches_prepared(self, text: str) -> list[Rule]:
        """:meth:`matches` on a text already through :meth:`prepare`."""
        if not self._any.search(text):
            return []
        return [rule for rule in self.rules if rule.pattern.search(text)]
