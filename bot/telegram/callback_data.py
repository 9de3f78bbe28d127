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
- ``lang:<xx>``: choose the interface language
- ``forget:yes``: confirm /forget (``forget:no`` cancels)
- ``human``: "talk to a person"
- ``hc:<anon|name|no>``: the user's answer to the handoff consent question (send anonymously,
  send with my first name, cancel)
- ``hend``: the user ends the conversation with the team
- ``sres:<id>`` / ``sign:<id>`` / ``sdraft:<id>``: staff chat, resolve / ignore / draft an FAQ
  entry for the unanswered group whose representative question is ``<id>`` (only staff
  presses count; anyone else's is answered without a word, see :mod:`bot.telegram.handlers.staff`)

The language (``:<xx>``, optional) keeps a conversation in the language the answer was given
in (the question's language, which may differ from the user's setting); without it the
handler uses the user's language.

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
from typing import Literal

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
    "staff_resolve",
    "staff_ignore",
    "staff_draft",
]

_PREFIX: dict[Action, str] = {
    "answer": "a",
    "clarify": "cl",
    "none": "none",
    "feedback": "fb",
    "topics": "topics",
    "topic": "topic",
    "browse": "ta",
    "langs": "langs",
    "lang": "lang",
    "forget": "forget",
    "human": "human",
    "consent": "hc",
    "end": "hend",
    "staff_resolve": "sres",
    "staff_ignore": "sign",
    "staff_draft": "sdraft",
}
_ACTION = {prefix: action for action, prefix in _PREFIX.items()}
#: Actions whose argument is an entry id (and may therefore be digested).
_ENTRY_ACTIONS = frozenset({"answer", "clarify", "feedback", "browse"})
_LANG = re.compile(r"^[a-z]{2}$")
#: Actions that take no argument.
_BARE_ACTIONS = frozenset({"none", "topics", "langs", "human", "end"})
#: Staff actions: their argument is a question id.
STAFF_ACTIONS = frozenset({"staff_resolve", "staff_ignore", "staff_draft"})
#: The user's choices on the handoff consent question.
CONSENT_CHOICES = ("anon", "name", "no")


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press: what to do, on what, and an optional flag (👍 = True)."""

    action: Action
    arg: str = ""
    flag: bool | None = None
    language: str | None = None


def _digest(entry_id: str) -> str:
    return "#" + hashlib.blake2s(entry_id.encode("utf-8"), digest_size=8).hexdigest()


def encode(
    action: Action, arg: str = "", flag: bool | None = None, *, language: str | None = None
) -> str:
    """The ``callback_data`` for one button (always at most 64 bytes)."""
    prefix = _PREFIX[action]
    if action in _BARE_ACTIONS:
        return prefix
    if language is not None and (action not in _ENTRY_ACTIONS or not _LANG.match(language)):
        raise ValueError(f"no language on {action} buttons, or a bad one: {language!r}")
    suffix = (f":{language}" if language else "") + (
        "" if flag is None else (":1" if flag else ":0")
    )
    data = f"{prefix}:{arg}{suffix}"
    if len(data.encode("utf-8")) > MAX_BYTES:
        if action not in _ENTRY_ACTIONS and action != "topic":
            raise ValueError(f"callback argument too long: {arg!r}")
        data = f"{prefix}:{_digest(arg)}{suffix}"
    return data


def decode(data: str | None) -> Callback | None:
    """The press behind ``data``, or None for anything this version does not know."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    prefix, _, rest = data.partition(":")
    action = _ACTION.get(prefix)
    if action is None:
        return None
    if action in _BARE_ACTIONS:
        return Callback(action) if not rest else None
    flag: bool | None = None
    if action == "feedback":
        rest, _, value = rest.rpartition(":")
        if value not in ("0", "1"):
            return None
        flag = value == "1"
    language: str | None = None
    if action in _ENTRY_ACTIONS:
        head, _, tail = rest.rpartition(":")
        if head and _LANG.match(tail):
            rest, language = head, tail
    if not rest or ":" in rest:
        return None
    if action == "forget" and rest not in ("yes", "no"):
        return None
    if action == "consent" and rest not in CONSENT_CHOICES:
        return None
    if action in STAFF_ACTIONS and not (rest.isascii() and rest.isdigit()):
        return None
    return Callback(action, rest, flag, language)


def resolve(ref: str, known: Iterable[str]) -> str | None:
    """The entry id or category ``ref`` stands for (itself, or the one whose digest it is),
    if it is among ``known``."""
    ids = known if isinstance(known, (set, frozenset, dict)) else set(known)
    if not ref.startswith("#"):
        return ref if ref in ids else None
    return next((e for e in ids if _digest(e) == ref), None)
