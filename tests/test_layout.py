"""The layout of the house (issue 15): ``bot/`` holds ``core``, ``telegram`` and ``cli`` and
no module of its own beside ``__init__``/``__main__``; no Python module in the project's
packages, benchmarks or tests is over 400 lines (the developer guide's "small modules with
one job")."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Where the line limit holds.
CHECKED = ("bot", "faq", "storage", "bench", "tests")
MAX_LINES = 400
#: What ``bot/`` may hold: its three rooms, and the package's own two modules.
BOT_PACKAGES = {"core", "telegram", "cli"}
BOT_MODULES = {"__init__.py", "__main__.py"}


def modules(root: Path) -> list[Path]:
    """Every ``.py`` file under the checked folders of ``root`` (caches left out)."""
    return sorted(
        path
        for folder in CHECKED
        for path in (root / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def too_long(root: Path) -> dict[str, int]:
    """The modules over :data:`MAX_LINES`, with their line counts."""
    counts = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules(root)
    }
    return {name: n for name, n in counts.items() if n > MAX_LINES}


def strangers_in_bot(root: Path) -> list[str]:
    """What stands in ``bot/`` beside its three sub-packages and ``__init__``/``__main__``."""
    found = []
    for path in sorted((root / "bot").iterdir()):
        if path.name == "__pycache__":
            continue
        if path.is_dir():
            if path.name not in BOT_PACKAGES or not (path / "__init__.py").is_file():
                found.append(path.name + "/")
        elif path.suffix == ".py" and path.name not in BOT_MODULES:
            found.append(path.name)
    return found


def asserts_in(root: Path) -> list[str]:
    """``assert`` statements in the application's packages (they vanish under ``python -O``,
    so a runtime guard there must raise a named error instead)."""
    return [
        f"{path.relative_to(root)}:{node.lineno}"
        for folder in ("bot", "faq", "storage")
        for path in sorted((root / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]


def test_no_assert_guards_in_the_packages() -> None:
    assert asserts_in(ROOT) == []


def test_no_module_is_over_400_lines() -> None:
    assert len(modules(ROOT)) > 100  # the walk really finds the project's modules
    assert too_long(ROOT) == {}


def test_bot_holds_core_telegram_and_cli_only() -> None:
    assert {p.name for p in (ROOT / "bot").iterdir() if p.is_dir()} >= BOT_PACKAGES
    assert strangers_in_bot(ROOT) == []


def test_the_checks_see_a_long_module_and_a_stranger(tmp_path: Path) -> None:
    # the two tests above can fail: the same checks on a small tree that breaks both rules
    for package in ("core", "telegram", "cli"):
        (tmp_path / "bot" / package).mkdir(parents=True)
        (tmp_path / "bot" / package / "__init__.py").write_text("")
    (tmp_path / "bot" / "__init__.py").write_text("")
    (tmp_path / "bot" / "handlers.py").write_text("x = 1\n")
    (tmp_path / "bot" / "tg").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "tests" / "test_short.py").write_text("x = 1\n" * MAX_LINES)
    assert too_long(tmp_path) == {"tests/test_long.py": MAX_LINES + 1}
    assert strangers_in_bot(tmp_path) == ["handlers.py", "tg/"]
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "x.py").write_text("def f(a):\n    assert a\n")
    assert asserts_in(tmp_path) == ["faq/x.py:2"]
