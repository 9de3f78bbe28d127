"""``welcomebot unanswered promote``: a group of questions becomes a draft FAQ entry that
``welcomebot faq check`` rejects until staff have written the answers."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import main
from faq.draft import skeleton, suggest_id
from storage import Storage

#: One group of near-duplicates in three languages (the place name is the question), and
#: one question of its own.
QUESTIONS = (
    ("Fietsenstalling Leiden Centraal?", "en"),
    ("fietsenstalling leiden centraal?", "en"),
    ("Fietsenstalling Leiden Centraal", "nl"),
    ("FIETSENSTALLING LEIDEN CENTRAAL!!", "de"),
    ("Where is the town hall?", "en"),
)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An SQLite database for the CLI, with no .env or FAQ_DIR from the developer."""
    for name in ("DATABASE_URL", "HASH_SECRET", "FAQ_DIR", "STAFF_CHAT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'welcomebot.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HASH_SECRET", "promote-tests")
    return url


def _storage_call(url: str, action: Any) -> Any:
    async def run() -> Any:
        storage = await Storage.open(url, hash_secret="promote-tests")
        try:
            result = await action(storage)
            assert await storage.flush(5)
            return result
        finally:
            await storage.close()

    return asyncio.run(run())


def _seed(url: str, questions: tuple[tuple[str, str], ...]) -> int:
    async def seed(storage: Storage) -> int:
        for text, language in questions:
            await storage.record_unanswered(
                user_id=None, text=text, language=language, candidates=[("housing-find-room", 30)]
            )
        await storage.flush(5)
        groups = await storage.unanswered_groups()
        return max(groups, key=lambda g: g.count).id

    result: int = _storage_call(url, seed)
    return result


def _fill_in(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('answer: ""', 'answer: "Use the <b>bike shed</b> at the station."'),
        encoding="utf-8",
    )


def _add_source(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "sources: []" in text
    path.write_text(
        text.replace("sources: []", "sources: [https://www.example.org/bike-shed]"),
        encoding="utf-8",
    )


def test_promote_writes_a_draft_that_faq_check_rejects_until_filled_in(
    database: str, minimal_tree: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    group = _seed(database, QUESTIONS)
    root = minimal_tree.root
    code = main(
        ["unanswered", "promote", str(group), "--category", "general", "--faq-dir", str(root)]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    [path] = (root / "general").glob("*.yaml")
    assert path.name == "general-fietsenstalling-leiden-centraal.yaml"
    assert f"Wrote {path}" in out
    assert "as added" in out

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["id"] == "general-fietsenstalling-leiden-centraal"
    assert data["category"] == "general"
    assert data["reviewed"] == date.today()
    assert (data["sources"], data["related"]) == ([], [])
    translations = data["translations"]
    assert list(translations) == ["en", "nl", "de"]  # the bot's language order
    assert translations["en"]["questions"] == ["Fietsenstalling Leiden Centraal?"]  # once
    assert translations["nl"]["questions"] == ["Fietsenstalling Leiden Centraal"]
    assert translations["de"]["questions"] == ["FIETSENSTALLING LEIDEN CENTRAAL!!"]
    assert all(t["answer"] == "" for t in translations.values())

    # not publishable half-done: faq check names the file, the line and the field
    assert main(["faq", "check", "--faq-dir", str(root)]) == 1
    out, err = capsys.readouterr()
    assert f"{path}:" in err
    assert "translations.en.answer: must be a non-empty text" in err
    assert "translations.de.answer" in err

    _fill_in(path)
    # answers alone are not enough: an entry without sources is an error too
    assert main(["faq", "check", "--faq-dir", str(root)]) == 1
    out, err = capsys.readouterr()
    assert f"{path}: general-fietsenstalling-leiden-centraal: no sources" in err
    _add_source(path)
    assert main(["faq", "check", "--faq-dir", str(root)]) == 0
    out, _ = capsys.readouterr()
    assert "4 entries" in out

    # the group left the list of new questions
    rows = _storage_call(database, lambda s: s.unanswered_rows(status=None))
    added = {r.text: (r.status, r.note) for r in rows}
    note = "draft general/general-fietsenstalling-leiden-centraal.yaml"
    assert added == {
        **{text: ("added", note) for text, _ in QUESTIONS[:4]},
        "Where is the town hall?": ("new", None),
    }


def test_promote_refuses_to_overwrite_and_checks_ids(
    database: str, minimal_tree: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    group = _seed(database, QUESTIONS[:1])
    root = minimal_tree.root
    base = ["unanswered", "promote", str(group), "--faq-dir", str(root)]
    # an id that exists, a bad id, a bad category, an unknown question: nothing written
    for extra, message in (
        (["--category", "general", "--id", "housing-find-room"], "already an entry"),
        (["--category", "housing", "--id", "Bike Parking"], "kebab-case"),
        (["--category", "Housing"], "kebab-case"),
    ):
        assert main([*base, *extra]) == 1
        assert message in capsys.readouterr().err
    assert main(["unanswered", "promote", "999", "--category", "general"]) == 1
    assert "no unanswered question with id 999" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "housing").iterdir()) == ["housing-find-room.yaml"]
    assert not (root / "general").exists()

    existing = root / "housing" / "housing-bikes.yaml"
    existing.write_text("# someone's work in progress\n", encoding="utf-8")
    assert main([*base, "--category", "housing", "--id", "housing-bikes"]) == 1
    assert "exists already; not overwriting" in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == "# someone's work in progress\n"
    rows = _storage_call(database, lambda s: s.unanswered_rows(status=None))
    assert {r.status for r in rows} == {"new"}  # only a written file marks the group

    assert main([*base, "--category", "housing", "--id", "housing-bike-parking"]) == 0
    assert (root / "housing" / "housing-bike-parking.yaml").exists()


def test_suggested_ids() -> None:
    assert suggest_id("housing", [("de", "Wo parke ich?")], set(), fallback="x") == (
        "housing-wo-parke-ich"
    )
    assert suggest_id("housing", [("de", "Wo?"), ("en", "Where?")], set(), fallback="x") == (
        "housing-where"
    )
    assert suggest_id("general", [("zh", "自行车")], {"general-q-7"}, fallback="q-7") == (
        "general-q-7-2"
    )
    assert suggest_id("welfare", [("fr", "Où est l'hôpital ?")], set(), fallback="x") == (
        "welfare-ou-est-l-hopital"
    )


def test_skeleton_round_trips_awkward_text() -> None:
    awkward = 'a: b # c\n"quoted" \\ back\tslash {x} [y] &anchor *alias ---'
    text = skeleton("general-x", "general", [("en", awkward)], reviewed=date(2026, 3, 1))
    data = yaml.safe_load(text)
    assert data["translations"]["en"]["questions"] == [" ".join(awkward.split())]
    with pytest.raises(ValueError, match="kebab-case"):
        skeleton("General X", "general", [("en", "q")], reviewed=date(2026, 3, 1))
