"""``welcomebot faq check``: schema errors exit 1 naming file:line: field; lint warnings."""

from __future__ import annotations

from datetime import date, timedelta

from faq.lint import STALE_AFTER, lint


def test_valid_tree_exits_0_with_a_summary(cli, minimal_tree):
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 0, run.err
    assert run.err == ""
    assert "3 entries in 3 categories" in run.out
    assert "2 smalltalk kinds" in run.out
    assert "1 synonym groups" in run.out


def test_broken_tree_exits_1_and_names_file_line_and_field(cli, minimal_tree):
    no_answer = minimal_tree.write(
        "housing/housing-broken.yaml",
        """\
        id: housing-broken
        category: housing
        reviewed: 2026-01-15
        related: [housing-find-room, housing-gone]
        translations:
          en:
            questions: [Where is the room]
            anser: typo
        """,
    )
    bad_html = minimal_tree.write(
        "eduroam/eduroam-html.yaml",
        """\
        id: eduroam-html
        category: eduroam
        reviewed: 2026-01-15
        translations:
          en:
            questions: [Why]
            answer: <b>Because & so
        """,
    )
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)

    assert run.code == 1
    errors = [line for line in run.err.splitlines() if line.startswith("error: ")]
    assert f"error: {no_answer}:8: translations.en.anser: unknown key" in run.err
    assert f"error: {no_answer}:6: translations.en.answer: missing answer" in run.err
    assert f"error: {bad_html}:7: translations.en.answer: Telegram cannot show this HTML" in run.err
    assert len(errors) >= 4  # the bare & and the unclosed <b> are two problems
    assert f"{len(errors)} error(s)" in run.err
    assert "warning" not in run.out  # no lint on a tree that does not load


def test_related_and_duplicate_errors(cli, minimal_tree):
    path = minimal_tree.write(
        "welfare/welfare-copy.yaml",
        """\
        id: welfare-copy
        category: welfare
        reviewed: 2026-01-15
        related:
          - welfare-crisis
          - welfare-nowhere
        translations:
          en:
            questions: [q]
            answer: a
        """,
    )
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 1
    assert f"error: {path}:6: related.1: no entry with id 'welfare-nowhere'" in run.err


def test_missing_directory(cli, tmp_path):
    run = cli("faq", "check", "--faq-dir", tmp_path / "nope")
    assert run.code == 1
    assert str(tmp_path / "nope") in run.err


# --------------------------------------------------------------------------- lint warnings
def warnings_of(run) -> list[str]:
    return [line for line in run.out.splitlines() if line.startswith("warning: ")]


def test_missing_languages_are_warnings_not_errors(cli, minimal_tree):
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 0
    path = minimal_tree.root / "eduroam" / "eduroam-connect.yaml"
    assert f"warning: {path}: eduroam-connect: missing languages: nl, de, fr, it" in run.out
    # the safety triggers and smalltalk are checked for languages too
    assert any("no crisis triggers for de" in w for w in warnings_of(run))
    assert any("smalltalk:greeting" in w and "missing languages" in w for w in warnings_of(run))


def test_strict_makes_warnings_fail(cli, minimal_tree):
    assert cli("faq", "check", "--strict", "--faq-dir", minimal_tree.root).code == 1


def test_stale_reviewed_date_is_a_warning(cli, minimal_tree):
    tr = minimal_tree.tr
    path = minimal_tree.entry(
        "housing-old",
        "housing",
        {"en": tr(["Is the old housing page still right?"], "Yes.")},
        reviewed="2020-03-01",
    )
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 0
    assert f"warning: {path}: housing-old: reviewed 2020-03-01, over 12 months ago" in run.out
    # the fresh entries are not stale
    assert not any("over 12 months" in w and "housing-old" not in w for w in warnings_of(run))


def test_stale_boundary(minimal_tree):
    tree = minimal_tree.load()
    reviewed = tree.entries["housing-find-room"].reviewed  # 2026-01-15, all three entries

    def stale(today: date) -> set[str]:
        return {w.entry for w in lint(tree, today=today) if "over 12 months" in w.message}

    assert stale(reviewed + STALE_AFTER) == set()
    assert stale(reviewed + STALE_AFTER + timedelta(days=1)) == set(tree.entries)
    assert timedelta(days=365) <= STALE_AFTER


def test_variant_equally_good_for_another_entry_is_a_warning(cli, minimal_tree):
    # staff pasted the eduroam question into the housing entry: whoever asks it exactly gets
    # one of the two entries by alphabetical accident
    tr = minimal_tree.tr
    minimal_tree.entry(
        "housing-find-room",
        "housing",
        {
            "en": tr(
                ["How do I find a room in Leiden?", "How do I connect to eduroam?"], "Kamernet."
            )
        },
    )
    warnings = [w for w in lint(minimal_tree.load()) if "How do I connect to eduroam?" in w.message]
    # both files hold the duplicate; each names the other entry
    by_entry = {w.entry: w.message for w in warnings}
    assert set(by_entry) == {"housing-find-room", "eduroam-connect"}
    assert "eduroam-connect" in by_entry["housing-find-room"]
    assert "housing-find-room" in by_entry["eduroam-connect"]

    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 0  # a warning, not an error
    path = minimal_tree.root / "housing" / "housing-find-room.yaml"
    assert (
        f"warning: {path}: housing-find-room: [en] 'How do I connect to eduroam?' scores" in run.out
    )


def test_misplaced_variant_is_a_warning(minimal_tree):
    tr = minimal_tree.tr
    minimal_tree.entry(
        "housing-find-room",
        "housing",
        {
            "en": tr(
                ["How do I find a room in Leiden?", "the eduroam wifi on campus does not connect"],
                "Kamernet.",
            )
        },
    )
    tree = minimal_tree.load()
    warnings = [w for w in lint(tree) if "eduroam wifi" in w.message]
    assert [w.entry for w in warnings] == ["housing-find-room"]
    assert "eduroam-connect" in warnings[0].message


def test_clean_variants_give_no_such_warning(minimal_tree):
    warnings = lint(minimal_tree.load())
    assert not [w for w in warnings if "scores" in w.message or "matches no entry" in w.message]


# --------------------------------------------------------------------------- content errors
def test_entry_without_sources_is_an_error(cli, minimal_tree):
    tr = minimal_tree.tr
    path = minimal_tree.entry(
        "general-privacy", "general", {"en": tr(["privacy?"], "We store little.")}, sources=[]
    )
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 1
    assert f"error: {path}: general-privacy: no sources (name an official page)" in run.err
    assert "1 error(s)" in run.err


def _known_links(minimal_tree, good, bad=None):
    import yaml

    (minimal_tree.root / "links.yaml").write_text(
        yaml.safe_dump({"good": list(good), "bad": dict(bad or {})}), encoding="utf-8"
    )


def test_links_checks_against_the_known_good_list(cli, minimal_tree):
    from faq.links import distinct_urls

    urls = distinct_urls(minimal_tree.load())
    _known_links(minimal_tree, urls)
    assert cli("faq", "check", "--links", "--faq-dir", minimal_tree.root).code == 0

    _known_links(minimal_tree, urls[1:], {urls[0]: "points to an unrelated institution"})
    run = cli("faq", "check", "--faq-dir", minimal_tree.root)
    assert run.code == 0  # without --links the list is not consulted
    run = cli("faq", "check", "--links", "--faq-dir", minimal_tree.root)
    assert run.code == 1
    assert f"{urls[0]}: known to be wrong: points to an unrelated institution" in run.err


def test_online_reports_each_link_and_warns_on_failures(cli, minimal_tree, local_site):
    from faq.links import distinct_urls

    tr = minimal_tree.tr
    # every link of the tree points at 127.0.0.1: the test never touches the internet
    https_local = local_site.replace("http://", "https://") + "/ok"  # no TLS there: an error
    for entry in minimal_tree.load().entries.values():
        answers = {lang: tr(t.questions, "plain") for lang, t in entry.translations.items()}
        minimal_tree.entry(entry.id, entry.category, answers, sources=[https_local])
    minimal_tree.entry(
        "general-links",
        "general",
        {
            "en": tr(
                ["links?"], f'<a href="{local_site}/moved">a</a> <a href="{local_site}/gone">b</a>'
            )
        },
        sources=[https_local],
    )
    _known_links(minimal_tree, distinct_urls(minimal_tree.load()))
    run = cli("faq", "check", "--online", "--timeout", "5", "--faq-dir", minimal_tree.root)

    assert f"link: {local_site}/moved: 200 (redirected to {local_site}/ok)" in run.out
    assert f"link: {local_site}/gone: 404" in run.out
    assert f"link: {https_local}: error: " in run.out
    assert f"warning: link {local_site}/gone: 404" in run.out
    # --online implies --links: a plain http:// address is an error even when listed
    assert run.code == 1
    assert f"{local_site}/moved: not an https:// address" in run.err
