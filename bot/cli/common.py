"""What several commands share: the FAQ tree and thresholds they answer with, and the parent
parser with ``--faq-dir`` and ``--thresholds``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from bot.core.config import Settings, SettingsError
from bot.core.desk import Desk
from faq.cache import ArtefactCache
from faq.decision import Thresholds
from faq.prepared import load_prepared

#: A command: ``(args, settings)`` to the exit code.
Command = Callable[[argparse.Namespace, Settings], int]


def faq_dir(args: argparse.Namespace, settings: Settings) -> Path | None:
    """The FAQ tree chosen by ``--faq-dir``, else ``FAQ_DIR`` (``None``: the bundled one)."""
    return getattr(args, "faq_dir", None) or settings.faq_dir


def load_desk(args: argparse.Namespace, settings: Settings) -> Desk:
    """The desk on the FAQ tree chosen by ``--faq-dir`` / ``FAQ_DIR`` / the bundled one,
    from the FAQ cache when the files are unchanged (``WELCOMEBOT_CACHE_DIR``)."""
    faq = load_prepared(faq_dir(args, settings), ArtefactCache.from_setting(settings.cache_dir))
    return Desk(faq.tree, thresholds=thresholds(args), prepared=faq)


def thresholds(args: argparse.Namespace) -> Thresholds:
    """The decision thresholds with the ``--thresholds key=value,...`` overrides."""
    overrides = getattr(args, "thresholds", None)
    if not overrides:
        return Thresholds()
    values: dict[str, float] = {}
    for pair in overrides.split(","):
        key, _, value = pair.partition("=")
        if key.strip() not in Thresholds.__dataclass_fields__:
            raise SettingsError(
                f"unknown threshold {key.strip()!r} (known: {', '.join(Thresholds.__dataclass_fields__)})"
            )
        values[key.strip()] = float(value)
    return Thresholds(**values)  # type: ignore[arg-type]
