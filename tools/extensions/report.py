"""Warnings about a problem at a line of a page, in one shape everywhere.

Every warning names the file and line and carries a ``course.<subtype>`` type,
so a kind can be silenced with ``suppress_warnings``.
"""

from __future__ import annotations

from sphinx.util import logging

from tools.course.frontmatter import Problem

logger = logging.getLogger(__name__)


def warn_problem(docname: str, problem: Problem, subtype: str) -> None:
    logger.warning(
        "%s [%s]",
        problem.message,
        problem.code,
        location=(docname, problem.line),
        type="course",
        subtype=subtype,
    )
