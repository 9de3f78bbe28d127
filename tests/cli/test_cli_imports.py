"""``welcomebot ask`` loads only what answering needs: the command line imports a command's
module when that command runs, so the staff tools, Telegram and SQLAlchemy stay unloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from bot.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

#: What ``ask`` must never load.
FORBIDDEN = ("telegram", "sqlalchemy", "storage", "bot.telegram", "bot.cli.staff", "bot.cli.ops")


def _modules_after(*argv: str, tmp_path: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_DIR", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    env["DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    return list(result["modules"])


def _loaded(modules: list[str], prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in modules)


@pytest.mark.parametrize("argv", [("ask", "where is the LIC"), ("ask", "--json", "hello")])
def test_ask_imports_no_staff_telegram_or_sqlalchemy(argv: tuple[str, ...], tmp_path: Path) -> None:
    modules = _modules_after(*argv, tmp_path=tmp_path)
    assert _loaded(modules, "bot.cli.ask")  # the probe really ran the command
    assert [p for p in FORBIDDEN if _loaded(modules, p)] == []


def test_staff_command_loads_its_module(tmp_path: Path) -> None:
    # the same probe sees a module when a command does import it (the test above can fail)
    modules = _modules_after("stats", "--days", "1", tmp_path=tmp_path)
    assert _loaded(modules, "bot.cli.staff")
    assert _loaded(modules, "sqlalchemy")
