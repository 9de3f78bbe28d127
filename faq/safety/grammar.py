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

``innocent`` rules are written the same way and describe what only looks alarming: a thing
(not a person) that "is killing me", an accident with a body part and an everyday cause ("cut
my finger cooking"), a goodbye before moving away. What they match is blanked out before the
crisis rules, the staff phrases and the model read the message, so the rest of the message
still counts ("this exam is killing me and I want to kill myself" fires).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from faq.anchored import Anchor, AnchoredPattern, AnchorKind
from faq.models import SafetyGrammar
from faq.normalise import has_cjk, normalise

#: Words a ``..`` gap may span (Latin scripts) and characters between Chinese tokens.
GAP_WORDS = 3
CJK_GAP = 3

#: What :meth:`Grammar.prepare` puts where an innocent rule matched (idiom phrases get "|");
#: normalised text has no punctuation, so neither mark is ever the user's.
INNOCENT_MARK = "¦"

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


def _anchor(text: str, *, cjk: bool) -> tuple[str, bool] | None:
    """What a message must contain wherever the alternative ``text`` matches: Chinese, the
    alternative itself (a substring); otherwise its first word as a whole word of the
    message, or as the start of one when that word ends in ``*`` (``(word, True)``)."""
    if cjk:
        compact = "".join(normalise(raw.rstrip("*")).replace(" ", "") for raw in text.split())
        return (compact, False) if compact else None
    for raw in text.split():
        words = normalise(raw.rstrip("*")).split()
        if words:
            return words[0], raw.endswith("*") and len(words) == 1
    return None


#: A piece of a rule as a regex fragment, with the anchors of its alternatives when the piece
#: must be present (None when it may be left out: optional parts and groups, ``..``).
_Piece = tuple[str, list[tuple[str, bool]] | None]


class Rule:
    """A rule: its category (or "risk"), the source pattern and its regex, compiled the first
    time a message could match it (compiling a language's rules takes a tenth of a second or
    more, and most rules are never needed in a process that answers a few questions)."""

    __slots__ = ("_compiled", "category", "regex", "source")

    def __init__(self, category: str, source: str, regex: str) -> None:
        self.category = category
        self.source = source
        self.regex = regex
        self._compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled regex (two threads compiling it at once both get a correct one)."""
        if self._compiled is None:
            self._compiled = re.compile(self.regex)
        return self._compiled

    @property
    def compiled(self) -> bool:
        """Whether the regex has been compiled yet."""
        return self._compiled is not None

    def __repr__(self) -> str:
        return f"Rule({self.category!r}, {self.source!r})"


class Grammar:
    """One language's rules.

    Instead of trying every rule on every message, each rule has an *anchor*: the
    alternatives of one piece it cannot match without (the most selective one, e.g. the harm
    verb rather than "i"). A message is tried only against the rules whose anchor it
    contains, a few set look-ups; their regexes are compiled on first use. The rules that
    fire are exactly those the regexes alone would find.
    """

    def __init__(self, grammar: SafetyGrammar) -> None:
        self.language = grammar.language
        self._cjk = grammar.language == "zh"
        self._parts = grammar.parts
        self._pieces: dict[str, _Piece] = {}
        rules: list[Rule] = []
        anchors: list[list[tuple[str, bool]] | None] = []
        sources = [(c, p) for c, patterns in grammar.rules.items() for p in patterns]
        sources += [("risk", p) for p in grammar.risk]
        for category, source in sources:
            regex, anchor = self._compile(source)
            rules.append(Rule(category, source, regex))
            anchors.append(anchor)
        self.rules = tuple(rules)
        self._unanchored: list[int] = []  # rules any message may match (nothing required)
        self._words: dict[str, list[int]] = {}  # rules by whole word ...
        self._starts: dict[str, list[int]] = {}  # ... by the start of a word, or substring
        for i, anchor in enumerate(anchors):
            if anchor is None:
                self._unanchored.append(i)
                continue
            for word, prefix in anchor:
                (self._starts if prefix or self._cjk else self._words).setdefault(word, []).append(
                    i
                )
        self._start_lengths = sorted({len(w) for w in self._starts})
        self._idioms = self._alternatives(grammar.not_crisis)
        self._context = self._alternatives(grammar.context)
        self.innocent = tuple(
            Rule(kind, p, self._compile(p)[0]) for kind, ps in grammar.innocent.items() for p in ps
        )
        # one regex for all of them, compiled on first use like the rules
        self._innocent = (
            Rule("innocent", "", "|".join(f"(?:{r.regex})" for r in self.innocent))
            if self.innocent
            else None
        )

    def _alternatives(self, phrases: tuple[str, ...]) -> AnchoredPattern | None:
        """Any of ``phrases`` (idioms, context words), tried only on messages that contain
        the first word (Chinese: the whole) of one of them."""
        frags = sorted(
            {_alternative(p, cjk=self._cjk) for p in phrases} - {""}, key=len, reverse=True
        )
        if not frags:
            return None
        anchors = {_alternative(p, cjk=self._cjk): _anchor(p, cjk=self._cjk) for p in phrases}
        alternatives: list[tuple[str, Anchor | None]] = []
        for frag in frags:
            anchor = anchors[frag]
            kind: AnchorKind = (
                "substring" if self._cjk else "prefix" if anchor and anchor[1] else "word"
            )
            alternatives.append((frag, (anchor[0], kind) if anchor else None))
        if self._cjk:
            return AnchoredPattern(alternatives, head="(?:", tail=")")
        return AnchoredPattern(alternatives, head="(?<= )(?:", tail=")(?= )")

    def _options(self, alternatives: Iterable[str]) -> tuple[str, list[tuple[str, bool]] | None]:
        """A non-empty choice of alternatives: the regex body and the anchors."""
        pairs = {(_alternative(a, cjk=self._cjk), a) for a in alternatives}
        pairs = {(frag, a) for frag, a in pairs if frag}
        anchors = [_anchor(a, cjk=self._cjk) for _, a in pairs]
        usable = None if not anchors or None in anchors else [a for a in anchors if a]
        return "|".join(sorted({f for f, _ in pairs}, key=len, reverse=True)), usable

    def _piece(self, token: str) -> _Piece:
        # rules share their parts ({self}, {want}): each token is built once per grammar
        piece = self._pieces.get(token)
        if piece is None:
            piece = self._pieces[token] = self._build_piece(token)
        return piece

    def _build_piece(self, token: str) -> _Piece:
        space = "" if self._cjk else " "
        found = _TOKEN.fullmatch(token)
        if found:
            body, anchors = self._options(self._parts.get(found.group(1), ()))
            piece = f"(?:{body})" + space
            return (f"(?:{piece})?", None) if found.group(2) else (piece, anchors)
        group = re.fullmatch(r"\(([^)]*)\)(\??)", token)
        if group:
            alternatives = group.group(1).split("|")
            frags = [_alternative(a, cjk=self._cjk) for a in alternatives]
            piece = "(?:" + "|".join(f for f in frags if f) + ")" + space
            anchors = self._options(alternatives)[1]
            return (f"(?:{piece})?", None) if group.group(2) else (piece, anchors)
        if token == "..":
            return (f".{{0,{CJK_GAP * 2}}}" if self._cjk else rf"(?:\S+ ){{0,{GAP_WORDS}}}"), None
        alternatives = token.split("|")
        words = [_alternative(a, cjk=self._cjk) for a in alternatives]
        body = "|".join(w for w in words if w)
        return f"(?:{body})" + space, self._options(alternatives)[1]

    def _compile(self, pattern: str) -> tuple[str, list[tuple[str, bool]] | None]:
        """The regex of a rule and its anchor (None: the rule requires no word)."""
        pieces = [self._piece(t) for t in _SPLIT.findall(pattern)]
        required = [anchors for _, anchors in pieces if anchors]
        # the most selective required piece: the one whose shortest alternative is longest
        # ("i" is in nearly every English message, "myself" is not); the last one on a tie
        anchor = max(reversed(required), key=lambda a: min(len(w) for w, _ in a), default=None)
        if self._cjk:
            return f".{{0,{CJK_GAP}}}".join(p for p, _ in pieces), anchor
        return "(?<= )" + "".join(p for p, _ in pieces), anchor

    def candidates(self, text: str) -> list[int]:
        """The rules (indexes into :attr:`rules`, in order) a prepared ``text`` may match."""
        found = set(self._unanchored)
        if self._cjk:
            for part, indexes in self._starts.items():
                if part in text:
                    found.update(indexes)
            return sorted(found)
        chunks = set(text.split(" "))
        for chunk in chunks:
            hit = self._words.get(chunk)
            if hit:
                found.update(hit)
            for length in self._start_lengths:
                if length > len(chunk):
                    break
                hit = self._starts.get(chunk[:length])
                if hit:
                    found.update(hit)
        return sorted(found)

    def prepare(self, message: str) -> str:
        """The message as the rules read it, with idioms and innocent matches removed."""
        text = normalise(message)
        text = text.replace(" ", "") if self._cjk else f" {text} "
        if self._idioms is not None:
            text = self._idioms.sub(" | " if not self._cjk else "|", text)
        if self._innocent is not None:
            mark = f"{INNOCENT_MARK} " if not self._cjk else INNOCENT_MARK
            text = self._innocent.pattern.sub(mark, text)
        return text

    def without_innocent(self, message: str) -> str:
        """``message`` normalised, with what this language's ``innocent`` rules match blanked
        out (for the staff phrases and the model, which read the message as a whole)."""
        text = normalise(message)
        if self._innocent is None or (self._cjk and not has_cjk(text)):
            return text
        if self._cjk:  # (mixed messages keep their spaces: other languages' words stay apart)
            return self._innocent.pattern.sub("|", text)
        return self._innocent.pattern.sub("| ", f" {text} ").strip()

    def innocent_matches(self, message: str) -> list[Rule]:
        """The ``innocent`` rules that match ``message`` (for tests and explanations)."""
        text = normalise(message)
        text = text.replace(" ", "") if self._cjk else f" {text} "
        return [rule for rule in self.innocent if rule.pattern.search(text)]

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
        rules = self.rules
        return [rules[i] for i in self.candidates(text) if rules[i].pattern.search(text)]
