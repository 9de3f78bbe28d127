"""The ``callback_data`` of every inline button, in one place.

Telegram gives a button at most 64 bytes of ``callback_data`` and sends it back verbatim when
the button is pressed, possibly long after the bot was restarted or updated. The formats are
short ``<prefix>:<argument>`` strings:

- ``a:<entry>[:<xx>]``: show an entry's answer as a new message (related entries)
- ``cl:<entry>[:<xx>]``: the user picked this suggestion under a "did you mean" message
- ``none``: "none of these" under a "did you mean" message
- ``fb:<entry>[:<xx>]:1``: 👍 under an answer (``:0`` is 👎)
- ``topics``: the topic list (edits the message in place)
- ``topic:<category>``: the questions of one category (edits the message in place)
- ``ta:<entry>[:<xx>]``: an answer inside the topic browser (edits the message in place)
- ``langs``: the language picker
- ``lang:<xx>[:<owner>]``: choose the interface language
- ``forget:yes[:<owner>]``: confirm /forget (``forget:no`` cancels)
- ``human``: "talk to a person"
- ``hc:<anon|name|no>``: the user's answer to the handoff consent question (send anonymously,
  send with my first name, cancel)
- ``hend``: the user ends the conversation with the team
- ``ci:<u|ok>:<xx>[:<category>]``: a button under a check-in (a risk signal without certainty):
  ``u`` "I'm not safe right now" (the crisis reply in ``<xx>``, led for ``<category>``), ``ok``
  "I'm OK, I had a question" (the normal answer to the message the check-in quotes: the text is
  read back from Telegram's ``reply_to_message``, never kept by the bot)
- ``sres:<id>`` / ``sign:<id>`` / ``sdraft:<id>``: staff chat, resolve / ignore / draft an FAQ
  entry for the unanswered group whose representative question is ``<id>`` (only staff
  presses count; anyone else's is answered without a word, see :mod:`bot.telegram.handlers.staff`)
- ``soos:<id>``: staff chat, "out of scope" for question ``<id>``: shows the out-of-scope groups
- ``soosg:<id>.<group>``: staff chat, write question ``<id>`` into that out-of-scope group
  (``<group>`` is the group id, or ``#`` and a digest of it when too long)
- ``sgok:<id>`` / ``sgno:<id>``: staff chat, accept / reject suggested variant ``<id>``

``<owner>`` is the Telegram id of the person the buttons were shown to: in a group only they
may press them (:mod:`bot.telegram.callback_owner`). It is a number Telegram already shows
every member of the group (it is the sender of the command), not user text.

The language (``:<xx>``, optional) keeps a conversation in the language the answer was given
in (the question's language, which may differ from the user's setting); without it the
handler uses the user's language.

Each kind is a small class (:class:`ButtonKind` subclasses below, in the style of aiogram's
``CallbackData``) that packs and parses itself; declaring the class registers it, so there are
no parallel tables to keep in step. :func:`encode` and :func:`decode` dispatch to them.

Versioning: a button that is already in someone's chat must keep working or fail politely.
Never change what an existing prefix means; a new format gets a new prefix, and anything
:func:`decode` does not recognise is answered with "this button no longer works".

User text never goes into ``callback_data`` (it is stored by Telegram with the message and
would outlive /forget). An entry id or category too long to fit is replaced by ``#`` and a short
digest of it, resolved against the FAQ tree on the way back (:func:`resolve`).
"""

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

_LANG = re.compile(r"^[a-z]{2}$")
_CATEGORY = re.compile(r"^[a-z][a-z-]{0,39}$")
#: The user's choices on the handoff consent question.
CONSENT_CHOICES = ("anon", "name", "no")


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
_OWNER = re.compile(r"^[1-9][0-9]{0,15}$")


def _digest(entry_id: str) -> str:
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
        if language is not None and (not cls.entry or not _LANG.match(language)):
            raise ValueError(f"no language on {cls.action} buttons, or a bad one: {language!r}")
        if owner is not None and (not cls.owned or not _OWNER.match(str(owner))):
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
            data = f"{cls.prefix}:{_digest(arg)}{suffix}"
        return data

    @classmethod
    def parse(cls, rest: str) -> Callback | None:
        """The press behind the data after ``<prefix>:``, or None when it is not valid."""
        if cls.bare:
            return Callback(cls.action) if not rest else None
        owner: int | None = None
        if cls.owned:
            head, _, tail = rest.rpartition(":")
            if head and _OWNER.match(tail):
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
            if head and _LANG.match(tail):
                rest, language = head, tail
        if not rest or ":" in rest or not cls.accepts(rest):
            return None
        return Callback(cls.action, rest, flag, language, owner=owner)


#: Every kind by its action, and by its prefix (filled as the kinds below are declared).
KINDS: dict[str, type[ButtonKind]] = {}
BY_PREFIX: dict[str, type[ButtonKind]] = {}


class Answer(ButtonKind, action="answer", prefix="a"):
    """``a:<entry>[:<xx>]``: an entry's answer as a new message (related entries)."""

    entry = digestible = True


class Clarify(ButtonKind, action="clarify", prefix="cl"):
    """``cl:<entry>[:<xx>]``: the user picked this suggestion under "did you mean"."""

    entry = digestible = True


class NoneOfThese(ButtonKind, action="none", prefix="none"):
    """``none``: "none of these" under a "did you mean" message."""

    bare = True


class Feedback(ButtonKind, action="feedback", prefix="fb"):
    """``fb:<entry>[:<xx>]:1`` 👍 / ``:0`` 👎 under an answer."""

    entry = digestible = flagged = True


class Topics(ButtonKind, action="topics", prefix="topics"):
    """``topics``: the topic list."""

    bare = True


class Topic(ButtonKind, action="topic", prefix="topic"):
    """``topic:<category>``: the questions of one category."""

    digestible = True


class Browse(ButtonKind, action="browse", prefix="ta"):
    """``ta:<entry>[:<xx>]``: an answer inside the topic browser."""

    entry = digestible = True


class Languages(ButtonKind, action="langs", prefix="langs"):
    """``langs``: the language picker."""

    bare = True


class Language(ButtonKind, action="lang", prefix="lang"):
    """``lang:<xx>[:<owner>]``: choose the interface language."""

    owned = True


class Forget(ButtonKind, action="forget", prefix="forget"):
    """``forget:yes[:<owner>]`` confirms /forget, ``forget:no`` cancels."""

    owned = True

    @classmethod
    def accepts(cls, arg: str) -> bool:
        """Only yes or no."""
        return arg in ("yes", "no")


class Human(ButtonKind, action="human", prefix="human"):
    """``human``: "talk to a person"."""

    bare = True


class Consent(ButtonKind, action="consent", prefix="hc"):
    """``hc:<anon|name|no>``: the answer to the handoff consent question."""

    @classmethod
    def accepts(cls, arg: str) -> bool:
        """One of :data:`CONSENT_CHOICES`."""
        return arg in CONSENT_CHOICES


class End(ButtonKind, action="end", prefix="hend"):
    """``hend``: the user ends the conversation with the team."""

    bare = True


class Checkin(ButtonKind, action="checkin", prefix="ci"):
    """``ci:<u|ok>:<xx>[:<category>]``: "I'm not safe right now" / "I'm OK, I had a question"
    under a check-in, in the check-in's language, with its crisis category when it had one.

    The argument of :func:`encode` and of the decoded :class:`Callback` is the choice,
    ``"unsafe"`` or ``"ok"``; the category goes in with :func:`checkin`.
    """

    #: the choice as written in the data, and back
    CODES: ClassVar[dict[str, str]] = {"unsafe": "u", "ok": "ok"}

    @classmethod
    def pack(
        cls,
        arg: str = "",
        flag: bool | None = None,
        *,
        language: str | None = None,
        owner: int | None = None,
    ) -> str:
        """``ci:<u|ok>:<xx>``; :func:`checkin` adds a category (no owner: private chats only)."""
        return cls.pack_with(arg, language=language)

    @classmethod
    def pack_with(cls, arg: str, *, language: str | None, category: str | None = None) -> str:
        """The data for one check-in button (a category that does not fit is left out: the
        press then reads it from the original message)."""
        if arg not in cls.CODES or language is None or not _LANG.match(language):
            raise ValueError(f"a check-in button needs unsafe/ok and a language: {arg!r}")
        data = f"{cls.prefix}:{cls.CODES[arg]}:{language}"
        if category and _CATEGORY.match(category):
            longer = f"{data}:{category}"
            if len(longer.encode("utf-8")) <= MAX_BYTES:
                data = longer
        return data

    @classmethod
    def parse(cls, rest: str) -> Callback | None:
        """The choice, the language and the optional category."""
        code, _, rest = rest.partition(":")
        language, _, category = rest.partition(":")
        choice = next((a for a, c in cls.CODES.items() if c == code), None)
        if choice is None or not _LANG.match(language):
            return None
        if category and not _CATEGORY.match(category):
            return None
        return Callback(cls.action, choice, None, language, category or None)


def checkin(choice: str, language: str, category: str | None = None) -> str:
    """The ``callback_data`` of one check-in button (:class:`Checkin`)."""
    return Checkin.pack_with(choice, language=language, category=category)


class _QuestionId:
    """The argument is a question id (staff buttons)."""

    @classmethod
    def accepts(cls, arg: str) -> bool:
        """A question id: ASCII digits."""
        return arg.isascii() and arg.isdigit()


class StaffResolve(_QuestionId, ButtonKind, action="staff_resolve", prefix="sres"):
    """``sres:<id>``: staff resolve the unanswered group of question ``<id>``."""


class StaffIgnore(_QuestionId, ButtonKind, action="staff_ignore", prefix="sign"):
    """``sign:<id>``: staff ignore the group."""


class StaffDraft(_QuestionId, ButtonKind, action="staff_draft", prefix="sdraft"):
    """``sdraft:<id>``: staff want a draft FAQ entry for the group."""


class StaffOutOfScope(_QuestionId, ButtonKind, action="staff_out_of_scope", prefix="soos"):
    """``soos:<id>``: staff want to mark question ``<id>`` out of scope (pick a group next)."""


_GROUP_ARG = re.compile(r"^[0-9]+\.(?:[a-z0-9]+(?:-[a-z0-9]+)*|#[0-9a-f]{16})$")


class StaffOutOfScopeGroup(ButtonKind, action="staff_out_of_scope_group", prefix="soosg"):
    """``soosg:<id>.<group>``: staff write question ``<id>`` into out-of-scope ``<group>``."""

    @classmethod
    def accepts(cls, arg: str) -> bool:
        """A question id, a dot and a group id (or its digest)."""
        return bool(_GROUP_ARG.match(arg))


def out_of_scope_group(question_id: int, group: str) -> str:
    """The ``callback_data`` of the button that puts question ``question_id`` into ``group``
    (a group id too long to fit is replaced by its digest: :func:`split_group`)."""
    data = f"{StaffOutOfScopeGroup.prefix}:{question_id}.{group}"
    if len(data.encode("utf-8")) > MAX_BYTES or not _GROUP_ARG.match(f"{question_id}.{group}"):
        data = f"{StaffOutOfScopeGroup.prefix}:{question_id}.{_digest(group)}"
    return data


def split_group(arg: str, groups: Iterable[str]) -> tuple[int, str | None]:
    """The question id and the out-of-scope group (None when no longer known) of a
    ``soosg`` argument."""
    number, _, ref = arg.partition(".")
    return int(number), resolve(ref, groups)


class StaffAccept(_QuestionId, ButtonKind, action="staff_accept", prefix="sgok"):
    """``sgok:<id>``: staff accept suggested variant ``<id>`` (written into its entry)."""


class StaffReject(_QuestionId, ButtonKind, action="staff_reject", prefix="sgno"):
    """``sgno:<id>``: staff reject suggested variant ``<id>``."""


#: Staff actions: their argument starts with a question (or suggestion) id.
STAFF_ACTIONS = frozenset(
    {
        "staff_resolve",
        "staff_ignore",
        "staff_draft",
        "staff_out_of_scope",
        "staff_out_of_scope_group",
        "staff_accept",
        "staff_reject",
    }
)


def encode(
    action: Action,
    arg: str = "",
    flag: bool | None = None,
    *,
    language: str | None = None,
    owner: int | None = None,
) -> str:
    """The ``callback_data`` for one button (always at most 64 bytes)."""
    return KINDS[action].pack(arg, flag, language=language, owner=owner)


#: Actions whose buttons name their owner (``:<owner id>``).
OWNED_ACTIONS = frozenset(action for action, kind in KINDS.items() if kind.owned)


def decode(data: str | None) -> Callback | None:
    """The press behind ``data``, or None for anything this version does not know."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    prefix, _, rest = data.partition(":")
    kind = BY_PREFIX.get(prefix)
    return kind.parse(rest) if kind is not None else None


def resolve(ref: str, known: Iterable[str]) -> str | None:
    """The entry id or category ``ref`` stands for (itself, or the one whose digest it is),
    if it is among ``known``."""
    ids = known if isinstance(known, (set, frozenset, dict)) else set(known)
    if not ref.startswith("#"):
        return ref if ref in ids else None
    return next((e for e in ids if _digest(e) == ref), None)
