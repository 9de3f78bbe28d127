"""The machinery of :mod:`bot.telegram.callback_data`: the decoded :class:`Callback`, the
:class:`ButtonKind` every kind of button subclasses (declaring one registers it), and the
digest that stands in for an id too long to fit."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

#: Telegram's limit for ``callback_data``, in bytes.
MAX_BYTES = 64

Action = Literal[
    "answer",
    "clarify",
    "none",
    "feedback",
    "topics",
    "topic",
    "browse",
    "langs",
    "lang",
    "forget",
    "human",
    "consent",
    "end",
    "checkin",
    "staff_resolve",
    "staff_ignore",
    "staff_draft",
    "staff_out_of_scope",
    "staff_out_of_scope_group",
    "staff_accept",
    "staff_reject",
]

LANG = re.compile(r"^[a-z]{2}$")
CATEGORY = re.compile(r"^[a-z][a-z-]{0,39}$")
#: The user's choices on the handoff consent question.


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press: what to do, on what, and an optional flag (👍 = True)."""

    action: Action
    arg: str = ""
    flag: bool | None = None
    language: str | None = None
    #: the crisis category a check-in button carries (``ci:u:<xx>:<category>``)
    category: str | None = None
    #: who may press it (owned kinds), None when the button names no owner
    owner: int | None = None


#: An owner id: a positive Telegram id (at most 16 digits; they fit in 52 bits).
OWNER = re.compile(r"^[1-9][0-9]{0,15}$")


def digest(entry_id: str) -> str:
    return "#" + hashlib.blake2s(entry_id.encode("utf-8"), digest_size=8).hexdigest()


class ButtonKind:
    """One kind of button: its action, its prefix, and how it packs and parses itself.

    A kind is declared as a subclass with ``action=`` and ``prefix=``; declaring it registers
    it (:data:`KINDS`, :data:`BY_PREFIX`), so a new kind is one class and nothing else.
    """

    action: ClassVar[Action]
    prefix: ClassVar[str]
    #: No argument at all (the data is the prefix).
    bare: ClassVar[bool] = False
    #: The argument is an entry id: it may carry the answer's language and be digested.
    entry: ClassVar[bool] = False
    #: A too long argument is replaced by its digest (else it is an error).
    digestible: ClassVar[bool] = False
    #: A trailing ``:1`` / ``:0`` flag is required.
    flagged: ClassVar[bool] = False
    #: A trailing ``:<owner id>`` may name the only person who may press it.
    owned: ClassVar[bool] = False

    def __init_subclass__(cls, *, action: Action, prefix: str, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.action, cls.prefix = action, prefix
        if action in KINDS or prefix in BY_PREFIX:
            raise TypeError(f"button kind {action!r} / prefix {prefix!r} declared twice")
        KINDS[action] = cls
        BY_PREFIX[prefix] = cls

    @classmethod
    def accepts(cls, arg: str) -> bool:
        """Whether ``arg`` is a valid argument of this kind (after the generic checks)."""
        return True

    @classmethod
    def pack(
        cls,
        arg: str = "",
        flag: bool | None = None,
        *,
        language: str | None = None,
        owner: int | None = None,
    ) -> str:
        """The ``callback_data`` for one button (always at most :data:`MAX_BYTES` bytes)."""
        if cls.bare:
            return cls.prefix
        if language is not None and (not cls.entry or not LANG.match(language)):
            raise ValueError(f"no language on {cls.action} buttons, or a bad one: {language!r}")
        if owner is not None and (not cls.owned or not OWNER.match(str(owner))):
            raise ValueError(f"no owner on {cls.action} buttons, or a bad one: {owner!r}")
        suffix = (
            (f":{language}" if language else "")
            + ("" if flag is None else (":1" if flag else ":0"))
            + ("" if owner is None else f":{owner}")
        )
        data = f"{cls.prefix}:{arg}{suffix}"
        if len(data.encode("utf-8")) > MAX_BYTES:
            if not cls.digestible:
                raise ValueError(f"callback argument too long: {arg!r}")
            data = f"{cls.prefix}:{digest(arg)}{suffix}"
        return data

    @classmethod
    def parse(cls, rest: str) -> Callback | None:
        """The press behind the data after ``<prefix>:``, or None when it is not valid."""
        if cls.bare:
            return Callback(cls.action) if not rest else None
        owner: int | None = None
        if cls.owned:
            head, _, tail = rest.rpartition(":")
            if head and OWNER.match(tail):
                rest, owner = head, int(tail)
        flag: bool | None = None
        if cls.flagged:
            rest, _, value = rest.rpartition(":")
            if value not in ("0", "1"):
                return None
            flag = value == "1"
        language: str | None = None
        if cls.entry:
            head, _, tail = rest.rpartition(":")
            if head and LANG.match(tail):
                rest, language = head, tail
        if not rest or ":" in rest or not cls.accepts(rest):
            return None
        return Callback(cls.action, rest, flag, language, owner=owner)


#: Every kind by its action, and by its prefix (filled as the kinds below are declared).
KINDS: dict[str, type[ButtonKind]] = {}
BY_PREFIX: dict[str, type[ButtonKind]] = {}


def resolve(ref: str, known: Iterable[str]) -> str | None:
    """The entry id or category ``ref`` stands for (itself, or the one whose digest it is),
    if it is among ``known``."""
    ids = known if isinstance(known, (set, frozenset, dict)) else set(known)
    if not ref.startswith("#"):
        return ref if ref in ids else None
    return next((e for e in ids if digest(e) == ref), None)
