"""What the Docker image is built from: the wheel holds the FAQ content, the catalogues and
the migrations, and the image's commands work from the wheel alone (run from an unpacked
wheel, outside the source tree). Docker itself is not needed: the Dockerfile and
compose.yaml are checked as text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            out,
            ROOT,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.glob("leiden_welcome_bot-*.whl")
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_the_wheel_holds_content_catalogues_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(n.startswith("faq/content/") and n.endswith(".yaml") for n in names)
    assert "faq/content/safety.yaml" in names
    assert "storage/migrations/env.py" in names
    assert "storage/migrations/script.py.mako" in names
    assert any(n.startswith("storage/migrations/versions/0001") for n in names)
    for po in (ROOT / "locales").glob("*/LC_MESSAGES/*.po"):
        assert f"bot/locales/{po.relative_to(ROOT / 'locales').as_posix()}" in names
    assert not any(n.startswith(("tests/", "bench/")) or "__pycache__" in n for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "welcomebot = bot.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.fixture
def run(unpacked: Path, tmp_path: Path) -> Runner:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_", "FAQ_", "HASH_"))
    }
    env.update({"PYTHONPATH": str(unpacked), "DATA_DIR": str(tmp_path / "data")})

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,  # not the source tree
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def test_the_commands_of_the_image_work_from_the_wheel(
    run: Runner, unpacked: Path, tmp_path: Path
) -> None:
    where = run("ask", "--json", "在莱顿怎么找房间？")
    assert where.returncode == 0, where.stderr
    assert json.loads(where.stdout)["kind"] in ("answer", "clarify")
    check = run("faq", "check")
    assert check.returncode == 0, check.stderr
    assert "entries" in check.stdout
    # health: no heartbeat yet -> 1; a fresh one -> 0
    assert run("health").returncode == 1
    heartbeat = tmp_path / "data" / "heartbeat"
    heartbeat.parent.mkdir(parents=True, exist_ok=True)
    heartbeat.write_text(json.dumps({"time": time.time(), "pid": 1, "mode": "polling"}))
    ok = run("health")
    assert ok.returncode == 0, ok.stderr
    # the code came from the wheel, not from the checkout
    origin = run("ask", "--help")
    assert origin.returncode == 0
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import bot, faq.loader; print(bot.__file__, faq.loader.BUNDLED_FAQ_DIR)",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(ROOT) not in probe.stdout
    assert str(unpacked) in probe.stdout


def test_run_refuses_to_start_without_hash_secret(run: Runner) -> None:
    done = run("run")
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in done.stderr or "HASH_SECRET" in done.stderr


def test_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert all(line.split()[1].startswith("python:3.11-slim") for line in stages)
    assert "USER welcomebot" in text
    assert "pybabel compile" in text
    assert "HEALTHCHECK" in text
    assert '["welcomebot", "health"]' in text
    assert 'ENTRYPOINT ["welcomebot"]' in text
    assert 'CMD ["run"]' in text
    # the context is an allow-list: nothing at the top (.git, .venv, .env, data) unless named
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert next(line for line in ignore if line and not line.startswith("#")) == "*"
    for secret_or_junk in ("**/.env", "**/*.sqlite3", "**/__pycache__"):
        assert secret_or_junk in ignore
    assert not any(line.startswith("!") and "env" in line for line in ignore)


def test_compose_runs_the_webhook_on_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert "healthcheck" in db
    assert bot["command"] == ["run", "--webhook"]
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert any(str(v).endswith(":/data") for v in bot["volumes"])
    assert bot["env_file"] == ".env"
