"""The lock files (``scripts/lock``) hold everything ``pyproject.toml`` asks for, each pin
with its hashes, and the image and CI install from them. Offline: only files are read."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_lock(path: Path) -> dict[str, Version]:
    """``{canonical name: version}`` of a pip-compile lock; every pin must carry a hash."""
    pins: dict[str, Version] = {}
    name = ""
    hashed: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
            pins[name] = Version(match[2])
        elif line.strip().startswith("--hash=sha256:") and name:
            hashed.add(name)
    assert set(pins) == hashed, f"pins without a hash in {path.name}: {set(pins) - hashed}"
    return pins


def missing_from_lock(requirements: list[str], pins: dict[str, Version]) -> list[str]:
    """The requirements (for this interpreter) that ``pins`` does not satisfy."""
    missing = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            missing.append(text)
    return missing


@pytest.fixture(scope="module")
def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def _project(pyproject: dict[str, object]) -> dict[str, object]:
    project = pyproject["project"]
    assert isinstance(project, dict)
    return project


def test_the_checker_finds_what_is_missing_or_too_old() -> None:
    pins = {"numpy": Version("2.0.0"), "pyyaml": Version("6.0.1")}
    assert missing_from_lock(["numpy>=1.26", "PyYAML>=6.0.1"], pins) == []
    assert missing_from_lock(["scikit-learn>=1.4"], pins) == ["scikit-learn>=1.4"]
    assert missing_from_lock(["numpy>=2.1"], pins) == ["numpy>=2.1"]
    assert missing_from_lock(['numpy>=9; python_version < "3"'], pins) == []


def test_the_runtime_lock_holds_every_dependency(pyproject: dict[str, object]) -> None:
    dependencies = _project(pyproject)["dependencies"]
    assert isinstance(dependencies, list)
    pins = read_lock(ROOT / "requirements.lock")
    assert missing_from_lock(dependencies, pins) == [], "run scripts/lock"


def test_the_runtime_lock_holds_what_the_requested_extras_pull_in(
    pyproject: dict[str, object],
) -> None:
    """``python-telegram-bot[webhooks,...]``: the extras' own requirements are locked too."""
    pins = read_lock(ROOT / "requirements.lock")
    dependencies = _project(pyproject)["dependencies"]
    assert isinstance(dependencies, list)
    checked = 0
    for text in dependencies:
        requirement = Requirement(text)
        if not requirement.extras:
            continue
        for extra_text in metadata.requires(requirement.name) or []:
            extra_requirement = Requirement(extra_text)
            marker = extra_requirement.marker
            if marker is None or not any(
                marker.evaluate({"extra": extra}) for extra in requirement.extras
            ):
                continue
            checked += 1
            assert canonicalize_name(extra_requirement.name) in pins, extra_text
    assert checked > 0


def test_the_dev_lock_holds_everything_at_the_runtime_versions(
    pyproject: dict[str, object],
) -> None:
    project = _project(pyproject)
    dependencies, extras = project["dependencies"], project["optional-dependencies"]
    assert isinstance(dependencies, list)
    assert isinstance(extras, dict)
    runtime = read_lock(ROOT / "requirements.lock")
    dev = read_lock(ROOT / "requirements-dev.lock")
    assert missing_from_lock(dependencies + extras["dev"], dev) == [], "run scripts/lock"
    assert {name: dev.get(name) for name in runtime} == runtime


def test_the_build_lock_holds_the_build_backend(pyproject: dict[str, object]) -> None:
    build_system = pyproject["build-system"]
    assert isinstance(build_system, dict)
    pins = read_lock(ROOT / "requirements-build.lock")
    assert missing_from_lock(build_system["requires"], pins) == [], "run scripts/lock"


def test_the_image_and_ci_install_from_the_locks() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"--require-hashes --no-deps\s*\\?\s*-r requirements\.lock", dockerfile)
    assert "--require-hashes --no-deps" in dockerfile
    assert "-r requirements-build.lock" in dockerfile
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements-dev.lock" in ci
    assert "--no-deps -e ." in ci


def test_the_base_image_is_pinned_by_digest() -> None:
    lines = (ROOT / "base-image.lock").read_text(encoding="utf-8").splitlines()
    [pinned] = [line for line in lines if line and not line.startswith("#")]
    tag, _, digest = pinned.partition("@")
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = [line.split() for line in dockerfile.splitlines() if line.startswith("FROM ")]
    assert len(stages) == 2
    assert all(stage[1] == tag for stage in stages)
    # no frontend image to fetch from Docker Hub
    assert not dockerfile.startswith("# syntax")


def test_the_build_context_lets_in_what_the_dockerfile_copies() -> None:
    """.dockerignore lets in only named paths; each COPY source must be one of them."""
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore
    allowed = {line[1:] for line in ignore if line.startswith("!")}
    copied: set[str] = set()
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not words[1].startswith("--from"):
            copied.update(words[1:-1])
    assert copied == allowed
    assert all((ROOT / name).exists() for name in copied)
