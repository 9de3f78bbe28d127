"""An FAQ tree with its matcher index, from the artefact cache when the files are unchanged.

``welcomebot ask`` is a new process every time; validating the YAML files and building the
index is most of its start-up on a large FAQ (about a minute at 10,000 entries). Both depend
only on the files' contents and the code (see :mod:`faq.cache` for the key), so they are
built once and read back from the cache afterwards. ``welcomebot faq check`` does not use
this: it always validates from the source files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from faq.cache import ArtefactCache, files_digest
from faq.language import LanguageDetector
from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.matcher import Matcher
from faq.models import FaqTree


@dataclass(frozen=True, slots=True)
class PreparedFaq:
    """A validated tree, the matcher built on it and the language detector that knows its
    jargon (picklable, one cache file: the index shares the tree's strings)."""

    tree: FaqTree
    matcher: Matcher
    languages: LanguageDetector


def build_prepared(root: Path) -> PreparedFaq:
    """Validate the tree at ``root`` and build its index (raises ``FaqLoadError``)."""
    tree = load_tree(root)
    matcher = Matcher(tree)
    return PreparedFaq(tree, matcher, LanguageDetector.for_vocabulary(matcher.words_by_language))


def cache_key(root: Path) -> list[str]:
    """What the prepared FAQ at ``root`` depends on besides the code: its files."""
    return [files_digest(root)]


def artefact_name(root: Path, kind: str = "faq") -> str:
    """A cache name per FAQ directory, so that two trees (the bundled one and a staff
    copy) keep their own files instead of replacing each other's."""
    where = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:10]
    return f"{kind}-{where}"


def load_prepared(root: Path | str | None, cache: ArtefactCache) -> PreparedFaq:
    """The prepared FAQ at ``root`` (the bundled one by default), from ``cache`` when its
    files and the code are unchanged, else validated and built (and stored)."""
    path = Path(root) if root is not None else BUNDLED_FAQ_DIR
    return cache.load_or_build(artefact_name(path), cache_key(path), lambda: build_prepared(path))
