"""``welcomebot suggestions list|accept|reject`` on SQLite and PostgreSQL, accepting into a
real FAQ tree in tmp_path; and what the desk's traffic may suggest (bot/core/suggestions)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_storage_cli import env, welcomebot  # noqa: F401 (env is a fixture)

from bot.core.config import load_settings
from bot.core.suggestions import variant_of
from faq.loader import load_tree
from storage import Storage


def suggest(*items: tuple[str, str, str, str]) -> None:
    """Queue suggestions as the bot does: (entry, language, text, source)."""
    settings = load_settings()

    async def main() -> None:
        storage = await Storage.open(
            settings.effective_database_url, hash_secret=settings.local_hash_secret()
        )
        for entry, language, text, source in items:
            await storage.record_suggestion(
                entry=entry, language=language, text=text, source=source
            )
        assert await storage.flush(5)
        await storage.close()

    asyncio.run(main())


def _entry_file(faq_dir: Path) -> Path:
    return faq_dir / "eduroam" / "eduroam-connect.yaml"


def test_list_accept_reject(
    env: dict[str, Any],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    minimal_tree: Any,
) -> None:
    faq_dir: Path = minimal_tree.root
    suggest(
        ("eduroam-connect", "en", "my laptop won't join the uni wifi", "pick"),
        ("eduroam-connect", "en", "My laptop won't join the uni WiFi!", "helpful"),
        ("eduroam-connect", "zh", "笔记本连不上学校的网", "pick"),
        ("housing-find-room", "en", "is kamernet any good", "helpful"),
    )
    assert welcomebot(capsys, "suggestions", "list", "--status", "accepted") == (
        0,
        "No accepted suggested variants.\n",
        "",
    )
    code, out, _ = welcomebot(capsys, "suggestions", "list", "--json")
    listed = json.loads(out)
    ids = {s["text"]: str(s["id"]) for s in listed}  # ids differ between databases
    wifi, zh, kamernet = (
        ids["my laptop won't join the uni wifi"],
        ids["笔记本连不上学校的网"],
        ids["is kamernet any good"],
    )
    assert listed[0]["id"] == int(wifi)  # most confirmed first
    assert (listed[0]["count"], listed[0]["picks"], listed[0]["helpful"]) == (2, 1, 1)
    assert set(listed[0]) == {
        "id", "entry", "language", "text", "count", "picks", "helpful", "status",
        "first_seen", "last_seen", "reviewed_at",
    }  # fmt: skip
    code, out, _ = welcomebot(capsys, "suggestions", "list")
    assert code == 0
    assert out.startswith("New suggested variants (3 shown), most confirmed first:\n")
    assert f"#{wifi}  ×2  eduroam-connect  en  (1 pick, 1 👍)  last seen " in out
    assert "    my laptop won't join the uni wifi\n" in out
    assert out.index(f"#{wifi}  ×2") < out.index(f"#{zh}  ×1")

    before = _entry_file(faq_dir).read_text(encoding="utf-8")
    argv = ["suggestions", "accept", "--faq-dir", str(faq_dir)]
    code, out, _ = welcomebot(capsys, *argv, wifi, "--dry-run")
    assert code == 0
    assert re.search(r"\n\+ +- my laptop won't join the uni wifi\n", out)
    assert "Dry run: nothing written, nothing marked." in out
    assert _entry_file(faq_dir).read_text(encoding="utf-8") == before

    code, out, _ = welcomebot(capsys, *argv, wifi)
    assert code == 0
    assert "--- a/eduroam/eduroam-connect.yaml" in out
    assert f"Added suggestion #{wifi} to entry 'eduroam-connect' (en)" in out
    assert f"Marked suggestion #{wifi} as accepted." in out
    code, out, _ = welcomebot(capsys, *argv, zh)
    assert code == 0
    tree = load_tree(faq_dir)
    translations = tree.entries["eduroam-connect"].translations
    assert translations["en"].questions[-1] == "my laptop won't join the uni wifi"
    assert translations["zh"].questions[-1] == "笔记本连不上学校的网"
    after = _entry_file(faq_dir).read_text(encoding="utf-8")
    assert len(after.splitlines()) == len(before.splitlines()) + 2

    code, out, _ = welcomebot(capsys, "suggestions", "reject", kamernet)
    assert (code, out) == (
        0,
        f"Rejected suggestion #{kamernet} (housing-find-room, en): is kamernet any good\n",
    )
    assert welcomebot(capsys, "suggestions", "list")[1] == "No new suggested variants.\n"
    code, out, _ = welcomebot(capsys, "suggestions", "list", "--status", "all")
    assert "[accepted]" in out
    assert "[rejected]" in out

    # refusals: one line each, nothing written
    for args, message in (
        ([*argv, wifi], f"suggestion {wifi} is accepted already"),
        (["suggestions", "reject", kamernet], f"suggestion {kamernet} is rejected already"),
        (["suggestions", "reject", "99"], "no suggestion with id 99"),
        ([*argv, "99"], "no suggestion with id 99"),
    ):
        code, out, err = welcomebot(capsys, *args)
        assert (code, out) == (1, ""), args
        assert err.startswith("error: ")
        assert message in err
        assert len(err.strip().splitlines()) == 1
    assert _entry_file(faq_dir).read_text(encoding="utf-8") == after


def test_accept_refuses_an_entry_or_language_that_is_gone(
    env: dict[str, Any],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    minimal_tree: Any,
) -> None:
    faq_dir: Path = minimal_tree.root
    suggest(
        ("eduroam-connect", "it", "come mi collego al wifi", "pick"),
        ("housing-old", "en", "where was the old housing page", "pick"),
    )
    argv = ["suggestions", "accept", "--faq-dir", str(faq_dir)]
    code, out, _ = welcomebot(capsys, "suggestions", "list", "--json")
    ids = {s["entry"]: str(s["id"]) for s in json.loads(out)}
    code, _, err = welcomebot(capsys, *argv, ids["eduroam-connect"])
    assert code == 1
    assert "entry 'eduroam-connect' has no it translation" in err
    code, _, err = welcomebot(capsys, *argv, ids["housing-old"])
    assert code == 1
    assert "no FAQ entry 'housing-old'" in err
    code, out, _ = welcomebot(capsys, "suggestions", "list", "--json")
    assert [s["status"] for s in json.loads(out)] == ["new", "new"]  # still to review


def test_what_traffic_may_suggest(minimal_tree: Any) -> None:
    tree = minimal_tree.load()
    assert variant_of(tree, "my laptop won't join the uni wifi", "eduroam-connect") == (
        "my laptop won't join the uni wifi"
    )
    assert variant_of(tree, "wifi  broken,\ncall 06-12345678", "eduroam-connect") == (
        "wifi broken, call [phone]"
    )
    # a phrasing the entry has (in any language, any case), an unknown entry, too long, empty
    assert variant_of(tree, "how do i connect to EDUROAM", "eduroam-connect") is None
    assert variant_of(tree, "eduroam连不上怎么办", "eduroam-connect") is None
    assert variant_of(tree, "wifi?", "no-such-entry") is None
    assert variant_of(tree, "wifi " * 100, "eduroam-connect") is None
    assert variant_of(tree, "?!", "eduroam-connect") is None
