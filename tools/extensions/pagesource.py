"""The source gate: every page under ``docs/`` passes :func:`tools.course.gate.gate_text` first.

Runs before any other ``source-read`` handler. MyST then reads only what the
gate returns: the page with its front matter re-written from the allowlist,
or, if the page cannot be read unambiguously or uses anything the safety
allowlists refuse, a stub page with no word of the original. Each problem is
a warning at file:line (``course.frontmatter`` or ``course.unsafe``), so a
strict build fails and a lenient one (Read the Docs) publishes nothing unsafe.
Generated pages (``docs/browse/``) and the home page pass the same gate, with
the directives only they may use (toctree, course-overview).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tools.course.frontmatter import is_article, stub_page
from tools.course.gate import fails_closed, gate_text, is_site_page
from tools.course.reader import Problem, read_bytes

from .report import warn_problem

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Runs before every other source-read handler (Sphinx's default priority is 500).
PRIORITY = 10
#: Keys that were dropped are reported after the article's own front-matter
#: messages (articles.py), so a page's warnings come in the order of its lines.
LATE_PRIORITY = 900
_LATER = "course:gate-later"


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
    for problem in problems:
        warn_problem(docname, problem, "frontmatter" if problem.code == "FM001" else "unsafe")
    app.env.current_document[_LATER] = later


def report_dropped_keys(app: Sphinx, docname: str, source: list[str]) -> None:
    for problem in app.env.current_document.get(_LATER) or ():
        warn_problem(docname, problem, "frontmatter")


def setup_pagesource(app: Sphinx) -> None:
    app.connect("source-read", gate_source, priority=PRIORITY)
    app.connect("source-read", report_dropped_keys, priority=LATE_PRIORITY)
