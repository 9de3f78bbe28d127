"""A cache of artefacts derived from an FAQ tree (the validated tree, the matcher's index,
trained models), so that a new process does not rebuild them.

Usage::

    cache = ArtefactCache.at(directory)            # or ArtefactCache.disabled()
    index = cache.load_or_build("index", [tree_key], lambda: build(tree))

``load_or_build`` stores what ``build`` returns (any picklable object) in a file named after
``name`` and a hash of ``key_parts`` plus the versions of the code that builds artefacts
(this package, a hash of the ``faq`` sources, Python, numpy, rapidfuzz, PyYAML, wordfreq,
scikit-learn when installed): anything that changes gives a new key, so a stale artefact is
never read. Older files of the same name are removed when a new one is written.

Why each rule (the cache must only ever cost the speed-up, never correctness or safety):

* Pickle runs code when loaded, so a file is read only when it and every directory above it
  belong to this user (or root) and nobody else can write them (a world-writable directory
  counts only with the sticky bit, as ``/tmp`` has); otherwise the cache is not used and a
  log line says why.
* Files are written to a temporary name and moved into place with ``os.replace``: a process
  reading at the same time sees the old file or the whole new one, and two processes that
  build at once both succeed (the last move wins; both wrote the same thing).
* A file that cannot be read or unpickled (truncated, corrupt, from an incompatible
  library) is logged and rebuilt; a directory that cannot be written (read-only, full) is
  logged and the built artefact is used without being stored.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar, cast

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Distributions whose version can change what an artefact holds or how it unpickles.
LIBRARIES = (
    "leiden-welcome-bot",
    "numpy",
    "rapidfuzz",
    "PyYAML",
    "wordfreq",
    "scikit-learn",
    "scipy",
)
#: Larger files are not read (a bound on what a damaged file can make us allocate);
#: generous: a 10,000-entry FAQ with its index is about 115 MB.
MAX_BYTES = 2**31
_SUFFIX = ".pickle"


@cache
def code_version() -> str:
    """A hash of everything besides the inputs that decides what an artefact holds: the
    source of the ``faq`` package (where every builder lives), Python and the libraries."""
    from importlib import metadata  # some 50 ms to import: only when a key is needed

    digest = hashlib.sha256()
    digest.update(f"{sys.version} {pickle.HIGHEST_PROTOCOL}".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):  # faq/safety/ included
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def files_digest(root: Path, suffix: str = ".yaml") -> str:
    """A hash of the names and contents of the files under ``root`` whose names end with
    ``suffix``, and of where ``root`` is (a loaded tree records its file paths)."""
    digest = hashlib.sha256(str(root.resolve()).encode())
    found: list[str] = []
    # os.walk, not Path.glob("**/*"): a tenth of the time on a tree of 10,000 files
    for directory, _, names in os.walk(root, followlinks=True):  # as the loader's rglob
        found.extend(os.path.join(directory, n) for n in names if n.endswith(suffix))
    for name in sorted(found):
        digest.update(b"\0" + os.path.relpath(name, root).encode() + b"\0")
        with open(name, "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()


def trust_problem(directory: Path) -> str | None:
    """Why files in ``directory`` must not be unpickled, or ``None`` when they may be: it
    and every directory above it must belong to this user or root and be writable by
    nobody else (unless sticky, as ``/tmp``)."""
    uid = os.geteuid()
    path = directory.resolve()
    for current in (path, *path.parents):
        try:
            info = current.stat()
        except OSError as exc:
            return f"cannot check {current}: {exc.strerror}"
        if info.st_uid not in (uid, 0):
            return f"{current} belongs to another user"
        writable_by_others = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if writable_by_others and not (current != path and info.st_mode & stat.S_ISVTX):
            return f"{current} is writable by other users"
    return None


@dataclass(frozen=True)
class ArtefactCache:
    """Derived artefacts stored in ``directory``; ``None`` means caching is off."""

    directory: Path | None

    @classmethod
    def at(cls, directory: Path | str | None) -> ArtefactCache:
        """The cache in ``directory``, else the user's cache directory."""
        if directory is None:
            from platformdirs import user_cache_dir

            directory = user_cache_dir("welcomebot")
        return cls(Path(directory))

    @classmethod
    def from_setting(cls, value: str | Path | None) -> ArtefactCache:
        """The cache a setting asks for: unset, the user's cache directory; ``off`` (or
        ``none``, ``0``, ``false``, empty), no cache; anything else, that directory."""
        if value is None:
            return cls.at(None)
        if str(value).strip().lower() in ("", "off", "none", "0", "false", "no"):
            return cls.disabled()
        return cls.at(Path(str(value)).expanduser())

    @classmethod
    def disabled(cls) -> ArtefactCache:
        """A cache that always builds and never stores."""
        return cls(None)

    def path_for(self, name: str, key_parts: Iterable[str]) -> Path | None:
        """Where the artefact ``name`` with these inputs is (or would be) stored."""
        if self.directory is None:
            return None
        digest = hashlib.sha256(code_version().encode())
        for part in key_parts:
            digest.update(b"\0" + part.encode())
        return self.directory / f"{name}-{digest.hexdigest()[:24]}{_SUFFIX}"

    def load_or_build(self, name: str, key_parts: Iterable[str], build: Callable[[], T]) -> T:
        """The stored artefact ``name`` for ``key_parts``, else ``build()`` (then stored).

        ``name`` is a short file-name-safe word ("faq-index", "crisis-model"); ``key_parts``
        are strings that together identify the inputs (e.g. :func:`files_digest` of the FAQ
        tree). What ``build`` returns must be picklable; its type is not checked on load, so
        a name must always hold the same type.
        """
        path = self.path_for(name, key_parts)
        if path is None:
            return build()
        problem = trust_problem(path.parent) if path.parent.exists() else None
        if problem:
            log.warning("not using the cache in %s: %s", path.parent, problem)
            return build()
        found = self._read(path)
        if found is not None:
            return cast(T, found[0])
        artefact = build()
        self._write(path, artefact)
        return artefact

    def _read(self, path: Path) -> tuple[object] | None:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cache file %s unreadable (%s): rebuilding", path, exc.strerror)
            return None
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                log.warning("cache file %s is not this user's own: ignored", path)
                return None
            if info.st_size > MAX_BYTES:
                log.warning("cache file %s is too large: ignored", path)
                return None
            # the collector would run again and again over the millions of objects being
            # made (none of them garbage): half the load time of a large FAQ
            collecting = gc.isenabled()
            gc.disable()
            try:
                return (pickle.load(file),)
            except Exception as exc:  # corrupt, truncated or from other code: any error
                log.warning("cache file %s is damaged (%s): rebuilding", path, exc)
                return None
            finally:
                if collecting:
                    # and would then walk them all at its next full collection: they stay
                    # for the life of the process, so they are moved out of its sight
                    # (still freed by reference counting when dropped)
                    gc.freeze()
                    gc.enable()

    def _write(self, path: Path, artefact: object) -> None:
        directory = path.parent
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            problem = trust_problem(directory)
            if problem:  # made just now, but under a directory others may write
                log.warning("not storing in the cache %s: %s", directory, problem)
                return
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.stem}-", suffix=".tmp")
        except OSError as exc:
            log.warning("cannot write the cache in %s (%s): working without it", directory, exc)
            return
        try:
            with os.fdopen(fd, "wb") as file:
                pickle.dump(artefact, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except Exception as exc:  # full disk, unpicklable artefact: only the speed-up is lost
            log.warning("cannot store %s in the cache (%s)", path.name, exc)
            Path(tmp).unlink(missing_ok=True)
            return
        name = path.name.rsplit("-", 1)[0]
        for stale in directory.glob(f"{name}-*{_SUFFIX}"):  # older versions of this artefact
            if stale != path and stale.name.rsplit("-", 1)[0] == name:
                stale.unlink(missing_ok=True)
