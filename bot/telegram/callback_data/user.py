"""The buttons users press: answers, "did you mean", feedback, the topic browser, languages,
/forget, the handoff to a person and the check-in (formats: :mod:`bot.telegram.callback_data`).
"""

from __future__ import annotations

from typing import ClassVar

from bot.telegram.callback_data.base import CATEGORY, LANG, MAX_BYTES, ButtonKind, Callback

#: The user's choices on the handoff consent question.
CONSENT_CHOICES = ("anon", "name", "no")


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
        if arg not in cls.CODES or language is None or not LANG.match(language):
            raise ValueError(f"a check-in button needs unsafe/ok and a language: {arg!r}")
        data = f"{cls.prefix}:{cls.CODES[arg]}:{language}"
        if category and CATEGORY.match(category):
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
        if choice is None or not LANG.match(language):
            return None
        if category and not CATEGORY.match(category):
            return None
        return Callback(cls.action, choice, None, language, category or None)


def checkin(choice: str, language: str, category: str | None = None) -> str:
    """The ``callback_data`` of one check-in button (:class:`Checkin`)."""
    return Checkin.pack_with(choice, language=language, category=category)
