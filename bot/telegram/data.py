"""Typed ``bot_data``, ``user_data`` and ``chat_data`` (PTB's ContextTypes): the bot's services
and state, and per-user and per-chat memory (lost on restart, cleared by /forget). What a
conversation must remember across a restart lives in the database instead
(:mod:`storage.conversation`); memory keeps locks, and a question behind a "did you mean" only
when the database could not take it. Handlers
read ``context.user_data.handoff`` or ``context.bot_data.settings``, never string keys."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.desk import Desk
    from bot.telegram.handlers.flood import FloodGate
    from bot.telegram.handlers.handoff.state import HandoffState
    from bot.telegram.memory import MemoryBound
    from storage import Storage

#: The FAQ files as the watcher saw them: (path, size, mtime in ns) of each.
Snapshot = frozenset[tuple[str, int, int]]


class NotStarted(RuntimeError):
    """A service (desk, storage, settings) was used before the application provided it."""


@dataclass(slots=True)
class BotData:
    """The application's services and its own state (one per application)."""

    settings: Settings | None = None
    desk: Desk | None = None
    storage: Storage | None = None
    #: The storage was opened by ``post_init`` (and is closed on shutdown).
    owns_storage: bool = False
    #: How the running bot receives updates: "starting", "polling" or "webhook".
    receiving: str = "starting"
    #: The per-user message limit, made on first use (:func:`bot.telegram.handlers.flood.gate`).
    flood_gate: FloodGate | None = None
    #: The per-user limit for button presses (:func:`bot.telegram.handlers.flood.button_gate`).
    button_gate: FloodGate | None = None
    #: Which users and chats were seen lately; drops the data of the others (bounded memory).
    memory: MemoryBound | None = None
    #: Pending "messages skipped" notices, one per user (the flood limit).
    flood_notices: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    #: The FAQ files as last loaded, and a change waiting to settle (the FAQ watcher).
    faq_snapshot: Snapshot | None = None
    faq_pending: Snapshot | None = None
    #: One FAQ reload at a time.
    faq_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: The staff chat's administrators and when they were read (:mod:`bot.telegram.staff_auth`).
    staff_admins: tuple[float, frozenset[int]] | None = None


def _handoff_state() -> HandoffState:
    # imported here: the handlers import this module, and the state lives among them
    from bot.telegram.handlers.handoff.state import HandoffState

    return HandoffState()


@dataclass(frozen=True, slots=True)
class PendingQuestion:
    """A question behind a "did you mean" message (from the database, or kept in memory
    while the database could not take it)."""

    user_id: int | None
    question: str
    language: str
    candidates: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """The question behind an answer message, kept in memory only, so that its 👍 can
    suggest it as a variant and its 👎 can log it with the entry it got."""

    user_id: int | None
    question: str
    language: str
    entry: str
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
    #: The questions behind recent answer messages, by message id (bounded).
    answered: OrderedDict[int, AnsweredQuestion] = field(default_factory=OrderedDict)
