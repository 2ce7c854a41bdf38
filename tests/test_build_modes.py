"""Serial, parallel, incremental and fresh builds give the same pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import Any

import pytest

from helpers import (
    build,
    card_titles,
    copy_root,
    differing_pages,
    html_pages,
    main_text,
    soup,
    warnings,
)


def fresh_build(make_app: Any, src: Path, tmp_path: Path, name: str, **kwargs: Any) -> Any:
    """A full build of a copy of *src* in its own folder (no shared state)."""
    copy = tmp_path / name
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("_build", "browse"))
    return build(make_app, copy, freshenv=True, **kwargs)


def test_parallel_build_equals_serial(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    serial = fresh_build(make_app, src, tmp_path, "serial")
    parallel = fresh_build(make_app, src, tmp_path, "parallel", parallel=2)
    assert differing_pages(serial.outdir, parallel.outdir) == []


def test_a_parallel_read_forks_one_reader_per_job(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sphinx would fork a reader per batch of about √(10·pages/jobs) pages, each
    pickling back all that the batches before it merged."""
    from sphinx.util.parallel import ParallelTasks

    from tools.extensions import parallelread

    readers: list[list[str]] = []

    class Counted(ParallelTasks):
        def add_task(self, task_func: Any, arg: Any = None, result_func: Any = None) -> None:
            readers.append(arg)
            super().add_task(task_func, arg, result_func)

    monkeypatch.setattr(parallelread, "ParallelTasks", Counted)
    src = copy_root(tmp_path, "course")
    app = fresh_build(make_app, src, tmp_path, "parallel", parallel=3)
    assert len(readers) == 3
    assert sorted(chain.from_iterable(readers)) == sorted(app.env.found_docs)
    assert max(map(len, readers)) - min(map(len, readers)) <= 1


@pytest.mark.parametrize(("pages", "jobs"), [(10, 3), (2, 3), (7, 1), (0, 2)])
def test_shares_deal_every_page_once(pages: int, jobs: int) -> None:
    from tools.extensions.parallelread import shares

    names = [f"page-{n}" for n in range(pages)]
    dealt = shares(names, jobs)
    assert sorted(chain.from_iterable(dealt)) == sorted(names)
    assert len(dealt) == min(jobs, pages) and all(dealt)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "category": lambda src: _edit(
        src / "articles/remembering.md", "category: junior-basics", "category: senior-basics"
    ),
    "topics": lambda src: _edit(
        src / "articles/growing-up.md", "topics: [learning]", "topics: [memory]"
    ),
    "related": lambda src: _edit(
        src / "articles/remembering.md", "related: [paying-attention]", "related: [growing-up]"
    ),
    "title": lambda src: _edit(
        src / "articles/paying-attention.md", "# Paying Attention", "# Focusing the Mind"
    ),
    "summary": lambda src: _edit(
        src / "articles/working-memory.md", "The working memory model.", "A model of active memory."
    ),
    "glossary definition": lambda src: _edit(
        src / "glossary.md",
        "The ability to keep and later use information.",
        "Keeping information over time.",
    ),
    "taxonomy description": lambda src: _edit(
        src / "taxonomy.yaml", "description: Junior basics.", "description: The first steps."
    ),
}


@pytest.mark.parametrize("what", list(EDITS))
def test_incremental_build_after_an_edit_equals_a_fresh_build(
    make_app: Any, tmp_path: Path, what: str
) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    EDITS[what](src)
    incremental = build(make_app, src)
    fresh = fresh_build(make_app, src, tmp_path, "fresh")
    assert differing_pages(incremental.outdir, fresh.outdir) == []


def test_glossary_edit_reaches_the_tooltips_of_pages_that_use_the_term(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    EDITS["glossary definition"](src)
    app = build(make_app, src)
    tip = soup(app, "articles/remembering.html").select_one(".course-term-tip")
    assert tip is not None
    assert tip.get_text() == "Keeping information over time."


CITING = {
    "articles/citing.md": (
        "---\ncategory: junior-basics\nsummary: A page that cites.\n---\n\n# Citing\n\n"
        "Memory has stores {cite:p}`atkinson1968`.\n\n```{bibliography}\n```\n"
    )
}
BIBTEX = {
    "extensions": ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "tools.extensions"],
    "bibtex_bibfiles": ["references.bib"],
}


def test_incremental_build_after_a_bibliography_edit_equals_a_fresh_build(
    make_app: Any, tmp_path: Path
) -> None:
    src = copy_root(tmp_path, "course", files=CITING)
    build(make_app, src, confoverrides=BIBTEX)
    _edit(src / "references.bib", "Academic Press", "Academic Books")
    incremental = build(make_app, src, confoverrides=BIBTEX)
    assert "Academic Books" in main_text(incremental, "articles/citing.html")
    fresh = fresh_build(make_app, src, tmp_path, "fresh", confoverrides=BIBTEX)
    assert differing_pages(incremental.outdir, fresh.outdir) == []


def test_title_change_reaches_every_page_that_shows_it(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    EDITS["title"](src)
    app = build(make_app, src)
    assert "Focusing the Mind" in card_titles(app, "articles/remembering.html", ".course-related")
    assert "Focusing the Mind" in card_titles(app, "browse/topics/memory.html")
    assert "Focusing the Mind" in main_text(app, "articles/remembering.html")  # the {article} link
    assert "Paying Attention" not in " ".join(html_pages(app.outdir).values())


def test_deleting_an_article_removes_it_everywhere(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    (src / "articles" / "paying-attention.md").unlink()
    app = build(make_app, src)
    pages = html_pages(app.outdir)
    shown = [
        k
        for k, v in pages.items()
        if "Paying Attention" in v and k != "articles/paying-attention.html"
    ]
    assert shown == []
    assert (
        "remembering.md:13: WARNING: {article} role: no article with slug 'paying-attention'"
        in warnings(app)
    )
    assert "'related': no article with slug 'paying-attention'" in warnings(app)
    fresh = fresh_build(make_app, src, tmp_path, "fresh")
    stale = [
        p
        for p in differing_pages(app.outdir, fresh.outdir)
        if p != "articles/paying-attention.html"
    ]
    assert stale == []


def test_adding_an_article_adds_it_everywhere(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    (src / "articles" / "forgetting.md").write_text(
        "---\ncategory: junior-basics\ntopics: [memory]\nsummary: Why memories fade.\n---\n\n# Forgetting\n\nWe forget.\n"
    )
    app = build(make_app, src)
    assert "Forgetting" in card_titles(app, "browse/categories/junior-basics.html")
    assert "Forgetting" in card_titles(app, "browse/topics/memory.html")
    assert "Forgetting" in card_titles(app, "articles/working-memory.html", ".course-related")
    fresh = fresh_build(make_app, src, tmp_path, "fresh")
    assert differing_pages(app.outdir, fresh.outdir) == []


def test_no_change_rebuild_writes_no_page(make_app: Any, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "course")
    first = build(make_app, src)
    # Sphinx itself rewrites its finish-up pages (search, genindex, domain
    # indices) on every run; every document page must be left alone.
    sphinx_pages = {"search.html", "genindex.html", "course-categories.html", "course-topics.html"}
    before = {
        p: p.stat().st_mtime_ns
        for p in Path(first.outdir).rglob("*.html")
        if p.name not in sphinx_pages
    }
    again = build(make_app, src)
    after = {p: p.stat().st_mtime_ns for p in Path(again.outdir).rglob("*.html")}
    rewritten = [str(p) for p in before if after.get(p) != before[p]]
    assert rewritten == []
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()
    assert "no targets are out of date" in again.status.getvalue()


def test_rebuilds_compute_only_the_views_that_can_have_changed(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 1,000 pages computing every page's view is most of an incremental
    # build. A rebuild that read no page computes none; one that read an
    # article whose edit changed nothing other pages show (its body) computes
    # only the views of the pages written; a new title is shown elsewhere, so all are
    # computed. Each time the pages equal a fresh build's. (The tests run
    # with COURSE_VERIFY_VIEWS=1, which computes every view anyway to check
    # the short way: this test turns it off to see the short way alone.)
    from tools.extensions import views
    from tools.extensions.incremental import VERIFY

    monkeypatch.delenv(VERIFY, raising=False)
    src = copy_root(tmp_path, "course")
    first = build(make_app, src)
    computed: list[str] = []
    compute = views._compute
    monkeypatch.setattr(
        views, "_compute", lambda env, doc: computed.append(doc) or compute(env, doc)
    )
    build(make_app, src)
    assert computed == []

    page = src / "articles" / "working-memory.md"
    page.write_text(page.read_text() + "\nOne more sentence of the body.\n")
    app = build(make_app, src)
    # Its own view, and its category page's as that is written too (Sphinx rewrites the
    # pages whose contents list an edited page).
    edited = "articles/working-memory"
    assert sorted(computed) == sorted({edited, *app.env.files_to_rebuild[edited]})
    assert differing_pages(app.outdir, fresh_build(make_app, src, tmp_path, "fresh").outdir) == []

    computed.clear()
    page.write_text(page.read_text().replace("# Working Memory", "# Working Memory Again", 1))
    app = build(make_app, src)
    assert sorted(set(computed)) == sorted(first.env.found_docs)
    assert differing_pages(app.outdir, fresh_build(make_app, src, tmp_path, "fresh2").outdir) == []


def test_a_rebuild_of_a_few_pages_reads_them_without_forking(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked reader sends the whole environment back pickled, which costs
    # more than reading a page; the build still writes in parallel, and a
    # later build with many pages to read forks again.
    from tools.extensions.parallelread import CourseHTMLBuilder

    src = copy_root(tmp_path, "course")
    build(make_app, src, parallel=2)
    forked: list[list[str]] = []
    read_parallel = CourseHTMLBuilder._read_parallel

    def spy(self: CourseHTMLBuilder, docnames: list[str], nproc: int) -> None:
        forked.append(docnames)
        read_parallel(self, docnames, nproc)

    monkeypatch.setattr(CourseHTMLBuilder, "_read_parallel", spy)
    page = src / "articles" / "working-memory.md"
    page.write_text(page.read_text() + "\nOne more sentence of the body.\n")
    app = build(make_app, src, parallel=2)
    assert forked == []
    assert app.parallel == 2 and app.builder.parallel_ok
    assert differing_pages(app.outdir, fresh_build(make_app, src, tmp_path, "fresh").outdir) == []
    build(make_app, src, parallel=2, freshenv=True)
    assert len(forked) == 1 and len(forked[0]) == len(app.env.found_docs)


def test_templates_are_compiled_by_the_first_build_only(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jinja2 import Environment

    compiled: list[str] = []
    compile_ = Environment.compile

    def spy(self: Environment, source: Any, name: str | None = None, *a: Any, **k: Any) -> Any:
        compiled.append(name or "")
        return compile_(self, source, name, *a, **k)

    monkeypatch.setattr(Environment, "compile", spy)
    src = copy_root(tmp_path, "course")
    build(make_app, src)
    assert "page.html" in compiled  # the theme's page template, from source
    compiled.clear()
    page = src / "articles" / "working-memory.md"
    page.write_text(page.read_text() + "\nOne more sentence of the body.\n")
    build(make_app, src)
    assert [name for name in compiled if name.endswith(".html")] == []


def test_opengraph_leaves_matplotlib_unloaded() -> None:
    # conf.py keeps sphinxext-opengraph from importing its social-card drawer
    # (and pyplot with it) on every build. If a new release moves the drawer,
    # this names what to update.
    probe = (
        "import runpy, sys; runpy.run_path('conf/conf.py');"
        "import sphinxext.opengraph as og;"
        "assert og.create_social_card is None, 'opengraph still loads its social-card drawer';"
        "assert 'matplotlib' not in sys.modules, 'conf.py imports matplotlib'"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_builds_are_reproducible(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    src = copy_root(tmp_path, "course")
    one = fresh_build(make_app, src, tmp_path, "one")
    two = fresh_build(make_app, src, tmp_path, "two")
    # Pagefind writes its filter values in hash-map order, so its index files
    # (and their hashed names) differ run to run; test_search.py compares two
    # indexes by what they hold instead. Everything else must be byte-identical.
    files_one = {
        p.relative_to(one.outdir): p.read_bytes()
        for p in Path(one.outdir).rglob("*")
        if p.is_file() and "pagefind" not in p.relative_to(one.outdir).parts
    }
    files_two = {
        p.relative_to(two.outdir): p.read_bytes()
        for p in Path(two.outdir).rglob("*")
        if p.is_file() and "pagefind" not in p.relative_to(two.outdir).parts
    }
    assert files_one.keys() == files_two.keys()
    assert [str(k) for k in files_one if files_one[k] != files_two[k]] == []


def test_sitemap_lists_every_page_whatever_the_build(make_app: Any, tmp_path: Path) -> None:
    """A sitemap of the pages a build wrote would list only those, in the order written."""
    src = copy_root(tmp_path, "course")
    conf = {"html_baseurl": "https://example.org/course/", "sitemap_excludes": ["search.html"]}
    build(make_app, src, confoverrides=conf, parallel=2)
    _edit(src / "articles/growing-up.md", "Children grow.", "Children grow and learn.")
    incremental = build(make_app, src, confoverrides=conf, parallel=2)
    fresh = fresh_build(make_app, src, tmp_path, "fresh", confoverrides=conf)
    sitemap = (Path(incremental.outdir) / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap == (Path(fresh.outdir) / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    pages = [
        "https://example.org/course/" + page
        for page in html_pages(fresh.outdir)
        if page != "search.html"
    ]
    assert locs == sorted(pages)
    assert "https://example.org/course/articles/paying-attention.html" in locs
