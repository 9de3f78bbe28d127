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
from faq.confidence import ConfidenceModel, train_cached
from faq.language import LanguageDetector
from faq.loader import BUNDLED_FAQ_DIR, load_tree
from faq.matcher import Matcher
from faq.models import FaqTree
from faq.safety.detector import build_model
from faq.safety.model import CrisisModel


@dataclass(frozen=True, slots=True)
class PreparedFaq:
    """A validated tree and everything built from it: the matcher, the language detector
    that knows its jargon, the calibrated answer-confidence model and the crisis model
    (picklable, one cache file: the index shares the tree's strings)."""

    tree: FaqTree
    matcher: Matcher
    languages: LanguageDetector
    confidence: ConfidenceModel | None
    crisis_model: CrisisModel | None


def prepare(tree: FaqTree) -> PreparedFaq:
    """Build everything the desk needs from an already validated ``tree`` (seconds: the two
    models are trained here)."""
    matcher = Matcher(tree)
    languages = LanguageDetector.for_vocabulary(
        matcher.words_by_language,
        # single-word place names only: "den" of "Den Haag" is a Dutch word
        (t for t in tree.weak_terms if " " not in t),
    )
    return PreparedFaq(tree, matcher, languages, train_cached(tree, matcher), build_model(tree))


def build_prepared(root: Path) -> PreparedFaq:
    """Validate the tree at ``root`` and build its index and models (raises
    ``FaqLoadError``)."""
    return prepare(load_tree(root))


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
