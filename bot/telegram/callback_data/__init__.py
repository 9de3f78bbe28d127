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

Each kind is a small class (:class:`ButtonKind` subclasses, in the style of aiogram's
``CallbackData``) that packs and parses itself; declaring the class registers it, so there are
no parallel tables to keep in step. :func:`encode` and :func:`decode` dispatch to them. The
machinery is in :mod:`.base`, the users' buttons in :mod:`.user`, the staff chat's in
:mod:`.staff`.

Versioning: a button that is already in someone's chat must keep working or fail politely.
Never change what an existing prefix means; a new format gets a new prefix, and anything
:func:`decode` does not recognise is answered with "this button no longer works".

User text never goes into ``callback_data`` (it is stored by Telegram with the message and
would outlive /forget). An entry id or category too long to fit is replaced by ``#`` and a short
digest of it, resolved against the FAQ tree on the way back (:func:`resolve`).
"""

from __future__ import annotations

from bot.telegram.callback_data.base import (
    BY_PREFIX,
    KINDS,
    MAX_BYTES,
    Action,
    ButtonKind,
    Callback,
    resolve,
)
from bot.telegram.callback_data.staff import (
    STAFF_ACTIONS,
    StaffAccept,
    StaffDraft,
    StaffIgnore,
    StaffOutOfScope,
    StaffOutOfScopeGroup,
    StaffReject,
    StaffResolve,
    out_of_scope_group,
    split_group,
)
from bot.telegram.callback_data.user import (
    CONSENT_CHOICES,
    Answer,
    Browse,
    Checkin,
    Clarify,
    Consent,
    End,
    Feedback,
    Forget,
    Human,
    Language,
    Languages,
    NoneOfThese,
    Topic,
    Topics,
    checkin,
)

__all__ = [
    "BY_PREFIX",
    "CONSENT_CHOICES",
    "KINDS",
    "MAX_BYTES",
    "OWNED_ACTIONS",
    "STAFF_ACTIONS",
    "Action",
    "Answer",
    "Browse",
    "ButtonKind",
    "Callback",
    "Checkin",
    "Clarify",
    "Consent",
    "End",
    "Feedback",
    "Forget",
    "Human",
    "Language",
    "Languages",
    "NoneOfThese",
    "StaffAccept",
    "StaffDraft",
    "StaffIgnore",
    "StaffOutOfScope",
    "StaffOutOfScopeGroup",
    "StaffReject",
    "StaffResolve",
    "Topic",
    "Topics",
    "checkin",
    "decode",
    "encode",
    "out_of_scope_group",
    "resolve",
    "split_group",
]


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
