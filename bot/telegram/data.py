"""Typed per-user and per-chat data (PTB's ``user_data`` and ``chat_data``, memory only: lost
on restart, cleared by /forget). Handlers read ``context.user_data.handoff``, never string keys
in a dict."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.telegram.handlers.handoff.state import HandoffState


def _handoff_state() -> HandoffState:
    # imported here: the handlers import this module, and the state lives among them
    from bot.telegram.handlers.handoff.state import HandoffState

    return HandoffState()


@dataclass(frozen=True, slots=True)
class PendingQuestion:
    """A question behind a "did you mean" message, kept in memory only."""

    user_id: int | None
    question: str
    language: str
    candidates: tuple[tuple[str, float], ...]


@dataclass(slots=True)
class UserData:
    """What the bot keeps about one user between updates."""

    handoff: HandoffState = field(default_factory=_handoff_state)

    def clear(self) -> None:
        """Forget everything (/forget)."""
        self.handoff = _handoff_state()


@dataclass(slots=True)
class ChatData:
    """What the bot keeps about one chat between updates."""

    #: The questions behind recent "did you mean" messages, by message id (bounded).
    pending: OrderedDict[int, PendingQuestion] = field(default_factory=OrderedDict)
