"""An alternation of phrases, tried only where a message has a word one of them starts with.

The safety check and the smalltalk matcher use large alternations of phrases ("this deadline
is killing me", every trigger phrase of seven languages). As one regex they cost a new
process a tenth of a second or more to compile, and a message a millisecond or more to
search: the regex engine tries thousands of alternatives at every character. But each
phrase begins with a known word (its *anchor*: a whole word, or for ``word*`` the start of a
word; in Chinese, a substring), and can only match where a word of the message is, or starts
with, that anchor. So:

* a message none of whose words is an anchor is not searched at all (a few set look-ups);
* otherwise the regex is tried only at the start of the words that are anchors, and there
  only with the alternatives of those anchors (a small regex, compiled once per anchor), in
  the order of the whole alternation. The leftmost match, and at one position the first
  alternative that matches, are then the same as the whole regex's: :meth:`search` and
  :meth:`sub` give exactly what ``re.search`` and ``re.sub`` of the whole alternation give.

This needs words separated by single spaces (normalised text) and alternatives that can only
match at the start of a word (each begins with ``(?<!\\S)`` or the whole with ``(?<= )``);
Chinese alternatives (no word boundaries) are searched with the whole regex, after a
substring check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import Literal

#: How an alternative's anchor is found in a message: a whole word, the start of a word, or
#: (Chinese) a substring anywhere.
AnchorKind = Literal["word", "prefix", "substring"]
Anchor = tuple[str, AnchorKind]


class AnchoredPattern:
    """``head + "|".join(alternatives) + tail`` as a regex, searched only where it can match.

    ``alternatives`` are ``(regex fragment, anchor)`` in the order the regex tries them; an
    anchor of ``None`` means the fragment can match anywhere (the whole regex is then always
    tried everywhere).
    """

    __slots__ = (
        "_always",
        "_by_prefix",
        "_by_word",
        "_compiled",
        "_fragments",
        "_head",
        "_lengths",
        "_local",
        "_substrings",
        "_tail",
        "source",
    )

    def __init__(
        self,
        alternatives: Sequence[tuple[str, Anchor | None]],
        *,
        head: str = "",
        tail: str = "",
    ) -> None:
        self._head, self._tail = head, tail
        self._fragments = tuple(fragment for fragment, _ in alternatives)
        self.source = head + "|".join(self._fragments) + tail
        self._always = any(anchor is None for _, anchor in alternatives)
        self._by_word: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[int]] = {}
        substrings: set[str] = set()
        for index, (_, anchor) in enumerate(alternatives):
            if anchor is None:
                continue
            text, kind = anchor
            if kind == "substring":
                substrings.add(text)
            else:
                index_of = self._by_word if kind == "word" else self._by_prefix
                index_of.setdefault(text, []).append(index)
        self._substrings = tuple(sorted(substrings))
        self._lengths = sorted({len(p) for p in self._by_prefix})
        self._compiled: re.Pattern[str] | None = None
        # the regex of the alternatives that can start with a word, by the anchors that word
        # has (its whole word if it is one, the prefixes it starts with)
        self._local: dict[tuple[str, tuple[str, ...]], re.Pattern[str] | None] = {}

    @property
    def pattern(self) -> re.Pattern[str]:
        """The whole alternation, compiled (two threads compiling it at once both get a
        correct one)."""
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    @property
    def compiled(self) -> bool:
        """Whether the whole alternation has been compiled yet."""
        return self._compiled is not None

    def _word_wise(self) -> bool:
        return not (self._always or self._substrings)

    def _prefixes(self, word: str) -> tuple[str, ...]:
        found = []
        for length in self._lengths:
            if length > len(word):
                break
            if word[:length] in self._by_prefix:
                found.append(word[:length])
        return tuple(found)

    def _at(self, word: str) -> re.Pattern[str] | None:
        """The regex of the alternatives that may match at the start of ``word``."""
        prefixes = self._prefixes(word) if self._lengths else ()
        exact = word if word in self._by_word else ""
        if not exact and not prefixes:
            return None  # most words: nothing starts there (and nothing to remember)
        # keyed by the anchors the word has, not the word: bounded by the anchors, however
        # many different words messages bring ("killing", "killing123" share one entry)
        key = (exact, prefixes)
        try:
            return self._local[key]
        except KeyError:
            pass
        indexes = set(self._by_word.get(exact, ()))
        for prefix in prefixes:
            indexes.update(self._by_prefix[prefix])
        local = None
        if indexes:
            body = "|".join(self._fragments[i] for i in sorted(indexes))
            local = re.compile(self._head + body + self._tail)
        self._local[key] = local
        return local

    def _starts(self, text: str) -> list[tuple[int, re.Pattern[str]]]:
        """Where in ``text`` (single-space separated words) a match may start, with the
        regex to try there."""
        found: list[tuple[int, re.Pattern[str]]] = []
        position = 0
        for word in text.split(" "):
            if word:
                local = self._at(word)
                if local is not None:
                    found.append((position, local))
            position += len(word) + 1
        return found

    def possible(self, text: str, words: Collection[str] | None = None) -> bool:
        """Whether the pattern may match ``text``; False means it certainly does not."""
        if self._always:
            return True
        if self._substrings and any(s in text for s in self._substrings):
            return True
        for word in words if words is not None else text.split(" "):
            if word in self._by_word or (self._lengths and self._prefixes(word)):
                return True
        return False

    def search(self, text: str) -> re.Match[str] | None:
        """What ``re.search`` of the whole alternation finds in ``text``."""
        if not self._word_wise():
            return self.pattern.search(text) if self.possible(text) else None
        for position, local in self._starts(text):
            found = local.match(text, position)
            if found:
                return found
        return None

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        """What ``re.sub`` of the whole alternation makes of ``text``."""
        if not self._word_wise():
            return self.pattern.sub(replacement, text) if self.possible(text) else text
        out: list[str] = []
        done = 0
        for position, local in self._starts(text):
            if position < done:
                continue
            found = local.match(text, position)
            if found:
                out.append(text[done:position])
                out.append(
                    found.expand(replacement)
                    if isinstance(replacement, str)
                    else replacement(found)
                )
                done = found.end()
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)


def first_word(phrase: str) -> str:
    """The first word of a phrase of single-space separated words."""
    return phrase.split(" ", 1)[0]
