"""One reading of a page: MyST's own markdown-it parser, configured as the build configures it.

``course check`` and the build's source gate both read a page here, so a fence,
a code block, a directive or a role is whatever MyST will make of it, never
what a second, simpler reader guessed. Tokens carry line numbers; the model
below keeps the line of everything a rule looks at (headings, directives and
their options, roles, links, images, text that looks like raw HTML). The body
of a directive whose content MyST parses as Markdown (admonitions, questions,
cards...) is parsed the same way, with its lines placed in the page.

The one source of the MyST settings is :data:`MYST_SETTINGS`; ``conf/conf.py``
reads it. Nothing here imports Sphinx.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.options import TokenizeError, options_to_tokens

#: The MyST settings of the site (conf.py sets ``myst_<key>`` from these).
MYST_SETTINGS: dict[str, Any] = {
    "enable_extensions": ("colon_fence", "deflist"),
    "disable_syntax": ("html_block", "html_inline"),
    "heading_anchors": 3,
    "url_schemes": {"http": None, "https": None, "mailto": None},
}

#: Pages larger than this are not parsed at all (a clear problem instead).
MAX_PAGE_BYTES = 200_000
#: Directives nested deeper than this are refused (each level is parsed again).
MAX_DEPTH = 8
#: markdown-it's inline rules slow down with the square of a paragraph's length on
#: hostile input (thousands of ``[`` or ``{``), so longer paragraphs are refused unread.
MAX_PARAGRAPH = 10_000

#: Docutils' admonitions without a title argument.
ADMONITIONS = frozenset(
    {
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "important",
        "note",
        "seealso",
        "tip",
        "todo",
        "warning",
    }
)
#: Directives whose content MyST parses as Markdown (their bodies are read here too).
MARKDOWN_BODY = frozenset(
    {
        *ADMONITIONS,
        "admonition",
        "answer",
        "instructor-note",
        "question",
        "dropdown",
        "card",
        "grid",
        "grid-item",
        "grid-item-card",
        "tab-set",
        "tab-item",
        "figure",
        "topic",
        "sidebar",
        "margin",
        "container",
        "epigraph",
        "pull-quote",
        "highlights",
        "list-table",
        "table",
        "button-link",
        "button-ref",
        "quiz",
        "choice",
        "option",
        "truefalse",
        "mark-scheme",
        "level",
        "data-figure",
    }
)
#: Directives with neither arguments nor options: their first line is body, ``:x:`` lines are text.
NO_OPTIONS = frozenset({"answer", "instructor-note"})
#: Directives whose argument is a title that MyST parses as inline Markdown.
TITLE_ARGUMENT = frozenset(
    {"admonition", "dropdown", "card", "grid-item-card", "tab-item", "topic", "sidebar"}
)
#: Admonitions without arguments: text on the opening line is their first body line.
BODY_ON_FENCE_LINE = frozenset(
    {
        *ADMONITIONS,
        *NO_OPTIONS,
        "question",
        "quiz",
        "mark-scheme",
    }
)

_DIRECTIVE_INFO = re.compile(r"^\{([^}\s]+)\}\s*(.*)$", re.DOTALL)
#: Where markdown-it would start an HTML tag, comment or declaration if raw HTML were on.
#: Only the start is matched (bounded look-ahead), so the scan stays linear.
_HTML_START = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$)|/[A-Za-z][A-Za-z0-9-]*\s*>|!--|\?|![A-Za-z]|!\[CDATA\[)"
)
_SPLIT = re.compile(r"\r\n|\r|\n")
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a page, at a 1-based line of its source file."""

    line: int
    code: str
    message: str
    severity: str = "error"  # or "warning"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Role:
    name: str
    content: str
    line: int
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A link or image target; ``refused`` links are ones markdown-it left as text."""

    url: str
    line: int
    kind: str  # "link", "autolink" or "image"
    alt: str = ""
    refused: bool = False


@dataclass(frozen=True)
class RawHtml:
    """Text that markdown-it would read as raw HTML if HTML were enabled."""

    snippet: str
    line: int


@dataclass(frozen=True)
class Text:
    """Running text of one paragraph, heading or cell, with roles and links reduced to words."""

    text: str
    line: int
    within: tuple[str, ...]
    heading: bool = False


@dataclass
class Directive:
    name: str
    args: str
    options: dict[str, str]
    option_lines: dict[str, int]
    body: str
    line: int  # the opening fence
    body_line: int  # the first line of ``body``
    within: tuple[str, ...] = ()
    fence: str = "```"
    #: The body's tokens when it is read as Markdown (None otherwise), so rules that
    #: need a body's blocks (assessment.py) read this parse instead of making another.
    body_tokens: list[Token] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class FrontMatterBlock:
    """Where MyST finds the page's front matter: its fence lines and the text between."""

    first_line: int  # 1-based, the opening fence
    last_line: int  # 1-based, the closing fence (0 if MyST found none)
    content: str
    opening: str
    closing: str


@dataclass
class Page:
    text: str
    front_matter: FrontMatterBlock | None = None
    headings: list[Heading] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    html: list[RawHtml] = field(default_factory=list)
    prose: list[Text] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def body_line(self) -> int:
        """The first line after the front matter."""
        return self.front_matter.last_line + 1 if self.front_matter else 1

    def title(self) -> Heading | None:
        """The first level-1 heading of the page itself (not inside a directive)."""
        return next((h for h in self.headings if h.level == 1), None)


def split_lines(text: str) -> list[str]:
    """Lines as markdown-it counts them (CR, LF or CRLF; not U+2028 or form feeds)."""
    return _SPLIT.split(text)


# -- the parser -------------------------------------------------------------------


class _Where:
    """Records where each inline token starts, so a role or link gets its own line.

    markdown-it gives inline tokens no positions. A rule that runs first at
    every position (and never matches) notes the offset; tokens pushed until
    the next call began there, except a pending text run, which began where
    the pending text started. Refused link targets are noted the same way.
    """

    state: StateInline | None = None
    block: StateBlock | None = None
    block_line = 0

    def note_block(self, state: StateBlock, start: int, end: int, silent: bool) -> bool:
        """Where block rules are tried (a refused reference definition is reported there)."""
        self.block, self.block_line, self.state = state, start, None
        return False

    def note(self, state: StateInline, silent: bool) -> bool:
        self.block = None
        if silent:
            return False
        track = getattr(state, "_course_track", None)
        if track is None:
            track = [0, 0, 0, False]  # seen, previous pos, pending start, pending then
            state._course_track = track  # type: ignore[attr-defined]
        self._label(state, track)
        if not state.pending:
            track[2] = state.pos
        track[1], track[3], track[0] = state.pos, bool(state.pending), len(state.tokens)
        self.state = state
        return False

    def finish(self, state: StateInline) -> None:
        track = getattr(state, "_course_track", None)
        if track is not None:
            self._label(state, track)
        for pos, url in getattr(state, "_course_refused", ()):
            token = Token("course_refused_link", "", 0, content=url)
            token.meta = {"course_pos": pos}
            state.tokens.append(token)

    @staticmethod
    def _label(state: StateInline, track: list[Any]) -> None:
        seen, previous, pending_start, had_pending = track
        for i, token in enumerate(state.tokens[seen:]):
            starts_at = (
                pending_start if i == 0 and had_pending and token.type == "text" else previous
            )
            token.meta.setdefault("course_pos", starts_at)
        track[0] = len(state.tokens)

    def validate_link(self, original: Any, url: str) -> bool:
        ok = bool(original(url))
        if not ok and self.block is not None:
            self.block.env.setdefault("course_refused", []).append((self.block_line, url))
        state = self.state
        if not ok and state is not None:
            refused = getattr(state, "_course_refused", None)
            if refused is None:
                refused = []
                state._course_refused = refused  # type: ignore[attr-defined]
            entry = (state.pos, url)
            if entry not in refused:
                refused.append(entry)
        return ok


@functools.cache
def parser() -> MarkdownIt:
    """MyST's parser with the site's settings, plus position notes that change no token."""
    config = MdParserConfig(
        enable_extensions=set(MYST_SETTINGS["enable_extensions"]),
        disable_syntax=list(MYST_SETTINGS["disable_syntax"]),
        heading_anchors=MYST_SETTINGS["heading_anchors"],
        url_schemes=dict(MYST_SETTINGS["url_schemes"]),
    )
    md = create_md_parser(config, RendererHTML)
    where = _Where()
    first = md.inline.ruler.get_all_rules()[0]
    md.inline.ruler.before(first, "course_where", where.note)
    md.inline.ruler2.before("balance_pairs", "course_where_end", where.finish)
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "course_where", where.note_block)
    md.core.ruler.before("inline", "course_paragraph_limit", _limit_paragraphs)
    # Escaped and entity characters stay separate tokens, so "\<div>" is not raw HTML.
    md.disable("text_join")
    original = md.validateLink
    md.validateLink = functools.partial(where.validate_link, original)  # type: ignore[method-assign]
    return md


class _TooLong(Exception):
    def __init__(self, line: int, size: int) -> None:
        super().__init__(line, size)
        self.line, self.size = line, size


def _limit_paragraphs(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and len(token.content) > MAX_PARAGRAPH:
            raise _TooLong((token.map[0] if token.map else 0) + 1, len(token.content))


def find_front_matter(text: str) -> FrontMatterBlock | None:
    """The front matter block exactly as MyST's markdown-it plugin finds it (block rules only)."""
    if not text.startswith("-"):
        return None
    # Only the front matter rule decides what the first token is (it runs first,
    # on line 0, as markdown-it's block parser would run it): the rest of the
    # page need not be block-parsed to find it.
    md = parser()
    tokens: list[Token] = []
    state = StateBlock(_normalize(text), md, {}, tokens)
    _front_matter_rule(md)(state, 0, state.lineMax, False)
    lines = split_lines(text)
    if tokens and tokens[0].type == "front_matter" and tokens[0].map:
        start, end = tokens[0].map
        closing = lines[end - 1] if end - 1 < len(lines) else ""
        return FrontMatterBlock(start + 1, end, tokens[0].content, lines[0], closing)
    if text.startswith(
        "---"
    ):  # opened as MyST's config reader sees it, never closed for markdown-it
        return FrontMatterBlock(1, 0, "", lines[0], "")
    return None


@functools.cache
def _front_matter_rule(md: MarkdownIt) -> Any:
    """The block rule MyST's front matter plugin adds (the first that makes tokens)."""
    for rule in md.block.ruler.getRules(""):
        if rule.__name__ == "_front_matter_rule":
            return rule
        if rule.__module__ != __name__:
            break
    raise RuntimeError("mdit-py-plugins no longer adds its front matter rule first")


def _normalize(text: str) -> str:
    """What markdown-it does to its input before splitting lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


# -- reading a page -------------------------------------------------------------------


def read_bytes(data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode a page, or say why it cannot be read (too large, not UTF-8)."""
    if len(data) > MAX_PAGE_BYTES:
        return None, [
            Problem(
                1,
                "SEC012",
                f"the page is {len(data) // 1000} KB; pages may be at most "
                f"{MAX_PAGE_BYTES // 1000} KB (split it into several articles)",
            )
        ]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8-sig", "replace")
        line = len(split_lines(before))
        column = len(split_lines(before)[-1]) + 1
        return None, [
            Problem(
                line,
                "SEC012",
                f"byte 0x{data[exc.start]:02x} at column {column} is not UTF-8; "
                "save the file as UTF-8",
            )
        ]


def read_file(path: Path) -> Page:
    """Read and parse a page file; a page that cannot be read has only problems."""
    text, problems = read_bytes(path.read_bytes())
    if text is None:
        return Page("", problems=problems)
    return parse(text)


def parse(text: str) -> Page:
    """Parse a page's text (already decoded) into the model."""
    page = Page(text)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PAGE_BYTES:
        page.problems.append(read_bytes(text.encode("utf-8", "surrogatepass"))[1][0])
        return page
    page.front_matter = find_front_matter(text)
    walker = _Walker(page)
    tokens = walker.tokens(_normalize(text), 0)
    if tokens and tokens[0].type == "front_matter":
        tokens = tokens[1:]
    walker.blocks(tokens, 0, (), 0)
    return page


class _Walker:
    """Turns tokens (with 0-based maps, shifted by ``offset``) into the page model."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def tokens(self, text: str, offset: int) -> list[Token]:
        """Parse *text*; a paragraph too long to parse safely is a problem and no tokens."""
        env: dict[str, Any] = {}
        try:
            tokens = parser().parse(text, env)
        except _TooLong as exc:
            self.page.problems.append(
                Problem(
                    exc.line + offset,
                    "SEC012",
                    f"a paragraph of {exc.size} characters is too long to read safely "
                    f"(at most {MAX_PARAGRAPH}); break it up",
                )
            )
            return []
        for line, url in dict.fromkeys(env.get("course_refused", ())):
            self.page.links.append(Link(url, line + offset + 1, "link", refused=True))
        return tokens

    def blocks(
        self, tokens: Sequence[Token], offset: int, within: tuple[str, ...], depth: int
    ) -> None:
        heading_level = 0
        for token in tokens:
            line = (token.map[0] if token.map else 0) + offset + 1
            if token.type == "heading_open":
                heading_level = int(token.tag[1:])
            elif token.type == "heading_close":
                heading_level = 0
            elif token.type == "inline":
                text = self.inline(token, offset, within)
                if heading_level and not within:
                    self.page.headings.append(Heading(heading_level, text.strip(), line))
                if text.strip():
                    self.page.prose.append(Text(text, line, within, bool(heading_level)))
            elif token.type in ("fence", "colon_fence"):
                match = _DIRECTIVE_INFO.match(token.info.strip())
                if match:
                    self.directive(token, match.group(1), match.group(2), offset, within, depth)

    def directive(
        self,
        token: Token,
        name: str,
        args: str,
        offset: int,
        within: tuple[str, ...],
        depth: int,
    ) -> None:
        line = (token.map[0] if token.map else 0) + offset + 1
        content = token.content
        options: dict[str, str] = {}
        option_lines: dict[str, int] = {}
        body_line = line + 1
        if name in NO_OPTIONS:
            body_lines = content.splitlines() if content else []
        else:
            body_lines, consumed = self.options(content, line, options, option_lines)
            body_line += consumed
        if name in BODY_ON_FENCE_LINE and args.strip():
            body_lines.insert(0, args)
            body_line -= 1
            args = ""
        if body_lines and not body_lines[0].strip():
            body_lines = body_lines[1:]
            body_line += 1
        body = "\n".join(body_lines)
        directive = Directive(
            name, args, options, option_lines, body, line, body_line, within, token.markup
        )
        self.page.directives.append(directive)
        inner = (*within, name)
        if name in TITLE_ARGUMENT and args.strip():
            try:
                title = parser().parseInline(args, {})
            except _TooLong:
                title = []
            for child in title:
                self.inline(child, line - 1, inner, base_line=line)
        if name not in MARKDOWN_BODY and name != "glossary":
            return
        if depth + 1 > MAX_DEPTH:
            self.page.problems.append(
                Problem(
                    line,
                    "SEC012",
                    f"directives are nested more than {MAX_DEPTH} deep; nest them less",
                )
            )
            return
        if name == "glossary":
            for definition_line, definition in glossary_definitions(body, body_line):
                nested = self.tokens(definition + "\n", definition_line - 1)
                self.blocks(nested, definition_line - 1, inner, depth + 1)
            return
        nested = self.tokens(body + "\n", body_line - 1)
        directive.body_tokens = nested
        self.blocks(nested, body_line - 1, inner, depth + 1)

    def options(
        self, content: str, line: int, options: dict[str, str], option_lines: dict[str, int]
    ) -> tuple[list[str], int]:
        """Split MyST's option block (``:key: value`` lines or a ``---`` YAML block) off a body."""
        lines = content.splitlines()
        block: list[str] = []
        first = line + 1
        consumed = 0
        if content.startswith("---"):
            for index, text in enumerate(lines[1:], start=1):
                if text.startswith("---"):
                    block = lines[1:index]
                    consumed = index + 1
                    break
            else:
                block, consumed = lines[1:], len(lines)
            first = line + 2
        elif content.lstrip().startswith(":"):
            for text in lines:
                stripped = text.lstrip()
                if not stripped.startswith(":") or stripped.startswith(":::"):
                    break
                block.append(stripped[1:])
            consumed = len(block)
        if consumed == 0:
            return lines, 0
        try:
            pairs, _state = options_to_tokens("\n".join(block))
        except TokenizeError as err:
            self.page.problems.append(
                Problem(
                    first + err.problem_mark.line,
                    "DIR001",
                    f"directive options cannot be read: {err.problem}",
                )
            )
            return lines[consumed:], consumed
        for key, value in pairs:
            options[str(key.value)] = str(value.value) if value is not None else ""
            option_lines[str(key.value)] = first + key.start.line
        return lines[consumed:], consumed

    def inline(
        self,
        token: Token,
        offset: int,
        within: tuple[str, ...],
        base_line: int | None = None,
    ) -> str:
        """Roles, links and raw-HTML-looking text of one inline token; returns its words."""
        start = (
            base_line if base_line is not None else (token.map[0] if token.map else 0) + offset + 1
        )
        source = token.content
        breaks = [m.start() for m in _NEWLINE.finditer(source)]

        def line_of(child: Token) -> int:
            pos = child.meta.get("course_pos")
            return start + (bisect.bisect_left(breaks, pos) if isinstance(pos, int) else 0)

        words: list[str] = []
        for child in _flatten(token.children or [] if token.type == "inline" else [token]):
            kind = child.type
            if kind == "text":
                words.append(child.content)
                for match in _HTML_START.finditer(child.content):
                    self.page.html.append(
                        RawHtml(child.content[match.start() :][:30], line_of(child))
                    )
                    break
            elif kind == "text_special" or kind == "code_inline":
                words.append(child.content)
            elif kind in ("softbreak", "hardbreak"):
                words.append("\n")
            elif kind == "myst_role":
                name = str(child.meta.get("name", ""))
                self.page.roles.append(Role(name, child.content, line_of(child), within))
                words.append(role_text(child.content))
            elif kind == "link_open":
                href = str(child.attrs.get("href", ""))
                link_kind = "autolink" if child.markup == "autolink" else "link"
                self.page.links.append(Link(href, line_of(child), link_kind))
            elif kind == "image":
                src = str(child.attrs.get("src", ""))
                self.page.links.append(Link(src, line_of(child), "image", alt=child.content))
            elif kind == "course_refused_link":
                self.page.links.append(Link(child.content, line_of(child), "link", refused=True))
        return "".join(words)


def _flatten(tokens: Sequence[Token]) -> Iterator[Token]:
    """Inline tokens in order; an image's alt text is its own content, not walked."""
    for token in tokens:
        yield token
        if token.children and token.type != "image":
            yield from _flatten(token.children)


def role_text(content: str) -> str:
    """The words a role shows: ``text <target>`` shows ``text``."""
    if content.rstrip().endswith(">") and "<" in content:
        return content.rsplit("<", 1)[0].strip()
    return content


def role_target(content: str) -> str:
    """The target of a role: ``text <target>`` points at ``target``."""
    if content.rstrip().endswith(">") and "<" in content:
        return content.rstrip()[:-1].rsplit("<", 1)[1].strip()
    return content.strip()


def glossary_definitions(body: str, body_line: int) -> Iterator[tuple[int, str]]:
    """(first line, dedented text) of each definition in a glossary body."""
    lines = body.split("\n")
    current: list[str] = []
    start = 0
    for number, text in enumerate(lines, start=body_line):
        if text.strip() and not text[0].isspace():
            if current:
                yield start, _dedent(current)
            current, start = [], number + 1
        elif current or text.strip():
            if not current:
                start = number
            current.append(text)
    if current:
        yield start, _dedent(current)


def _dedent(lines: list[str]) -> str:
    indent = min((len(t) - len(t.lstrip()) for t in lines if t.strip()), default=0)
    return "\n".join(t[indent:] for t in lines)


def glossary_terms(body: str, body_line: int) -> Iterator[tuple[int, str]]:
    """(line, term) of each term line in a glossary body (Sphinx: unindented lines)."""
    for number, text in enumerate(body.split("\n"), start=body_line):
        if text.strip() and not text[0].isspace() and not text.startswith(".."):
            yield number, text.split(" : ", 1)[0].strip()
