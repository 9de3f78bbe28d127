"""The buttons of the staff chat: review an unanswered group, put a question out of scope,
accept or reject a suggested variant (formats: :mod:`bot.telegram.callback_data`). Only staff
presses count; anyone else's is answered without a word (:mod:`bot.telegram.handlers.staff`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.telegram.callback_data.base import MAX_BYTES, ButtonKind, digest, resolve


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
        data = f"{StaffOutOfScopeGroup.prefix}:{question_id}.{digest(group)}"
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
