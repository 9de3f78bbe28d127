"""The artefact cache (faq/cache.py) and the prepared FAQ read through it (faq/prepared.py).

Real files in ``tmp_path``, real pickles, real subprocesses for the concurrent start.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import faq.prepared
from faq.cache import ArtefactCache, trust_problem
from faq.prepared import artefact_name, cache_key, load_prepared

ROOT = Path(__file__).resolve().parents[2]


class Counter:
    """A build function that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def pickles(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pickle"))


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


# ---------------------------------------------------------------------------- generic cache
def test_a_second_load_reads_the_stored_artefact(cache_dir: Path) -> None:
    cache = ArtefactCache.at(cache_dir)
    build = Counter({"model": [1, 2, 3]})
    first = cache.load_or_build("model", ["inputs-1"], build)
    second = cache.load_or_build("model", ["inputs-1"], build)
    assert first == second == {"model": [1, 2, 3]}
    assert build.calls == 1
    assert len(pickles(cache_dir)) == 1


def test_other_inputs_build_again_and_replace_the_old_file(cache_dir: Path) -> None:
    cache = ArtefactCache.at(cache_dir)
    old = cache.load_or_build("model", ["inputs-1"], Counter("old"))
    new_build = Counter("new")
    new = cache.load_or_build("model", ["inputs-2"], new_build)
    assert (old, new, new_build.calls) == ("old", "new", 1)
    assert pickles(cache_dir) == [cache.path_for("model", ["inputs-2"])]


def test_artefacts_of_other_names_are_kept(cache_dir: Path) -> None:
    cache = ArtefactCache.at(cache_dir)
    cache.load_or_build("crisis-model", ["x"], Counter(1))
    cache.load_or_build("crisis", ["y"], Counter(2))  # a name that is a prefix of another
    assert len(pickles(cache_dir)) == 2
    build = Counter(3)
    assert cache.load_or_build("crisis-model", ["x"], build) == 1
    assert build.calls == 0


def test_a_corrupt_file_is_rebuilt_with_a_log_line(
    cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ArtefactCache.at(cache_dir)
    cache.load_or_build("model", ["k"], Counter("good"))
    path = cache.path_for("model", ["k"])
    assert path is not None
    path.write_bytes(path.read_bytes()[:10])  # truncated, as after a crash mid-copy
    build = Counter("rebuilt")
    with caplog.at_level(logging.WARNING, logger="faq.cache"):
        assert cache.load_or_build("model", ["k"], build) == "rebuilt"
    assert build.calls == 1
    assert "damaged" in caplog.text
    assert str(path) in caplog.text
    # the rebuilt artefact replaced the damaged file
    again = Counter("never")
    assert cache.load_or_build("model", ["k"], again) == "rebuilt"
    assert again.calls == 0


def test_a_cache_dir_that_cannot_be_created_only_costs_the_speed_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    cache = ArtefactCache.at(blocker / "cache")
    build = Counter("value")
    with caplog.at_level(logging.WARNING, logger="faq.cache"):
        assert cache.load_or_build("model", ["k"], build) == "value"
        assert cache.load_or_build("model", ["k"], build) == "value"
    assert build.calls == 2
    assert "working without it" in caplog.text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_cache_dir_works_without_cache(
    cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache_dir.mkdir(mode=0o500)
    build = Counter("value")
    try:
        with caplog.at_level(logging.WARNING, logger="faq.cache"):
            assert ArtefactCache.at(cache_dir).load_or_build("model", ["k"], build) == "value"
    finally:
        cache_dir.chmod(0o700)
    assert build.calls == 1
    assert pickles(cache_dir) == []
    assert "working without it" in caplog.text


def test_a_directory_others_may_write_is_never_read(
    cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ArtefactCache.at(cache_dir)
    cache.load_or_build("model", ["k"], Counter("genuine"))
    path = cache.path_for("model", ["k"])
    assert path is not None
    # someone else could have put this file there: it must not be unpickled
    path.write_bytes(pickle.dumps("planted"))
    cache_dir.chmod(0o777)
    assert trust_problem(cache_dir) == f"{cache_dir.resolve()} is writable by other users"
    build = Counter("built")
    with caplog.at_level(logging.WARNING, logger="faq.cache"):
        assert cache.load_or_build("model", ["k"], build) == "built"
    assert build.calls == 1
    assert "not using the cache" in caplog.text
    assert path.read_bytes() == pickle.dumps("planted")  # nothing written there either


def test_a_file_others_may_write_is_never_read(cache_dir: Path) -> None:
    cache = ArtefactCache.at(cache_dir)
    cache.load_or_build("model", ["k"], Counter("genuine"))
    path = cache.path_for("model", ["k"])
    assert path is not None
    path.write_bytes(pickle.dumps("planted"))
    path.chmod(0o666)
    assert cache.load_or_build("model", ["k"], Counter("built")) == "built"


def test_a_disabled_cache_always_builds_and_stores_nothing(tmp_path: Path) -> None:
    cache = ArtefactCache.from_setting("off")
    build = Counter("value")
    cache.load_or_build("model", ["k"], build)
    cache.load_or_build("model", ["k"], build)
    assert build.calls == 2
    assert cache.directory is None


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("off", None), ("", None), ("none", None), ("/some/where", Path("/some/where"))],
)
def test_the_setting_names_a_directory_or_turns_the_cache_off(
    setting: str, expected: Path | None
) -> None:
    assert ArtefactCache.from_setting(setting).directory == expected


def test_unset_means_the_users_cache_directory() -> None:
    directory = ArtefactCache.from_setting(None).directory
    assert directory is not None
    assert directory.name == "welcomebot"


# ---------------------------------------------------------------------------- prepared FAQ
@pytest.fixture
def counted_builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots the prepared FAQ was built (not read from the cache) for."""
    built: list[Path] = []
    original = faq.prepared.build_prepared

    def counting(root: Path) -> faq.prepared.PreparedFaq:
        built.append(root)
        return original(root)

    monkeypatch.setattr(faq.prepared, "build_prepared", counting)
    return built


def test_prepared_faq_hit_gives_the_same_answers(
    minimal_tree: Any, cache_dir: Path, counted_builds: list[Path]
) -> None:
    cache = ArtefactCache.at(cache_dir)
    first = load_prepared(minimal_tree.root, cache)
    second = load_prepared(minimal_tree.root, cache)
    assert counted_builds == [minimal_tree.root]
    assert second.tree == first.tree
    question = "where can i find a room"
    assert second.matcher.match(question, limit=3) == first.matcher.match(question, limit=3)
    assert second.matcher.match(question, limit=3)  # the read-back matcher still corrects
    assert second.matcher.match("wher can i fnd a rooom", limit=1)[0].entry == "housing-find-room"


def test_a_changed_faq_file_is_rebuilt(
    minimal_tree: Any, cache_dir: Path, counted_builds: list[Path]
) -> None:
    cache = ArtefactCache.at(cache_dir)
    before = load_prepared(minimal_tree.root, cache)
    path = next(minimal_tree.root.glob("housing/housing-find-room.yaml"))
    path.write_text(path.read_text().replace("answer:", "answer: New text.", 1))
    after = load_prepared(minimal_tree.root, cache)
    assert len(counted_builds) == 2
    assert after.tree != before.tree
    assert after.tree.entries["housing-find-room"].translations["en"].answer.startswith("New")
    assert len(pickles(cache_dir)) == 1  # the old tree's file was replaced


def test_a_new_file_is_rebuilt(
    minimal_tree: Any, cache_dir: Path, counted_builds: list[Path]
) -> None:
    cache = ArtefactCache.at(cache_dir)
    load_prepared(minimal_tree.root, cache)
    minimal_tree.entry(
        "housing-extra", "housing", {"en": minimal_tree.tr(["Is there more?"], "Yes.")}
    )
    assert "housing-extra" in load_prepared(minimal_tree.root, cache).tree.entries
    assert len(counted_builds) == 2


def test_two_trees_keep_their_own_cache_files(
    minimal_tree: Any, tmp_path: Path, cache_dir: Path, counted_builds: list[Path]
) -> None:
    one = minimal_tree
    two = type(minimal_tree)(tmp_path / "two").minimal()
    cache = ArtefactCache.at(cache_dir)
    for root in (one.root, two.root, one.root, two.root):
        load_prepared(root, cache)
    assert counted_builds == [one.root, two.root]
    assert artefact_name(one.root) != artefact_name(two.root)
    assert cache_key(one.root) != cache_key(two.root)  # the tree records its paths


def test_two_processes_starting_at_once(minimal_tree: Any, cache_dir: Path) -> None:
    script = (
        "import sys\n"
        "from faq.cache import ArtefactCache\n"
        "from faq.prepared import load_prepared\n"
        "faq = load_prepared(sys.argv[1], ArtefactCache.at(sys.argv[2]))\n"
        "print(faq.matcher.match('where can i find a room', limit=1)[0].entry)\n"
    )
    argv = [sys.executable, "-c", script, str(minimal_tree.root), str(cache_dir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()
        assert out.decode().strip() == "housing-find-room"
    # one complete artefact, no temporary file left behind, and it reads back
    assert len(pickles(cache_dir)) == 1
    assert [p for p in cache_dir.iterdir() if p.suffix == ".tmp"] == []
    path = pickles(cache_dir)[0]
    assert pickle.loads(path.read_bytes()).tree.root == minimal_tree.root
