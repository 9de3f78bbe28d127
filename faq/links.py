"""The FAQ's links: every ``href`` in an answer and every ``sources`` address.

``welcomebot faq check --links`` compares them with ``links.yaml`` in the FAQ directory, a list
staff keep of addresses someone opened and found right (``good``) and of addresses known to be
wrong, with the reason (``bad``). That check needs no network. ``--online`` also fetches every
address and reports its status code and any redirect; only that mode touches the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from faq.extras import OUT_OF_SCOPE_FILE
from faq.loader import LINKS_FILE, PROJECT_DOC
from faq.markup import links as markup_links
from faq.models import FaqTree

__all__ = ["LINKS_FILE", "KnownLinks", "Link", "LinkProblem", "OnlineResult"]


@dataclass(frozen=True, slots=True)
class Link:
    """One address used in the FAQ, and where: ``sources`` or ``answer:<lang>``."""

    url: str
    entry: str
    file: str
    where: str


@dataclass(frozen=True, slots=True)
class KnownLinks:
    """The contents of ``links.yaml``."""

    good: frozenset[str]
    bad: dict[str, str]


@dataclass(frozen=True, slots=True)
class LinkProblem:
    """An address that is not known to be good, or is known to be wrong."""

    link: Link
    message: str

    def __str__(self) -> str:
        return f"{self.link.file}: {self.link.entry}: {self.link.where}: {self.link.url}: {self.message}"


@dataclass(frozen=True, slots=True)
class OnlineResult:
    """What fetching one address gave: the status, the final address, or the error."""

    url: str
    status: int | None
    final_url: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 2xx answer, possibly after redirects."""
        return self.status is not None and 200 <= self.status < 300

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.url}: error: {self.error}"
        moved = f" (redirected to {self.final_url})" if self.final_url else ""
        return f"{self.url}: {self.status}{moved}"


def normalise(url: str) -> str:
    """The form addresses are compared in: no fragment, no trailing slash."""
    return url.split("#", 1)[0].rstrip("/")


def links_in(tree: FaqTree) -> list[Link]:
    """Every address users can be sent to: the entries' sources, then each answer's links,
    then the out-of-scope pointers' links (shown to users as much as answers are)."""
    out: list[Link] = []
    for entry in tree.entries.values():
        file = str(entry.path) if entry.path else entry.id
        out += [Link(url, entry.id, file, "sources") for url in entry.sources]
        for lang, translation in entry.translations.items():
            out += [
                Link(url, entry.id, file, f"answer:{lang}")
                for url in markup_links(translation.answer)
            ]
    pointers_file = str(tree.root / OUT_OF_SCOPE_FILE)
    for group in tree.out_of_scope:
        for lang, pointer in group.pointers.items():
            out += [
                Link(url, group.id, pointers_file, f"pointer:{lang}")
                for url in markup_links(pointer)
            ]
    return out


class LinksFileError(ValueError):
    """``links.yaml`` is missing or not of the expected shape."""


def load_known(path: Path) -> KnownLinks:
    """Read ``links.yaml``: ``good`` (a list of addresses) and ``bad`` (address: reason)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LinksFileError(
            f"{path}: cannot read the list of known links ({exc.strerror})"
        ) from exc
    except yaml.YAMLError as exc:
        raise LinksFileError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise LinksFileError(f"{path}: expected a mapping with 'good' and 'bad'")
    good = data.get("good") or []
    bad = data.get("bad") or {}
    if not isinstance(good, list) or not all(isinstance(u, str) for u in good):
        raise LinksFileError(f"{path}: 'good' must be a list of addresses")
    if not isinstance(bad, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in bad.items()
    ):
        raise LinksFileError(f"{path}: 'bad' must map addresses to the reason they are wrong")
    return KnownLinks(
        frozenset(normalise(u) for u in good), {normalise(k): v for k, v in bad.items()}
    )


def check_known(links: Iterable[Link], known: KnownLinks) -> list[LinkProblem]:
    """Links that are known to be wrong, not https, or not on the known-good list."""
    problems: list[LinkProblem] = []
    for link in links:
        if PROJECT_DOC.match(link.url):
            continue  # the project's own page, checked by project_doc_errors
        url = normalise(link.url)
        if url in known.bad:
            problems.append(LinkProblem(link, f"known to be wrong: {known.bad[url]}"))
        elif not link.url.startswith("https://"):
            problems.append(LinkProblem(link, "not an https:// address"))
        elif url not in known.good:
            problems.append(
                LinkProblem(link, f"not in {LINKS_FILE}: open it, then add it to 'good' if right")
            )
    return problems


def check_online(
    urls: Iterable[str],
    *,
    timeout: float = 10.0,
    client: httpx.Client | None = None,
    progress: Callable[[OnlineResult], None] | None = None,
) -> list[OnlineResult]:
    """Fetch each distinct address (GET, following redirects) and report what came back.

    Never raises for a network problem: it becomes the result's ``error``.
    """
    own = client is None
    http = client or httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": "welcomebot-linkcheck/1.0"},
    )
    results: list[OnlineResult] = []
    try:
        for url in dict.fromkeys(urls):
            result = _fetch(http, url)
            results.append(result)
            if progress is not None:
                progress(result)
    finally:
        if own:
            http.close()
    return results


def _fetch(http: httpx.Client, url: str) -> OnlineResult:
    try:
        response = http.get(url)
    except httpx.HTTPError as exc:
        return OnlineResult(url, None, error=f"{type(exc).__name__}: {exc}".rstrip(": "))
    final = str(response.url)
    moved = final if response.history and normalise(final) != normalise(url) else None
    return OnlineResult(url, response.status_code, moved)


def link_errors(tree: FaqTree) -> list[str]:
    """``faq check --links``: every link not known to be good, as error lines (no network)."""
    links = links_in(tree)
    errors = project_doc_errors(tree.root, links)
    try:
        known = load_known(tree.root / LINKS_FILE)
    except LinksFileError as exc:
        return [*errors, str(exc)]
    return errors + [str(problem) for problem in check_known(links, known)]


def project_doc_errors(root: Path, links: Iterable[Link]) -> list[str]:
    """Sources naming a ``docs/*.md`` page that exists in no folder above the FAQ tree."""
    bases = [root, *root.resolve().parents]
    return [
        f"{link.file}: {link.entry}: {link.where}: {link.url}: no such project document"
        for link in links
        if PROJECT_DOC.match(link.url) and not any((b / link.url).is_file() for b in bases)
    ]


def distinct_urls(tree: FaqTree) -> list[str]:
    """Every address in the tree once, in first-use order (what ``--online`` fetches)."""
    return list(
        dict.fromkeys(link.url for link in links_in(tree) if not PROJECT_DOC.match(link.url))
    )
