"""A user's handoff state in this process: only the lock that serialises their consent and
typed question. What the handoff remembers between updates (the offer, the question it
offers, a consent waiting for its question) lives in the database
(:class:`storage.conversation.ConversationStore`), so a restart or another replica keeps it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

#: An open handoff catches the user's messages for this long after it was opened.
OPEN_FOR = timedelta(days=3)
#: The period ``HANDOFFS_PER_DAY`` counts over.
LIMIT_PERIOD = timedelta(days=1)


@dataclass(slots=True)
class HandoffState:
    """One user's handoff lock (kept in their ``user_data``)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
