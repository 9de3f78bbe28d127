"""The Leiden welcome bot: Telegram layer, the desk that answers, and the command line."""

__version__ = "0.1.0"
