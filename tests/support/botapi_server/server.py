"""The whole :class:`BotApiServer`, composed of its parts."""

from __future__ import annotations

from .methods_chat import ChatMethods
from .methods_queries import QueryMethods
from .methods_updates import UpdateMethods
from .users import UserSide


class BotApiServer(UserSide, UpdateMethods, QueryMethods, ChatMethods):
    """The server and the simulated Telegram around one bot.

    Parts: :mod:`.core` (state, lifecycle, waiting, faults, dispatch), :mod:`.users` (what
    users do), :mod:`.methods_updates`, :mod:`.methods_messages`, :mod:`.methods_queries`,
    :mod:`.methods_chat` (the Bot API methods), :mod:`.transport` (HTTP).
    """
