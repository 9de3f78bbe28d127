"""The welfare team's commands (bot/cli/staff.py, db upgrade in bot/cli/ops.py), run the way ``welcomebot`` runs them."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import build_parser
from bot.core.config import load_settings
from storage import Storage
from storage.migrate import head_revision


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> dict[str, Any]:
    """A clean environment with a data directory; PostgreSQL through DATABASE_URL."""
    for name in ("DATABASE_URL", "HASH_SECRET", "RETENTION_DAYS", "FAQ_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    if database_url.startswith("postgresql"):
        monkeypatch.setenv("DATABASE_URL", database_url)
    return {"data": data, "url": database_url}


def welcomebot(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Parse ``argv`` with its command's module registered and run it: (exit code, out, err)."""
    args = build_parser(argv[0]).parse_args(argv)
    code = args.func(args, load_settings())
    out, err = capsys.readouterr()
    return code, out, err


def seed(*questions: tuple[str, str], user_id: int | None = 4242) -> str:
    """Record unanswered questions as the bot would; returns the user's hash."""
    settings = load_settings()

    async def main() -> str:
        storage = await Storage.open(
            settings.effective_database_url, hash_secret=settings.local_hash_secret()
        )
        for text, language in questions:
            await storage.record_unanswered(
                user_id=user_id,
                text=text,
                language=language,
                candidates=[("housing-find-room", 61.25), ("eduroam-connect", 20.0)],
            )
        await storage.count(kind="answer", entry="housing-find-room", language="en")
        await storage.count(kind="unanswered", entry=None, language="nl")
        await storage.record_feedback(
            user_id=1, entry="housing-find-room", helpful=True, language="en", message_key="1:1"
        )
        assert await storage.flush(5)
        key = storage.user_key(user_id) if user_id is not None else ""
        await storage.close()
        return key

    return asyncio.run(main())


QUESTIONS = (
    ("Where can I park my bike?", "en"),
    ("where can i park my bike", "en"),
    ("Where can I park my bike?", "nl"),
    ("Is there a swimming pool?", "en"),
)


def test_db_upgrade(env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = welcomebot(capsys, "db", "upgrade")
    assert code == 0
    assert out.strip() == f"Database upgraded from revision (empty) to {head_revision()}."
    code, out, _ = welcomebot(capsys, "db", "upgrade")
    assert (code, out.strip()) == (0, f"Database already at revision {head_revision()}.")


def test_list_when_empty(env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert welcomebot(capsys, "unanswered", "list") == (0, "No new unanswered questions.\n", "")
    code, out, _ = welcomebot(capsys, "unanswered", "list", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = welcomebot(capsys, "unanswered", "list", "--status", "all")
    assert out == "No unanswered questions.\n"


def test_list_groups_most_frequent_first(
    env: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    user_hash = seed(*QUESTIONS)
    code, out, _ = welcomebot(capsys, "unanswered", "list")
    assert code == 0
    assert "2 groups of new unanswered questions (4 questions), most frequent first:" in out
    bike = out.index("#1  ×3  en, nl  last seen ")
    pool = out.index("#4  ×1  en  last seen ")
    assert bike < pool
    assert "    Where can I park my bike?\n" in out
    assert "closest entries: housing-find-room (61), eduroam-connect (20)" in out
    assert user_hash not in out

    code, out, _ = welcomebot(capsys, "unanswered", "list", "--json", "--limit", "1")
    (group,) = json.loads(out)
    assert group["id"] == 1
    assert group["count"] == 3
    assert group["languages"] == ["en", "nl"]
    assert group["row_ids"] == [1, 2, 3]
    assert group["samples"] == ["Where can I park my bike?"]
    assert group["candidates"][0] == {"entry": "housing-find-room", "score": 61.25}
    assert group["last_seen"] >= group["first_seen"]


def test_export_csv(
    env: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    user_hash = seed(*QUESTIONS, ('=HYPERLINK("http://evil")', "en"))
    code, out, _ = welcomebot(capsys, "unanswered", "export", "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "id",
        "created_at",
        "language",
        "status",
        "text",
        "candidates",
        "note",
        "reason",
        "answered_entry",
    ]
    assert [r[4] for r in rows[1:]] == [
        *(text for text, _ in QUESTIONS),
        '\'=HYPERLINK("http://evil")',  # a spreadsheet must not run it
    ]
    assert rows[1][5] == "housing-find-room 61.25; eduroam-connect 20"
    assert rows[1][3] == "new"
    assert rows[1][1].endswith("+00:00")
    assert user_hash not in out

    target = tmp_path / "export.csv"
    code, out, err = welcomebot(capsys, "unanswered", "export", "--csv", str(target))
    assert (code, out) == (0, "")
    assert "Wrote 5 questions" in err
    assert target.read_text(encoding="utf-8").replace("\r\n", "\n") == (
        "".join(line + "\n" for line in _csv_lines(rows))
    )


def _csv_lines(rows: list[list[str]]) -> list[str]:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().splitlines()


def test_resolve_and_ignore(env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    seed(*QUESTIONS)
    code, out, _ = welcomebot(capsys, "unanswered", "resolve", "2", "--note", "added bike FAQ")
    assert (code, out) == (0, "Marked 3 questions as resolved (the group of #2).\n")
    code, out, _ = welcomebot(capsys, "unanswered", "ignore", "4")
    assert (code, out) == (0, "Marked 1 question as ignored (the group of #4).\n")
    assert welcomebot(capsys, "unanswered", "list")[1] == "No new unanswered questions.\n"
    code, out, _ = welcomebot(capsys, "unanswered", "list", "--status", "resolved", "--json")
    assert [g["count"] for g in json.loads(out)] == [3]
    code, out, _ = welcomebot(capsys, "unanswered", "export", "--csv", "--status", "resolved")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["note"] for r in rows} == {"added bike FAQ"}

    code, out, err = welcomebot(capsys, "unanswered", "resolve", "999")
    assert (code, out) == (1, "")
    assert "no unanswered question with id 999" in err


def test_stats(env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    seed(("q", "en"))
    code, out, _ = welcomebot(capsys, "stats", "--days", "3")
    assert code == 0
    assert out.startswith("Last 3 days (UTC), ")
    lines = out.splitlines()
    header = ["day", "answered", "unanswered", "clarify", "safety", "smalltalk", "checkins"]
    assert lines[1].split() == header
    assert lines[5].split() == ["total", "1", "1", "0", "0", "0", "0"]
    assert "Top entries: housing-find-room 1" in out
    assert "Languages: en 1, nl 1" in out
    assert "Feedback: 1 helpful, 0 not helpful (100% helpful)" in out

    code, out, _ = welcomebot(capsys, "stats", "--json")
    data = json.loads(out)
    assert len(data["per_day"]) == 7
    assert data["per_day"][-1]["answered"] == 1
    assert data["per_day"][-1]["checkins"] == 0
    assert data["top_entries"] == [{"entry": "housing-find-room", "count": 1}]
    assert data["helpful_ratio"] == 1.0


def test_purge(env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    seed(("q", "en"))
    assert welcomebot(capsys, "purge") == (0, "Deleted 0 rows older than 180 days.\n", "")


def test_the_local_cli_generates_its_hash_secret_once(
    env: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    first = seed(("q", "en"))
    secret_file = env["data"] / "hash_secret"
    assert secret_file.exists()
    assert seed(("q", "en")) == first  # the same secret on the next run


def test_unreachable_database_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody:secretpw@127.0.0.1:9/none")
    code, out, err = welcomebot(capsys, "unanswered", "list")
    assert (code, out) == (1, "")
    assert err.startswith("error: cannot open the database postgresql+asyncpg://nobody:***@")
    assert "secretpw" not in err
    assert len(err.strip().splitlines()) == 1


def test_ask_log_then_list_and_export(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    minimal_tree: Any,
) -> None:
    """The issue's acceptance run: ``ask --log`` a few questions, then list and export."""
    from bot.cli.main import main

    for name in ("DATABASE_URL", "HASH_SECRET", "FAQ_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    questions = [
        "How late does the ferry to Texel leave?",
        "how late does the ferry to texel leave",
        "Hoe laat vertrekt de veerboot naar Texel?",
        "Can I bring my parrot to the exam?",
    ]
    faq = ["--faq-dir", str(minimal_tree.root)]
    for question in questions:
        assert main(["ask", *faq, "--log", "--json", question]) == 0
    replies = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    unanswered = [r["question"] for r in replies if r["kind"] == "unanswered"]
    assert len(unanswered) >= 3, replies  # these are not in the minimal FAQ

    assert main(["unanswered", "list", "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert sum(g["count"] for g in groups) == len(unanswered)
    assert groups[0]["count"] >= 2  # the two ferry questions share a group

    assert main(["unanswered", "export", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["text"] for r in rows) == sorted(unanswered)
    database = data / "welcomebot.sqlite3"
    assert database.stat().st_mode & 0o777 == 0o600
