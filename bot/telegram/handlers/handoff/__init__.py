"""Handoff to a person (see :mod:`.relay` for the whole story)."""

from bot.telegram.handlers.handoff.relay import (
    available,
    intercept,
    offer,
    register,
    remember_unanswered,
)

__all__ = ["available", "intercept", "offer", "register", "remember_unanswered"]
