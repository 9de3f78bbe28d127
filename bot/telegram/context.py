"""The typed callback context every handler receives: ``context.desk``, ``.storage``,
``.settings`` (kept in ``bot_data`` by :func:`bot.telegram.app.build_application`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, cast

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.desk import Desk
    from bot.telegram.data import ChatData, UserData
    from storage import Storage

DESK = "desk"
STORAGE = "storage"
SETTINGS = "settings"


class BotContext(CallbackContext[ExtBot[None], "UserData", "ChatData", dict[Any, Any]]):
    """:class:`telegram.ext.CallbackContext` with the bot's own services and typed
    ``user_data`` / ``chat_data`` (:mod:`bot.telegram.data`)."""

    @property
    def desk(self) -> Desk:
        """The desk that answers questions."""
        return cast("Desk", self.bot_data[DESK])

    @property
    def storage(self) -> Storage:
        """The repository (opened in ``post_init``)."""
        return cast("Storage", self.bot_data[STORAGE])

    @property
    def settings(self) -> Settings:
        """The settings the application was built with."""
        return cast("Settings", self.bot_data[SETTINGS])


#: The application type built by :func:`bot.telegram.app.build_application`.
BotApplication: TypeAlias = Application[
    ExtBot[None], BotContext, "UserData", "ChatData", dict[Any, Any], JobQueue[BotContext]
]
