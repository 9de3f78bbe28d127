"""Reload the FAQ files while the bot runs: the staff's /reload and ``run --watch-faq``.

A reload loads and validates the whole tree and builds the desk's indexes in a worker thread,
then switches the running desk over in one step (:meth:`bot.core.desk.Desk.adopt`). When the files
have errors nothing changes: the bot keeps answering from the tree it had, and the result
names every problem (file, line, field) for the staff chat.

The watcher polls the modification times of the ``*.yaml`` files under the FAQ directory
(a job every :data:`WATCH_INTERVAL`; no extra dependency, works on every file system) and
reloads once a change has stayed the same for one poll, so that an editor or ``git pull``
writing several files causes one reload, not one per file.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import cast

from telegram.error import TelegramError

from bot.core.config import Settings
from bot.core.desk import Desk
from bot.core.leiden import today as leiden_today
from bot.telegram.context import BotApplication, BotContext, application_settings
from bot.telegram.data import NotStarted, Snapshot
from bot.telegram.render.staff import reload_failed_message, reload_ok_message
from faq.decision import Thresholds
from faq.lint import lint
from faq.loader import BUNDLED_FAQ_DIR, FaqLoadError, FaqProblem, load_tree
from faq.models import FaqTree

log = logging.getLogger(__name__)

#: How often the watcher looks at the files.
WATCH_INTERVAL = timedelta(seconds=3)


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """What a reload did. ``tree`` is what the bot answers from now (the old one on failure)."""

    ok: bool
    root: Path
    tree: FaqTree
    warnings: int = 0
    problems: tuple[FaqProblem, ...] = ()
    error: str | None = None

    def message(self, *, automatic: bool = False) -> str:
        """The report for the staff chat (HTML)."""
        if self.ok:
            return reload_ok_message(self.tree, self.warnings, automatic=automatic)
        return reload_failed_message(
            self.problems, self.error, self.root, self.tree, automatic=automatic
        )


def faq_root(settings: Settings) -> Path:
    """The FAQ directory the bot answers from: ``FAQ_DIR`` / ``--faq-dir`` or the bundled one."""
    return settings.faq_dir or BUNDLED_FAQ_DIR


def snapshot(root: Path) -> Snapshot:
    """(path, mtime in ns, size) of every FAQ file (``*.yaml`` outside hidden folders)."""
    files: set[tuple[str, int, int]] = set()
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.endswith(".yaml"):
                continue
            path = os.path.join(directory, name)
            try:
                stat = os.stat(path)
            except OSError:  # deleted while we looked
                continue
            files.add((os.path.relpath(path, root), stat.st_mtime_ns, stat.st_size))
    return frozenset(files)


def _build(root: Path, thresholds: Thresholds) -> tuple[Desk, int]:
    """Load, validate and index the tree; count its lint warnings (worker thread)."""
    tree = load_tree(root)
    desk = Desk(tree, thresholds=thresholds)
    return desk, len(lint(tree, matcher=desk.matcher, today=leiden_today()))


def _desk(application: BotApplication) -> Desk:
    desk = application.bot_data.desk
    if desk is None:
        raise NotStarted("the application has no desk yet")
    return desk


async def reload_faq(application: BotApplication) -> ReloadResult:
    """Re-read the FAQ files; switch the desk over only when they load without errors."""
    data = application.bot_data
    async with data.faq_lock:
        desk = _desk(application)
        root = faq_root(application_settings(application))
        files = await asyncio.to_thread(snapshot, root)
        try:
            fresh, warnings = await asyncio.to_thread(_build, root, desk.thresholds)
        except FaqLoadError as exc:
            data.faq_snapshot = files
            log.warning(
                "FAQ reload failed with %d problem(s); keeping the old tree", len(exc.problems)
            )
            return ReloadResult(False, root, desk.tree, problems=tuple(exc.problems))
        except Exception as exc:  # a bug or an unreadable disk must not take the bot down
            data.faq_snapshot = files
            log.exception("FAQ reload failed; keeping the old tree")
            return ReloadResult(False, root, desk.tree, error=f"{type(exc).__name__}: {exc}")
        desk.adopt(fresh)
        data.faq_snapshot = files
        log.info("FAQ reloaded: %d entries, %d lint warnings", len(desk.tree.entries), warnings)
        return ReloadResult(True, root, desk.tree, warnings=warnings)


async def tell_staff(application: BotApplication, text: str) -> None:
    """Post ``text`` (HTML) to the staff chat, if there is one; a failure is only logged."""
    chat_id = application_settings(application).staff_chat_id
    if chat_id is None:
        return
    try:
        await application.bot.send_message(chat_id, text)
    except TelegramError as exc:
        log.warning("could not post to the staff chat: %s", exc)


def start_watching(application: BotApplication) -> None:
    """Remember the files as loaded now and poll them (``run --watch-faq``)."""
    data = application.bot_data
    data.faq_snapshot = snapshot(faq_root(application_settings(application)))
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            watch_job, interval=WATCH_INTERVAL, first=WATCH_INTERVAL, name="faq-watch"
        )


async def watch_job(context: BotContext) -> None:
    """One poll: reload when the files changed and have not changed again since last poll."""
    application = cast(BotApplication, context.application)
    data = application.bot_data
    files = await asyncio.to_thread(snapshot, faq_root(context.settings))
    if files == data.faq_snapshot:
        data.faq_pending = None
        return
    if files != data.faq_pending:
        data.faq_pending = files  # still being written, perhaps: look again next time
        return
    data.faq_pending = None
    result = await reload_faq(application)
    await tell_staff(application, result.message(automatic=True))
