"""Near-duplicate grouping of unanswered questions for the welfare team.

Questions are compared on :func:`faq.normalise.normalise` text, whatever their language:
texts that are identical after normalisation always share a group, and texts that are close
(rapidfuzz, word order ignored) join the group of the most frequent similar phrasing.
Deterministic: the same rows always give the same groups, so an id shown by
``unanswered list`` still names the same group when ``resolve`` runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from rapidfuzz import fuzz, process

from faq.normalise import normalise

#: Minimum similarity (0-100) for two different phrasings to count as the same question.
SIMILARITY = 85.0


class Groupable(Protocol):
    """What grouping needs from a row."""

    @property
    def id(self) -> int: ...

    @property
    def text(self) -> str: ...


T = TypeVar("T", bound=Groupable)


@dataclass(slots=True)
class Cluster(Generic[T]):
    """A group of rows; ``rows`` start with the leading phrasing's rows."""

    key: str
    rows: list[T] = field(default_factory=list)


def _leader(key: str, leaders: list[str], threshold: float) -> int | None:
    """Index of the most similar leading text scoring at least ``threshold``, if any.

    Plain similarity catches typos and small edits; token-sorted similarity also catches
    reordered words. Both are rapidfuzz C loops, so a long backlog stays fast.
    """
    best: tuple[float, int] | None = None
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        match = process.extractOne(key, leaders, scorer=scorer, score_cutoff=threshold)
        if match is not None and (best is None or match[1] > best[0]):
            best = (match[1], match[2])
    return None if best is None else best[1]


def group_rows(rows: Sequence[T], *, threshold: float = SIMILARITY) -> list[Cluster[T]]:
    """Group ``rows`` by similar text; the biggest group first, then the oldest.

    Rows whose normalised texts are equal form a bucket; buckets are visited from the most
    frequent down, and each joins the first existing group whose leading text scores at
    least ``threshold``, else starts a new group.
    """
    buckets: dict[str, list[T]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        key = normalise(row.text) or row.text.strip()
        buckets.setdefault(key, []).append(row)

    ordered = sorted(buckets.items(), key=lambda item: (-len(item[1]), item[1][0].id))
    clusters: list[Cluster[T]] = []
    leaders: list[str] = []
    for key, bucket in ordered:
        index = _leader(key, leaders, threshold) if leaders else None
        if index is None:
            clusters.append(Cluster(key=key, rows=list(bucket)))
            leaders.append(key)
        else:
            clusters[index].rows.extend(bucket)

    clusters.sort(key=lambda c: (-len(c.rows), min(r.id for r in c.rows)))
    return clusters
