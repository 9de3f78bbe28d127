"""Shared test helpers: small, real FAQ trees written into ``tmp_path``.

Tests build their own trees instead of reading the bundled ``faq/content`` (which staff keep
changing), so a test states exactly which entries, triggers and synonyms it relies on.

``FaqTreeBuilder`` writes files the way staff would: one YAML file per entry under its
category folder, ``safety.yaml``, ``smalltalk/*.yaml`` and ``synonyms.yaml``. ``minimal()``
writes a small valid tree; tests then add or overwrite single files.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.models import FaqTree

#: A translation as tests write it: questions, answer and (optional) keywords.
Tr = Mapping[str, Any]

CRISIS_ANSWER = {
    "en": 'Call <b>113</b> (free, 24/7) or chat at <a href="https://www.113.nl">113.nl</a>.',
    "nl": "Bel <b>113</b> (gratis, dag en nacht) of chat via "
    '<a href="https://www.113.nl">113.nl</a>.',
}


def tr(questions: Sequence[str], answer: str, keywords: Sequence[str] = ()) -> dict[str, Any]:
    """One translation block."""
    out: dict[str, Any] = {"questions": list(questions)}
    if keywords:
        out["keywords"] = list(keywords)
    out["answer"] = answer
    return out


class FaqTreeBuilder:
    """Writes an FAQ tree into a directory, file by file."""

    tr = staticmethod(tr)

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ raw files
    def write(self, relative: str, text: str) -> Path:
        """Write ``text`` (dedented) to ``root/relative``; returns the path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_data(self, relative: str, data: Any) -> Path:
        """Write ``data`` as YAML to ``root/relative``."""
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        return self.write(relative, text)

    # ------------------------------------------------------------------ typed files
    def entry(
        self,
        entry_id: str,
        category: str,
        translations: Mapping[str, Tr],
        *,
        reviewed: str = "2026-01-15",
        sources: Sequence[str] = ("https://www.example.org/source",),
        related: Sequence[str] = (),
        review_by: str | None = None,
    ) -> Path:
        data: dict[str, Any] = {
            "id": entry_id,
            "category": category,
            "reviewed": reviewed,
            "sources": list(sources),
        }
        if review_by:
            data["review_by"] = review_by
        if related:
            data["related"] = list(related)
        data["translations"] = {lang: dict(body) for lang, body in translations.items()}
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        # a bare YAML date, as staff write it (safe_dump would quote the string)
        text = text.replace(f"reviewed: '{reviewed}'", f"reviewed: {reviewed}")
        text = text.replace(f"review_by: '{review_by}'", f"review_by: {review_by}")
        return self.write(f"{category}/{entry_id}.yaml", text)

    def safety(
        self,
        triggers: Mapping[str, Sequence[str]],
        not_crisis: Mapping[str, Sequence[str]] | None = None,
        *,
        entry: str = "welfare-crisis",
    ) -> Path:
        data: dict[str, Any] = {
            "entry": entry,
            "triggers": {k: list(v) for k, v in triggers.items()},
        }
        if not_crisis:
            data["not_crisis"] = {k: list(v) for k, v in not_crisis.items()}
        return self.write_data("safety.yaml", data)

    def smalltalk(self, kind: str, translations: Mapping[str, tuple[Sequence[str], str]]) -> Path:
        data = {
            "id": kind,
            "translations": {
                lang: {"patterns": list(patterns), "reply": reply}
                for lang, (patterns, reply) in translations.items()
            },
        }
        return self.write_data(f"smalltalk/{kind}.yaml", data)

    def synonyms(self, groups: Mapping[str, Sequence[str]]) -> Path:
        return self.write_data("synonyms.yaml", {k: list(v) for k, v in groups.items()})

    def load(self) -> FaqTree:
        return load_tree(self.root)

    def use_bundled(self, *names: str) -> FaqTreeBuilder:
        """Copy files or folders (``safety.yaml``, ``smalltalk``) from the bundled FAQ, so a
        test uses the real content for those and its own small entries for the rest."""
        for name in names:
            source = BUNDLED_FAQ_DIR / name
            target = self.root / name
            if source.is_dir():
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(source, target)
            else:
                shutil.copyfile(source, target)
        return self

    # ------------------------------------------------------------------ the minimal tree
    def minimal(self) -> FaqTreeBuilder:
        """Three entries in a few languages, safety, two smalltalk kinds, one synonym group."""
        self.entry(
            "housing-find-room",
            "housing",
            {
                "en": tr(
                    ["How do I find a room in Leiden?", "where can I look for student housing"],
                    "Look on <b>Kamernet</b> and the university housing office.",
                    ["room", "housing"],
                ),
                "nl": tr(
                    ["Hoe vind ik een kamer in Leiden?"], "Kijk op <b>Kamernet</b>.", ["kamer"]
                ),
                "de": tr(
                    ["Wie finde ich ein Zimmer in Leiden?"], "Schau auf Kamernet.", ["Zimmer"]
                ),
                "zh": tr(["在莱顿怎么找房间？"], "请看 Kamernet。", ["找房"]),
            },
            related=["eduroam-connect"],
        )
        self.entry(
            "eduroam-connect",
            "eduroam",
            {
                "en": tr(
                    ["How do I connect to eduroam?", "the wifi on campus does not work"],
                    "Install the <i>geteduroam</i> app and log in with your ULCN account.",
                    ["eduroam", "wifi"],
                ),
                "es": tr(
                    ["¿Cómo me conecto a eduroam?"], "Instala la app geteduroam.", ["eduroam"]
                ),
                "zh": tr(
                    ["eduroam连不上怎么办"], "请安装 geteduroam 应用。", ["eduroam", "无线网"]
                ),
            },
        )
        self.entry(
            "welfare-crisis",
            "welfare",
            {
                "en": tr(["Who can I call if I have suicidal thoughts?"], CRISIS_ANSWER["en"]),
                "nl": tr(["Wie kan ik bellen als ik aan zelfmoord denk?"], CRISIS_ANSWER["nl"]),
            },
        )
        self.safety(
            {
                "en": ["kill myself", "i want to die", "end my life"],
                "nl": ["zelfmoord", "ik wil dood"],
                "zh": ["想死", "自杀"],
            },
            {"en": ["killing me"], "nl": ["lach me dood"], "zh": ["笑死"]},
        )
        self.smalltalk(
            "greeting",
            {
                "en": (["hi", "hello", "good morning"], "Hello! Ask me about housing or eduroam."),
                "nl": (["hoi", "hallo", "goedemorgen"], "Hoi! Stel me je vraag."),
            },
        )
        self.smalltalk(
            "thanks",
            {
                "en": (["thanks", "thank you"], "You're welcome!"),
                "nl": (["dank je", "bedankt"], "Graag gedaan!"),
            },
        )
        self.synonyms({"wifi": ["wifi", "wi-fi", "wlan", "无线网", "internet connection"]})
        return self


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "bundled: reads the bundled FAQ in faq/content (its results change with the content)",
    )


@pytest.fixture(scope="session")
def make_faq_builder(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], FaqTreeBuilder]:
    """For module- and session-scoped trees: ``make_faq_builder("name")`` is an empty tree."""

    def make(name: str) -> FaqTreeBuilder:
        return FaqTreeBuilder(tmp_path_factory.mktemp(name) / "faq")

    return make


@pytest.fixture
def faq_builder(tmp_path: Path) -> FaqTreeBuilder:
    """An empty tree under ``tmp_path/faq``; call ``.minimal()`` for the default content."""
    return FaqTreeBuilder(tmp_path / "faq")


@pytest.fixture
def minimal_tree(faq_builder: FaqTreeBuilder) -> FaqTreeBuilder:
    """The minimal valid tree, written; add or overwrite files to vary it."""
    return faq_builder.minimal()


@pytest.fixture
def no_faq_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """CLI runs that see neither the caller's ``FAQ_DIR`` nor a ``.env`` in the cwd."""
    monkeypatch.delenv("FAQ_DIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


# --------------------------------------------------------------------------- local web site
class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's name
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        status = 200 if self.path == "/ok" else 404
        body = b"fine" if status == 200 else b"gone"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def local_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A web site on 127.0.0.1 for link checks: /ok (200), /moved (301 to /ok), else 404."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True, scope="session")
def _faq_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The FAQ cache (faq/cache.py) of every CLI run and bot process the tests start goes
    to a directory of this session, never the user's cache directory."""
    previous = os.environ.get("WELCOMEBOT_CACHE_DIR")
    os.environ["WELCOMEBOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("faq-cache"))
    yield
    if previous is None:
        os.environ.pop("WELCOMEBOT_CACHE_DIR", None)
    else:
        os.environ["WELCOMEBOT_CACHE_DIR"] = previous
