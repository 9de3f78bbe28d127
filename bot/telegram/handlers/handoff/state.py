"""A user's handoff state, typed: what was offered, what the bot waits for, and the lock
that serialises their consent and typed question (memory only: lost on restart, cleared by
/forget with the rest of the user's data)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

#: How long the last unanswered question is offered for a handoff.
QUESTION_MEMORY = 30 * 60.0
#: How long the bot waits for the question after consent.
AWAIT_QUESTION = 15 * 60.0
#: An open handoff catches the user's messages for this long after it was opened.
OPEN_FOR = timedelta(days=3)
#: The period ``HANDOFFS_PER_DAY`` counts over.
LIMIT_PERIOD = timedelta(days=1)


class Stage(Enum):
    """Where a user is on the way to a person (an open handoff itself lives in storage)."""

    IDLE = "idle"
    #: The consent question was sent; its buttons decide.
    OFFERED = "offered"
    #: The user consented without a question; their next message is the question.
    AWAITING_QUESTION = "awaiting_question"


@dataclass(frozen=True, slots=True)
class Question:
    """The user's last unanswered question (offered for a handoff)."""

    text: str
    language: str
    at: float


@dataclass(frozen=True, slots=True)
class Offer:
    """The consent message sent, and the question it offers (if any)."""

    message_id: int
    question: Question | None


@dataclass(frozen=True, slots=True)
class Awaiting:
    """Consent was given without a question: the next message goes to the team."""

    share_name: bool
    at: float


@dataclass(slots=True)
class HandoffState:
    """One user's handoff state (kept in their ``user_data``)."""

    last_question: Question | None = None
    offer: Offer | None = None
    awaiting: Awaiting | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def stage(self) -> Stage:
        """The furthest step the user is at (waiting for the question wins over an offer)."""
        if self.awaiting is not None:
            return Stage.AWAITING_QUESTION
        if self.offer is not None:
            return Stage.OFFERED
        return Stage.IDLE

    def remember(self, question: str, language: str) -> None:
        """Keep the user's last unanswered question."""
        self.last_question = Question(question, language, time.monotonic())

    def recent_question(self) -> Question | None:
        """The last unanswered question, while it is recent enough to offer."""
        question = self.last_question
        if question is not None and time.monotonic() - question.at < QUESTION_MEMORY:
            return question
        return None

    def take_offer(self, message_id: int) -> Offer | None:
        """The offer made in message ``message_id``, forgotten once taken (None: another)."""
        offered = self.offer if self.offer and self.offer.message_id == message_id else None
        if offered is not None:
            self.offer = None
        return offered

    def await_question(self, share_name: bool) -> None:
        """Wait for the user to type their question."""
        self.awaiting = Awaiting(share_name, time.monotonic())

    def waiting(self) -> Awaiting | None:
        """What the bot waits for, dropped once it has waited too long."""
        if self.awaiting is not None and time.monotonic() - self.awaiting.at >= AWAIT_QUESTION:
            self.awaiting = None
        return self.awaiting

    def cancel(self) -> None:
        """The user cancelled: no offer, nothing awaited."""
        self.offer = None
        self.awaiting = None
