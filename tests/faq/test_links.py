"""faq.links: the FAQ's links against the staff's known-good list, and fetched for real.

The online check runs against a local HTTP server on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import pytest
import yaml

from faq.links import (
    KnownLinks,
    LinksFileError,
    check_known,
    check_online,
    distinct_urls,
    link_errors,
    links_in,
    load_known,
)
from faq.loader import load_tree


def test_links_in_names_entry_and_place(minimal_tree) -> None:
    tr = minimal_tree.tr
    minimal_tree.entry(
        "housing-deposit",
        "housing",
        {
            "en": tr(["deposit?"], 'See <a href="https://gov.example/deposit">the rules</a>.'),
            "nl": tr(["borg?"], 'Zie <a href="https://gov.example/borg">de regels</a>.'),
        },
        sources=["https://gov.example/deposit"],
    )
    links = [link for link in links_in(minimal_tree.load()) if link.entry == "housing-deposit"]
    assert [(link.url, link.where) for link in links] == [
        ("https://gov.example/deposit", "sources"),
        ("https://gov.example/deposit", "answer:en"),
        ("https://gov.example/borg", "answer:nl"),
    ]
    assert links[0].file.endswith("housing-deposit.yaml")


def _write_known(tree_root, good, bad=None) -> None:
    (tree_root / "links.yaml").write_text(
        yaml.safe_dump({"good": list(good), "bad": dict(bad or {})}), encoding="utf-8"
    )


def test_every_link_known_good_means_no_errors(minimal_tree) -> None:
    tree = minimal_tree.load()
    _write_known(minimal_tree.root, distinct_urls(tree))
    # links.yaml is the staff's list, not an FAQ entry: the tree still loads
    tree = load_tree(minimal_tree.root)
    assert link_errors(tree) == []


def test_unknown_bad_and_plain_http_links_are_errors(minimal_tree) -> None:
    tr = minimal_tree.tr
    minimal_tree.entry(
        "housing-scams",
        "housing",
        {
            "en": tr(
                ["scam?"],
                '<a href="https://school.example/scams">scams</a> '
                '<a href="http://gov.example/fraud">fraud</a> '
                '<a href="https://new.example/page">new</a>',
            )
        },
    )
    tree = minimal_tree.load()
    good = [u for u in distinct_urls(tree) if "school" not in u and "new.example" not in u]
    _write_known(
        minimal_tree.root, good, {"https://school.example/scams/": "an unrelated institution"}
    )
    errors = link_errors(load_tree(minimal_tree.root))
    assert len(errors) == 3, errors
    assert any(
        "https://school.example/scams: known to be wrong: an unrelated institution" in e
        for e in errors
    )
    assert any("http://gov.example/fraud: not an https:// address" in e for e in errors)
    assert any("https://new.example/page: not in links.yaml" in e for e in errors)
    assert all("housing-scams" in e and "answer:en" in e for e in errors)


def test_comparison_ignores_trailing_slash_and_fragment(minimal_tree) -> None:
    tree = minimal_tree.load()
    link = links_in(tree)[0]
    known = KnownLinks(frozenset({link.url.rstrip("/")}), {})
    variant = type(link)(link.url.rstrip("/") + "/#top", link.entry, link.file, link.where)
    assert check_known([variant], known) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list\n", "mapping"),
        ("good: https://one.example\n", "'good' must be a list"),
        ("good: []\nbad: [https://x.example]\n", "'bad' must map"),
        ("good: [unclosed\n", "not valid YAML"),
    ],
)
def test_malformed_links_file_is_reported(tmp_path, text, message) -> None:
    path = tmp_path / "links.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LinksFileError, match=message):
        load_known(path)


def test_missing_links_file_is_one_error(minimal_tree) -> None:
    errors = link_errors(minimal_tree.load())
    assert len(errors) == 1
    assert "links.yaml" in errors[0]
    assert "cannot read" in errors[0]


# --------------------------------------------------------------------------- online
def test_online_reports_status_redirect_and_error(local_site) -> None:
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there
    urls = [f"{local_site}/ok", f"{local_site}/moved", f"{local_site}/gone", closed]
    seen: list[str] = []
    results = check_online([*urls, urls[0]], timeout=5, progress=lambda r: seen.append(r.url))

    assert [r.url for r in results] == urls  # each address fetched once
    assert seen == urls
    ok, moved, gone, refused = results
    assert (ok.status, ok.final_url, ok.ok) == (200, None, True)
    assert (moved.status, moved.final_url, moved.ok) == (200, f"{local_site}/ok", True)
    assert str(moved) == f"{local_site}/moved: 200 (redirected to {local_site}/ok)"
    assert (gone.status, gone.ok) == (404, False)
    assert refused.status is None
    assert refused.error
    assert not refused.ok
    assert str(refused).startswith(f"{closed}: error: ")


def test_a_project_document_may_be_a_source(minimal_tree, tmp_path) -> None:
    tr = minimal_tree.tr
    minimal_tree.entry(
        "general-privacy",
        "general",
        {"en": tr(["privacy?"], "What we store.")},
        sources=["docs/privacy.md"],
    )
    tree = minimal_tree.load()  # the loader accepts a docs/*.md page as a source
    _write_known(minimal_tree.root, distinct_urls(tree))
    assert "docs/privacy.md" not in distinct_urls(tree)  # never fetched online
    errors = link_errors(tree)
    assert len(errors) == 1
    assert "docs/privacy.md: no such project document" in errors[0]

    (tmp_path / "docs").mkdir(exist_ok=True)  # a folder above the FAQ tree, as in the repo
    (tmp_path / "docs" / "privacy.md").write_text("# Privacy\n", encoding="utf-8")
    assert minimal_tree.root.is_relative_to(tmp_path)
    assert link_errors(tree) == []


@pytest.mark.parametrize("source", ["docs/../secrets.md", "docs/privacy.txt", "privacy.md"])
def test_other_plain_paths_are_not_sources(minimal_tree, source) -> None:
    from faq.loader import FaqLoadError

    tr = minimal_tree.tr
    minimal_tree.entry(
        "general-privacy", "general", {"en": tr(["privacy?"], "a")}, sources=[source]
    )
    with pytest.raises(FaqLoadError, match="https:// address or a docs/"):
        minimal_tree.load()


def test_out_of_scope_pointers_are_checked_too(minimal_tree) -> None:
    # users are sent to these addresses as much as to an answer's
    minimal_tree.write(
        "out-of-scope.yaml",
        """
        groups:
          - id: transport
            pointer:
              en: 'I can''t help with trains: <a href="https://trains.example/plan">plan a trip</a>.'
            questions:
              en: [how much is a train ticket]
        """,
    )
    tree = minimal_tree.load()
    [link] = [link for link in links_in(tree) if link.entry == "transport"]
    assert (link.url, link.where) == ("https://trains.example/plan", "pointer:en")
    assert link.file.endswith("out-of-scope.yaml")
    others = [u for u in distinct_urls(tree) if u != "https://trains.example/plan"]
    _write_known(minimal_tree.root, others)
    errors = link_errors(load_tree(minimal_tree.root))
    assert len(errors) == 1
    assert "transport: pointer:en: https://trains.example/plan: not in links.yaml" in errors[0]
