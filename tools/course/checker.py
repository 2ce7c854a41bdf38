"""``course check``: every rule a page must follow, without a Sphinx build.

Each rule has a stable code so CI annotations and contributors can refer to
it; CONTRIBUTING.md lists them. Front matter is validated by the same model
the build uses (tools/extensions/frontmatter.py), so the two never disagree.
The build enforces the safety rules on its own as well (guard.py): a page
that slips past this check still cannot do harm.

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
| SLUG001| error    | the file name is a valid slug |
| DUP001 | error    | no two articles share a title |
| HD001  | error    | exactly one level-1 heading |
| HD002  | error    | heading levels are not skipped |
| REF001 | error    | {article}/{category}/{topic}/{level}/{course}/{subject} targets exist |
| REF002 | error    | {term} targets are glossary terms |
| REF003 | error    | {cite} keys are in the bibliography |
| IMG001 | error    | images exist inside docs/ |
| IMG002 | error    | images and diagrams have alt text |
| SEC001 | error    | no parser settings in front matter (myst, substitutions, html_meta) |
| SEC002 | error    | no raw HTML |
| SEC003 | error    | no raw directive |
| SEC004 | error    | no include, literalinclude or csv-table :file:/:url: |
| SEC005 | error    | no javascript: or data: URLs |
| SEC006 | error    | no eval-rst block that carries any of the above |
| SEC007 | error    | graphviz diagrams are inline and use no file or URL attributes |
| RD001  | warning  | reading grade within the band set for the article's level |
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .corpus import first_heading
from .frontmatter import (
    ARTICLES_DIR,
    FrontMatter,
    Problem,
    parser_setting_problems,
    read_front_matter,
    validate_article,
)
from .safety import unsafe_scheme
from .suggest import did_you_mean
from .taxonomy import SLUG_RE, Taxonomy

TAXONOMY_ROLES = ("category", "topic", "level", "course", "subject")
_ROLE = re.compile(r"\{(?P<name>[a-z:\-]+)\}`(?P<body>[^`]*)`")
_FENCE_OPEN = re.compile(
    r"^(?P<indent>\s*)(?P<marker>`{3,}|~{3,}|:{3,})\s*(?:\{(?P<name>[^}\s]+)\}\s*(?P<args>.*))?$"
)
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_IMAGE_MD = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)")
_LINK_MD = re.compile(r"(?<!!)\[[^\]]*\]\((?P<url><[^>]*>|[^)\s]+)")
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--")
_URL_SCHEME = re.compile(r"\b(javascript|data|vbscript|file)\s*:", re.IGNORECASE)
_RST_DANGER = re.compile(
    r"^\s*\.\.\s+(raw|include|literalinclude|meta|csv-table)::|:file:|:url:|\bjavascript:|\bdata:",
    re.IGNORECASE | re.MULTILINE,
)
_DOT_FILE_ATTRS = re.compile(r"\b(image|imagepath|fontpath|shapefile|URL|href)\s*=", re.IGNORECASE)


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


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


@dataclass
class Block:
    """A fenced block: a directive (``name``) or plain code (``name`` None)."""

    name: str | None
    args: str
    start: int  # 1-based line of the opening fence
    lines: list[tuple[int, str]]  # body lines with their numbers


@dataclass
class Page:
    path: Path
    text: str
    lines: list[str]
    body_start: int  # index of the first line after front matter
    prose: list[tuple[int, str]]  # lines outside any fence (or inside directives that hold prose)
    blocks: list[Block]


PROSE_DIRECTIVES = {
    "question",
    "answer",
    "instructor-note",
    "note",
    "tip",
    "warning",
    "admonition",
    "important",
    "seealso",
    "hint",
    "caution",
    "attention",
    "danger",
    "error",
    "dropdown",
    "card",
    "tab-item",
    "grid-item-card",
    "topic",
    "sidebar",
    "figure",
    "glossary",
}


def parse_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    fm, _ = read_front_matter(text)
    start = fm.last_line if fm else 0
    prose: list[tuple[int, str]] = []
    blocks: list[Block] = []
    stack: list[tuple[str, Block]] = []  # (closing marker, block)
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if stack:
            marker, block = stack[-1]
            if stripped and set(stripped) <= {marker[0]} and len(stripped) >= len(marker):
                stack.pop()
                continue
            opened = _FENCE_OPEN.match(line)
            if (
                opened
                and (block.name in PROSE_DIRECTIVES or opened.group("marker")[0] == ":")
                and block.name is not None
            ):
                inner = Block(
                    opened.group("name"), (opened.group("args") or "").strip(), number, []
                )
                blocks.append(inner)
                stack.append((opened.group("marker"), inner))
                continue
            block.lines.append((number, line))
            if block.name in PROSE_DIRECTIVES and not stripped.startswith(":"):
                prose.append((number, line))
            continue
        opened = _FENCE_OPEN.match(line)
        if opened:
            block = Block(opened.group("name"), (opened.group("args") or "").strip(), number, [])
            blocks.append(block)
            stack.append((opened.group("marker"), block))
            continue
        prose.append((number, line))
    return Page(path, text, lines, start, prose, blocks)


@dataclass
class Site:
    """What the rules check against: the taxonomy, the articles, glossary terms, citation keys."""

    docs: Path
    taxonomy: Taxonomy
    articles: dict[str, Path]
    terms: set[str]
    cite_keys: set[str]

    @classmethod
    def load(cls, docs: Path, taxonomy: Taxonomy) -> Site:
        articles = {p.stem: p for p in sorted((docs / ARTICLES_DIR).glob("*.md"))}
        terms: set[str] = set()
        for md in docs.rglob("*.md"):
            if "browse" in md.relative_to(docs).parts[:1]:
                continue
            page = parse_page(md)
            for block in page.blocks:
                if block.name == "glossary":
                    for _n, line in block.lines:
                        if (
                            line.strip()
                            and not line.startswith((" ", "\t"))
                            and not line.startswith(":")
                        ):
                            terms.add(line.strip().lower())
        keys: set[str] = set()
        for bib in docs.rglob("*.bib"):
            keys |= set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", bib.read_text(encoding="utf-8")))
        return cls(docs, taxonomy, articles, terms, keys)


def _col(line: str, needle: str) -> int:
    found = line.find(needle)
    return found + 1 if found >= 0 else 1


class PageChecker:
    def __init__(self, site: Site, path: Path) -> None:
        self.site = site
        self.path = path
        self.page = parse_page(path)
        self.findings: list[Finding] = []
        self.is_article = path.resolve().parent == (site.docs / ARTICLES_DIR).resolve()

    def add(
        self, line: int, code: str, message: str, col: int = 1, severity: str = "error"
    ) -> None:
        self.findings.append(Finding(self.path, line, col, code, message, severity))

    def add_problem(self, problem: Problem) -> None:
        self.add(problem.line, problem.code, problem.message, severity=problem.severity)

    def run(self) -> list[Finding]:
        fm, problems = read_front_matter(self.page.text)
        for problem in problems + parser_setting_problems(fm):
            self.add_problem(problem)
        if self.is_article and not problems:
            self.check_article(fm)
        self.check_headings()
        self.check_roles()
        self.check_links_and_images()
        self.check_html()
        self.check_blocks()
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

    def check_reading_grade(self, category: str) -> None:
        import textstat

        level = self.site.taxonomy.level(self.site.taxonomy.category(category).level)
        text = prose_text(self.page)
        if len(text.split()) < 100:
            return
        grade = float(textstat.flesch_kincaid_grade(text))
        if grade > level.reading_grade:
            heading = first_heading(self.page.lines, self.page.body_start)
            self.add(
                heading[1] if heading else self.page.body_start + 1,
                "RD001",
                f"reading grade {grade:.1f} is above the {level.title} band (at most "
                f"{level.reading_grade:g}); shorter sentences and plainer words help",
                severity="warning",
            )

    # -- structure -----------------------------------------------------------------

    def check_headings(self) -> None:
        h1 = []
        previous = 0
        for number, line in self.page.prose:
            match = _HEADING.match(line)
            if not match:
                continue
            level = len(match.group(1))
            if level == 1:
                h1.append(number)
            if previous and level > previous + 1:
                self.add(
                    number,
                    "HD002",
                    f"heading level {level} follows level {previous}: levels may not be skipped",
                )
            previous = level
        if not h1:
            self.add(
                self.page.body_start + 1, "HD001", "the page needs one level-1 heading (# Title)"
            )
        for number in h1[1:]:
            self.add(
                number,
                "HD001",
                f"a second level-1 heading (the first is at line {h1[0]}); use ## for sections",
            )

    def _logical_lines(self) -> Iterator[tuple[int, str]]:
        """Lines, with a role whose text wraps onto the next line joined into one."""
        pending: tuple[int, str] | None = None
        for number, line in self._all_lines():
            if pending is not None:
                number, line = pending[0], pending[1] + " " + line.strip()
                pending = None
            if line.count("`") % 2 and "}`" in line:
                pending = (number, line)
                continue
            yield number, line
        if pending is not None:
            yield pending

    def check_roles(self) -> None:
        site = self.site
        for number, line in self._logical_lines():
            for match in _ROLE.finditer(line):
                name, body = match.group("name"), match.group("body")
                target = (
                    body.rsplit("<", 1)[1].rstrip(">").strip()
                    if body.rstrip().endswith(">") and "<" in body
                    else body.strip()
                )
                col = match.start() + 1
                if name == "article":
                    if target not in site.articles:
                        self.add(
                            number,
                            "REF001",
                            f"{{article}} target {target!r} is not an article{did_you_mean(target, site.articles)}",
                            col,
                        )
                elif name in TAXONOMY_ROLES:
                    slugs = site.taxonomy.slugs(name)
                    if target not in slugs:
                        self.add(
                            number,
                            "REF001",
                            f"{{{name}}} target {target!r} is not a {name} slug{did_you_mean(target, slugs)}",
                            col,
                        )
                elif name == "term":
                    if target.lower() not in site.terms:
                        self.add(
                            number,
                            "REF002",
                            f"{{term}} {target!r} is not in the glossary{did_you_mean(target.lower(), site.terms)}",
                            col,
                        )
                elif name.startswith("cite"):
                    for key in (k.strip() for k in target.split(",")):
                        if key and key not in site.cite_keys:
                            self.add(
                                number,
                                "REF003",
                                f"{{cite}} key {key!r} is not in the bibliography{did_you_mean(key, site.cite_keys)}",
                                col,
                            )

    def check_links_and_images(self) -> None:
        for number, line in self._all_lines():
            for match in _IMAGE_MD.finditer(line):
                self.check_image(number, match.start() + 1, match.group("src"), match.group("alt"))
            for match in _LINK_MD.finditer(line):
                url = match.group("url").strip("<>")
                scheme = unsafe_scheme(url)
                if scheme:
                    self.add(
                        number,
                        "SEC005",
                        f"{scheme}: URLs are not allowed in links",
                        match.start() + 1,
                    )
        for block in self.page.blocks:
            if block.name in ("image", "figure"):
                alt = next(
                    (ln.split(":alt:", 1)[1].strip() for _n, ln in block.lines if ":alt:" in ln), ""
                )
                self.check_image(block.start, 1, block.args, alt)

    def check_image(self, number: int, col: int, src: str, alt: str) -> None:
        if unsafe_scheme(src):
            self.add(
                number, "SEC005", f"image source {src!r}: only files inside docs/ may be used", col
            )
        elif "://" in src:
            self.add(
                number,
                "IMG001",
                f"image {src!r} is on the web: add the file under docs/ instead",
                col,
            )
        else:
            base = self.site.docs if src.startswith("/") else self.path.parent
            target = (base / src.lstrip("/")).resolve()
            docs = self.site.docs.resolve()
            if docs not in target.parents:
                self.add(number, "IMG001", f"image {src!r} is outside docs/", col)
            elif not target.is_file():
                self.add(number, "IMG001", f"image {src!r} does not exist", col)
        if not alt.strip():
            self.add(
                number, "IMG002", f"image {src!r} has no alt text (describe what it shows)", col
            )

    def check_html(self) -> None:
        for number, line in self.page.prose:
            code_free = re.sub(r"`[^`]*`", "", line)
            match = _HTML.search(code_free)
            if match:
                self.add(
                    number,
                    "SEC002",
                    f"raw HTML ({match.group(0)[:30]!r}) is not allowed: use Markdown or a directive",
                    match.start() + 1,
                )

    def check_blocks(self) -> None:
        for block in self.page.blocks:
            body = "\n".join(line for _n, line in block.lines)
            name = (block.name or "").lower()
            if name == "raw":
                self.add(block.start, "SEC003", "the raw directive is not allowed")
            elif name in ("include", "literalinclude"):
                self.add(
                    block.start,
                    "SEC004",
                    f"{name} is not allowed: pages may not pull in other files",
                )
            elif name == "csv-table" and re.search(r"^\s*:(file|url):", body, re.MULTILINE):
                self.add(
                    block.start,
                    "SEC004",
                    "csv-table :file: and :url: are not allowed: write the table inline",
                )
            elif name == "eval-rst" and (danger := _RST_DANGER.search(body)):
                self.add(
                    block.start,
                    "SEC006",
                    f"eval-rst block contains {danger.group(0).strip()!r}, which is not allowed",
                )
            elif name == "graphviz":
                if not re.search(r"^\s*:alt:\s*\S", body, re.MULTILINE):
                    self.add(
                        block.start,
                        "IMG002",
                        "the diagram has no :alt: text (describe what it shows)",
                    )
                if block.args:
                    self.add(
                        block.start,
                        "SEC007",
                        "graphviz diagrams must be written inline, not read from a file",
                    )
                if bad := _DOT_FILE_ATTRS.search(body):
                    self.add(
                        block.start, "SEC007", f"the DOT attribute {bad.group(1)!r} is not allowed"
                    )
            if block.name is not None and _URL_SCHEME.search(block.args):
                self.add(block.start, "SEC005", "javascript:/data: URLs are not allowed")
            for number, line in block.lines:
                option = re.match(r"^\s*:(link|target|url):\s*(\S+)", line)
                if option and unsafe_scheme(option.group(2)):
                    self.add(
                        number, "SEC005", f"{unsafe_scheme(option.group(2))}: URLs are not allowed"
                    )

    def _all_lines(self) -> Iterator[tuple[int, str]]:
        yield from self.page.prose
        for block in self.page.blocks:
            if block.name is not None and block.name not in ("code-block", "code", "sourcecode"):
                yield from block.lines


def prose_text(page: Page) -> str:
    """The article's running text, with Markdown and roles reduced to their words."""
    out = []
    for _n, line in page.prose:
        if _HEADING.match(line) or line.strip().startswith(":"):
            continue
        line = _ROLE.sub(lambda m: m.group("body").split("<")[0], line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        out.append(re.sub(r"[*_`#>|]", "", line))
    return "\n".join(out)


def check_paths(paths: Iterable[Path], docs: Path, taxonomy: Taxonomy) -> list[Finding]:
    docs = docs.resolve()
    paths = [p.resolve() for p in paths]
    site = Site.load(docs, taxonomy)
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*.md")
                if "browse" not in p.relative_to(docs).parts[:1]
                if _under(p, docs)
            )
        else:
            files.append(path)
    findings: list[Finding] = []
    for path in files:
        findings += PageChecker(site, path).run()
    by_title: dict[str, list[tuple[Path, int]]] = {}
    for path in site.articles.values():
        page = parse_page(path)
        heading = first_heading(page.lines, page.body_start)
        if heading is not None:
            by_title.setdefault(heading[0].strip().lower(), []).append((path, heading[1]))
    for same in by_title.values():
        for path, line in same:
            if len(same) > 1 and path in files:
                others = ", ".join(_rel(p, docs) for p, _ in same if p != path)
                findings.append(
                    Finding(
                        path, line, 1, "DUP001", f"another article has the same title: {others}"
                    )
                )
    return sorted(findings, key=lambda f: (str(f.path), f.line, f.col, f.code))


def _under(path: Path, docs: Path) -> bool:
    try:
        path.resolve().relative_to(docs.resolve())
    except ValueError:
        return False
    return True


def timed_check(
    paths: Iterable[Path], docs: Path, taxonomy: Taxonomy
) -> tuple[list[Finding], float]:
    start = time.perf_counter()
    findings = check_paths(paths, docs, taxonomy)
    return findings, time.perf_counter() - start
