"""The gate every page passes before MyST reads it, shared by the build and ``course check``.

One function, :func:`gate_text`, reads a page once (the reader), re-writes its
front matter from the allowlist (:func:`frontmatter.safe_source`) and applies
the safety allowlists of :mod:`safety` to what the reader found. If anything
unsafe is found, or the front matter cannot be read unambiguously, the page
fails closed: MyST gets a stub page with no word of the original. The build
warns each problem at file:line; ``course check`` reports the same problems
with the same codes, so a clean check means the gate lets the page through.
Nothing here imports Sphinx.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import safety
from .frontmatter import FrontMatter, Problem, safe_block, safe_source, stub_page
from .paths import GENERATED_DIR
from .reader import Directive, Page, parse, read_bytes

#: Problem codes that stop a page from being published.
FAIL_CLOSED = ("FM001", "SEC")

#: Option values allowed exactly as written, beyond the options ``safety`` lists:
#: the one reference-list filter every article uses (sphinxcontrib-bibtex reads it
#: with its own restricted expression parser; no other expression is let through).
EXACT_OPTIONS = {("bibliography", "filter"): "docname in docnames"}


#: Pages that are not generated but may use the directives of generated pages.
SITE_PAGES = ("index",)


def is_site_page(docname: str) -> bool:
    """Generated taxonomy pages and the home page may use toctree and course-overview."""
    return docname in SITE_PAGES or docname.startswith(GENERATED_DIR + "/")


def fails_closed(problem: Problem) -> bool:
    return problem.code.startswith(FAIL_CLOSED)


@dataclass(frozen=True)
class GateResult:
    text: str  # what MyST reads
    problems: list[Problem]  # front matter and safety, by line
    front_matter: FrontMatter | None  # the keys that were kept
    page: Page  # the reader's parse of the page as written

    @property
    def published(self) -> bool:
        return not any(fails_closed(p) for p in self.problems)


def gate_bytes(data: bytes, *, generated: bool = False, article: bool = True) -> GateResult:
    """:func:`gate_text` for a file's bytes: too large or not UTF-8 fails closed too."""
    text, problems = read_bytes(data)
    if text is None:
        return GateResult(stub_page(), problems, None, Page("", problems=problems))
    return gate_text(text, generated=generated, article=article)


def gate_text(text: str, *, generated: bool = False, article: bool = True) -> GateResult:
    """Read *text* once; return what MyST may read and every problem found on the way.

    *generated*: a generated or home page (may use toctree, course-overview);
    *article*: a page under ``docs/articles/`` (its front matter follows the article schema).
    """
    safe, problems, fm = safe_source(text, article=article)
    page = parse(text)
    problems = sorted(problems + safety_problems(page, generated=generated), key=_order)
    if any(fails_closed(p) for p in problems):
        safe = stub_page(safe_block(fm))
    return GateResult(safe, problems, fm, page)


def _order(problem: Problem) -> tuple[int, str]:
    return problem.line, problem.code


def safety_problems(page: Page, *, generated: bool = False) -> list[Problem]:
    """What on a page the allowlists refuse, each at its line with a SEC code."""
    problems = list(page.problems)
    for html in page.html:
        problems.append(
            Problem(
                html.line,
                "SEC002",
                f"raw HTML ({html.snippet.strip()!r}) is not allowed: use Markdown or a directive",
            )
        )
    for link in page.links:
        why = safety.url_problem(link.url, kind="image" if link.kind == "image" else "link")
        if why is None and link.refused:
            why = f"the link target {link.url!r} is not allowed"
        if why:
            problems.append(Problem(link.line, "SEC005", why))
    for directive in page.directives:
        problems += directive_safety(directive, generated=generated)
    for role in page.roles:
        for message in safety.role_problems(role.name, role.content):
            problems.append(Problem(role.line, _role_code(role.name), message))
    return problems


def directive_safety(directive: Directive, *, generated: bool = False) -> list[Problem]:
    options = {
        key: value
        for key, value in directive.options.items()
        if EXACT_OPTIONS.get((directive.name, key)) != value.strip()
    }
    found = safety.directive_problems(
        directive.name, directive.args, options, directive.body, generated=generated
    )
    out = []
    for offset, message in found:
        line = directive.line if offset == 0 else directive.body_line
        out.append(Problem(line, _directive_code(directive.name, message), message))
    return out


def _directive_code(name: str, message: str) -> str:
    """Stable codes for contributors and CI annotations (CONTRIBUTING.md lists them)."""
    if name == "raw":
        return "SEC003"
    if name in ("include", "literalinclude") or (
        name == "csv-table" and (":file:" in message or ":url:" in message)
    ):
        return "SEC004"
    if name == "eval-rst":
        return "SEC006"
    if name == "graphviz":
        return "SEC007"
    if name == "math":
        return "SEC010"
    if name not in safety.ALLOWED_DIRECTIVES:
        return "SEC008"
    return "SEC005"


def _role_code(name: str) -> str:
    if name == "math":
        return "SEC010"
    if name == "download":
        return "SEC011"
    if name not in safety.ALLOWED_ROLES:
        return "SEC009"
    return "SEC005"
