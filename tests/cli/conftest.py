"""Run ``welcomebot`` in-process: ``bot.cli.main(argv)`` with real stdin bytes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.splitlines()]


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path: Path, no_faq_env) -> Iterator[object]:
    """``cli("ask", "--json", ..., stdin=b"...")`` → :class:`Run`."""
    opened = []

    def run(*argv: str | Path, stdin: bytes | None = None) -> Run:
        if stdin is not None:
            path = tmp_path / f"stdin-{len(opened)}"
            path.write_bytes(stdin)
            handle = path.open("r", encoding="utf-8")
            opened.append(handle)
            monkeypatch.setattr(sys, "stdin", handle)
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    yield run
    for handle in opened:
        handle.close()
