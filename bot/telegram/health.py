"""Is the running bot alive? The heartbeat file and ``welcomebot health``.

The running bot writes ``DATA_DIR/heartbeat.<REPLICA_ID>`` (a small JSON object: time,
process id, replica, how it receives updates, the webhook port) from its job queue every
:data:`HEARTBEAT_INTERVAL` seconds, so the file only stays fresh while the event loop runs.
Each replica has its own file (``REPLICA_ID`` defaults to the host name, which Docker makes
the container's id), so replicas sharing a volume cannot vouch for each other.
``welcomebot health`` (the Docker ``HEALTHCHECK``) exits 0 when this replica's heartbeat is
younger than :data:`MAX_AGE` seconds and, for a bot in webhook mode (or with ``--webhook``),
``GET /healthz`` on the webhook port answers 200; 1 otherwise, with the reason on one line.
It needs no token and opens no database, so it is cheap to run every minute.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import Settings
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)

#: The heartbeat file's name before ``.<REPLICA_ID>``; alone, the shared name of older versions.
HEARTBEAT_FILE = "heartbeat"
#: Seconds between heartbeats.
HEARTBEAT_INTERVAL = 30.0
#: A heartbeat older than this (seconds) means the bot is not alive.
MAX_AGE = 180.0
#: Seconds ``GET /healthz`` may take.
HTTP_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The content of the heartbeat file."""

    time: float  # seconds since the epoch
    pid: int
    mode: str  # "polling", "webhook" or "starting"
    host: str | None = None  # where /healthz answers (webhook mode)
    port: int | None = None
    replica: str | None = None  # REPLICA_ID of the writer; None in files of older versions


def heartbeat_path(settings: Settings) -> Path:
    """This replica's heartbeat file: ``DATA_DIR/heartbeat.<REPLICA_ID>``."""
    return settings.data_dir / f"{HEARTBEAT_FILE}.{settings.replica_id}"


def shared_heartbeat_path(settings: Settings) -> Path:
    """``DATA_DIR/heartbeat``, the one file that versions before per-replica files wrote."""
    return settings.data_dir / HEARTBEAT_FILE


def _probe_host(listen: str) -> str:
    """The address to reach a server listening on ``listen`` from the same machine."""
    return "127.0.0.1" if listen in ("", "0.0.0.0", "::") else listen


def write_heartbeat(path: Path, beat: Heartbeat) -> None:
    """Write ``beat`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps(
            {
                "time": beat.time,
                "pid": beat.pid,
                "mode": beat.mode,
                "host": beat.host,
                "port": beat.port,
                "replica": beat.replica,
            }
        ),
        encoding="utf-8",
    )
    os.replace(tmp, path)


def read_heartbeat(path: Path) -> Heartbeat:
    """The heartbeat in ``path``; ``OSError`` or ``ValueError`` when missing or unreadable."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a heartbeat")
    try:
        port = data.get("port")
        return Heartbeat(
            time=float(data["time"]),
            pid=int(data["pid"]),
            mode=str(data["mode"]),
            host=str(data["host"]) if data.get("host") else None,
            port=int(port) if port is not None else None,
            replica=str(data["replica"]) if data.get("replica") else None,
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a heartbeat: {exc}") from None


def current_heartbeat(settings: Settings, mode: str) -> Heartbeat:
    """The heartbeat of this process, now."""
    webhook = mode == "webhook"
    return Heartbeat(
        time=time.time(),
        pid=os.getpid(),
        mode=mode,
        host=_probe_host(settings.webhook_listen) if webhook else None,
        port=settings.webhook_port if webhook else None,
        replica=settings.replica_id,
    )


async def beat(context: BotContext) -> None:
    """The job-queue callback: write the heartbeat."""
    mode = context.bot_data.receiving
    try:
        write_heartbeat(heartbeat_path(context.settings), current_heartbeat(context.settings, mode))
    except OSError as exc:
        log.warning("could not write the heartbeat file: %s", exc)


def remove_heartbeat(settings: Settings) -> None:
    """Remove this process's heartbeat (at shutdown), so ``health`` fails at once."""
    path = heartbeat_path(settings)
    with contextlib.suppress(OSError, ValueError):
        if read_heartbeat(path).pid == os.getpid():
            path.unlink()


def check(
    settings: Settings, *, webhook: bool = False, max_age: float = MAX_AGE, now: float | None = None
) -> tuple[bool, str]:
    """(healthy, one line saying why), from this replica's own heartbeat.

    Only when this replica has none, a shared ``DATA_DIR/heartbeat`` without a replica in it
    counts (a single bot of an older version, or one written by hand); bots of this version
    never write that file.
    """
    path = heartbeat_path(settings)
    shared = shared_heartbeat_path(settings)
    if not path.exists() and shared.exists():
        path = shared
    try:
        heartbeat = read_heartbeat(path)
    except FileNotFoundError:
        return False, f"no heartbeat in {path}: the bot is not running (or uses another DATA_DIR)"
    except (OSError, ValueError) as exc:
        return False, f"unreadable heartbeat in {path}: {exc}"
    if heartbeat.replica is not None and heartbeat.replica != settings.replica_id:
        return False, (
            f"the heartbeat in {path} is replica {heartbeat.replica}'s, "
            f"not this one's ({settings.replica_id})"
        )
    age = (time.time() if now is None else now) - heartbeat.time
    if age > max_age:
        return False, f"the last heartbeat is {age:.0f} s old (more than {max_age:.0f} s)"
    summary = f"heartbeat {max(age, 0):.0f} s ago ({heartbeat.mode}, pid {heartbeat.pid})"
    if not (webhook or heartbeat.mode == "webhook"):
        return True, summary
    host = heartbeat.host or _probe_host(settings.webhook_listen)
    port = heartbeat.port or settings.webhook_port
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
    except OSError as exc:
        return False, f"{summary}, but {url} does not answer: {exc}"
    if status != 200:
        return False, f"{summary}, but {url} answered {status}"
    return True, f"{summary}; {url} answered 200"


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """``welcomebot health``: 0 when the running bot is alive, 1 otherwise."""
    healthy, message = check(settings, webhook=bool(args.webhook), max_age=float(args.max_age))
    if healthy:
        print(f"ok: {message}")
        return 0
    print(f"welcomebot health: {message}", file=sys.stderr)
    return 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``health [--webhook] [--max-age SECONDS]``."""
    parser = subparsers.add_parser(
        "health",
        help="exit 0 when the running bot is alive (for Docker's HEALTHCHECK)",
        description="Check the heartbeat this replica's running bot writes to "
        f"DATA_DIR/heartbeat.REPLICA_ID every {HEARTBEAT_INTERVAL:.0f} s (REPLICA_ID: the "
        "host name unless set); in webhook mode also GET /healthz on WEBHOOK_PORT.",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="also require GET /healthz on the webhook port to answer 200 (automatic when "
        "the bot runs in webhook mode)",
    )
    parser.add_argument(
        "--max-age",
        type=float,
        default=MAX_AGE,
        metavar="SECONDS",
        help=f"the oldest heartbeat that counts as alive (default {MAX_AGE:.0f})",
    )
    parser.set_defaults(func=cmd_health)
