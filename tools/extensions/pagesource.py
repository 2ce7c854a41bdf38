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

from tools.course.frontmatter import stub_page
from tools.course.gate import gate_text, is_site_page
from tools.course.reader import Problem, read_bytes

from .report import warn_problem

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Runs before every other source-read handler (Sphinx's default priority is 500).
PRIORITY = 10


def gate_source(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    problems: list[Problem] = []
    if path.suffix != ".md":
        problems = [Problem(1, "SEC012", "pages must be Markdown (.md) files")]
    else:
        _text, problems = read_bytes(path.read_bytes())  # too large, or not UTF-8
    if problems:
        source[0] = stub_page()
    else:
        result = gate_text(source[0], generated=is_site_page(docname))
        source[0] = result.text
        problems = [p for p in result.problems if p.code.startswith(("FM", "SEC"))]
    for problem in problems:
        warn_problem(
            docname, problem, "unsafe" if problem.code.startswith("SEC") else "frontmatter"
        )


def setup_pagesource(app: Sphinx) -> None:
    app.connect("source-read", gate_source, priority=PRIORITY)
