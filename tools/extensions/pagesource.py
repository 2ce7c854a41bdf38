"""The source gate: every page under ``docs/`` passes :func:`tools.course.gate.gate_text` first.

Runs before any other ``source-read`` handler. MyST then reads only what the
gate returns: the page with its front matter re-written from the allowlist,
or, if the page cannot be read unambiguously or uses anything the safety
allowlists refuse, a stub page with no word of the original. Each problem is
a warning at file:line (``course.frontmatter`` or ``course.unsafe``), so a
strict build fails and a lenient one (Read the Docs) publishes nothing unsafe.
Generated pages (``docs/browse/``) and the home page pass the same gate, with
the directives only they may use (toctree, course-overview).

The assessment rules of :mod:`tools.course.assessment` (questions, quizzes, mark
schemes) run here on the same reading of a published page, and the prerequisite
rules once every page is read; each is a ``course.assessment`` warning with the
code ``course check`` gives (one rule set, two callers).
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import TYPE_CHECKING

from tools.course import assessment
from tools.course.frontmatter import FrontMatter, is_article, stub_page
from tools.course.gate import GateResult, fails_closed, gate_text, is_site_page
from tools.course.paths import article_docname, article_slug
from tools.course.reader import Problem, read_bytes

from .report import warn_problem

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Runs before every other source-read handler (Sphinx's default priority is 500).
PRIORITY = 10
#: Keys that were dropped are reported after the article's own front-matter
#: messages (articles.py), so a page's warnings come in the order of its lines.
LATE_PRIORITY = 900
_LATER = "course:gate-later"
#: docname -> (prerequisite slugs, line of the key), kept on the environment.
_PREREQUISITES = "course_prerequisites"


def gate_source(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    problems: list[Problem] = []
    if path.suffix != ".md":
        problems = [Problem(1, "SEC012", "pages must be Markdown (.md) files")]
    else:
        _text, problems = read_bytes(path.read_bytes())  # too large, or not UTF-8
    later: list[Problem] = []
    if problems:
        source[0] = stub_page()
    else:
        result = gate_text(source[0], generated=is_site_page(docname), article=is_article(docname))
        source[0] = result.text
        problems = [p for p in result.problems if fails_closed(p)]
        later = [p for p in result.problems if p.code.startswith("FM") and not fails_closed(p)]
        if result.published:
            later += _assessment_problems(app, docname, result)
    for problem in problems:
        warn_problem(docname, problem, "frontmatter" if problem.code == "FM001" else "unsafe")
    app.env.current_document[_LATER] = later


def _assessment_problems(app: Sphinx, docname: str, result: GateResult) -> list[Problem]:
    """The page's question and quiz problems; an article's prerequisites are noted for later."""
    fm = result.front_matter
    objectives = _strings(fm, "objectives") if is_article(docname) else []
    line = fm.lines.get("objectives", 1) if fm else 1
    found = assessment.extract(result.page, article_slug(docname), objectives, line)
    prerequisites = _prerequisites(app.env)
    prerequisites.pop(docname, None)
    if is_article(docname) and fm is not None and "prerequisites" in fm.data:
        needs = tuple(_strings(fm, "prerequisites"))
        prerequisites[docname] = (needs, fm.lines.get("prerequisites", 1))
    # course check's warnings (an objective no question assesses) would fail a strict build.
    return [p for p in found.problems if p.severity == "error"]


def _strings(fm: FrontMatter | None, key: str) -> list[str]:
    value = fm.data.get(key) if fm else None
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _prerequisites(env: BuildEnvironment) -> dict[str, tuple[tuple[str, ...], int]]:
    if not hasattr(env, _PREREQUISITES):
        setattr(env, _PREREQUISITES, {})
    found: dict[str, tuple[tuple[str, ...], int]] = getattr(env, _PREREQUISITES)
    return found


def report_dropped_keys(app: Sphinx, docname: str, source: list[str]) -> None:
    for problem in app.env.current_document.get(_LATER) or ():
        subtype = "frontmatter" if problem.code.startswith("FM") else "assessment"
        warn_problem(docname, problem, subtype)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _prerequisites(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    theirs = _prerequisites(other)
    _prerequisites(env).update({d: theirs[d] for d in docnames if d in theirs})


def check_prerequisites(app: Sphinx, env: BuildEnvironment) -> None:
    """Once every page is read: prerequisites that are missing, the article itself, or a cycle."""
    noted = _prerequisites(env)
    articles = {article_slug(d) for d in env.found_docs if is_article(d)}
    needs = {article_slug(d): list(n) for d, (n, _line) in noted.items() if d in env.found_docs}
    for slug, problems in sorted(assessment.prerequisite_problems(needs, articles).items()):
        docname = article_docname(slug)
        line = noted[docname][1]
        for code, message in problems:
            warn_problem(docname, Problem(line, code, message), "assessment")


def setup_pagesource(app: Sphinx) -> None:
    app.connect("source-read", gate_source, priority=PRIORITY)
    app.connect("source-read", report_dropped_keys, priority=LATE_PRIORITY)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", check_prerequisites)
