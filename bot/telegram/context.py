"""The typed callback context every handler receives: ``context.desk``, ``.storage``,
``.settings`` (kept in the typed ``bot_data`` by :func:`bot.telegram.app.build_application`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

if TYPE_CHECKING:
    from bot.core.config import Settings
    from bot.core.desk import Desk
    from bot.telegram.data import BotData, ChatData, UserData
    from storage import Storage

T = TypeVar("T")


def _service(value: T | None, name: str) -> T:
    if value is None:
        from bot.telegram.data import NotStarted

        raise NotStarted(f"the application has no {name} yet")
    return value


class BotContext(CallbackContext[ExtBot[None], "UserData", "ChatData", "BotData"]):
    """:class:`telegram.ext.CallbackContext` with the bot's own services and typed
    ``user_data`` / ``chat_data`` (:mod:`bot.telegram.data`)."""

    @property
    def desk(self) -> Desk:
        """The desk that answers questions."""
        return _service(self.bot_data.desk, "desk")

    @property
    def storage(self) -> Storage:
        """The repository (opened in ``post_init``)."""
        return _service(self.bot_data.storage, "storage")

    @property
    def settings(self) -> Settings:
        """The settings the application was built with."""
        return _service(self.bot_data.settings, "settings")


#: The application type built by :func:`bot.telegram.app.build_application`.
BotApplication: TypeAlias = Application[
    ExtBot[None], BotContext, "UserData", "ChatData", "BotData", JobQueue[BotContext]
]


def application_settings(application: BotApplication) -> Settings:
    """The settings ``application`` was built with (for jobs and setup, which have no context)."""
    return _service(application.bot_data.settings, "settings")
