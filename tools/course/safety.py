"""What a contributed page may contain: the allowlists both ``course check`` and the build apply.

One list, two callers: the checker reports a breach at file:line, the build's
guard (tools/extensions/guard.py) refuses it. Every rule here is an
allowlist (what is listed is allowed, anything else is refused), so a form
nobody thought of fails closed. Nothing here imports Sphinx.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.entities import name2codepoint
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml


def _words(text: str) -> frozenset[str]:
    """A set written as words separated by white space (long allowlists stay readable)."""
    return frozenset(text.split())


# -- URLs ----------------------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")
_ALLOWED_INSTEAD = "allowed: http(s)://, mailto: or a relative link"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def normalize_url(url: str) -> str:
    """The URL as a browser reads it (WHATWG): C0 controls and spaces stripped at
    both ends, tab/CR/LF removed anywhere, the scheme lower-cased."""
    url = url.strip(_C0_AND_SPACE)
    url = re.sub(r"[\t\r\n]", "", url)
    match = _SCHEME.match(url)
    if match:
        url = match.group(1).lower() + url[match.end(1) :]
    return url


def _scheme(url: str) -> str | None:
    match = _SCHEME.match(normalize_url(url))
    return match.group(1).lower() if match else None


def url_problem(url: str, *, kind: str = "link") -> str | None:
    """None when ``url`` may appear on the site, else what is allowed instead.

    A ``link`` may be relative or use http, https or mailto. An ``image`` or
    ``download`` must be a relative path to a file in docs/ (a remote file would
    be a third-party request from every reader's browser). The entity-decoded
    form is checked too, in case a later step decodes it.
    """
    for form in {url, html.unescape(url)}:
        scheme = _scheme(form)
        normal = normalize_url(form)
        if kind != "link":
            if scheme or normal.startswith(("//", "\\\\")):
                return f"{kind} {url!r} is not a file in docs/; {kind}s must be relative paths to files in docs/"
        elif scheme is not None and scheme not in SAFE_SCHEMES:
            return f"{scheme}: URLs are not allowed ({_ALLOWED_INSTEAD})"
    return None


# -- Downloads ---------------------------------------------------------------------------

#: Files a page may offer for download: documents, data and pictures, nothing
#: a browser would run or render as a page on the site's origin.
DOWNLOAD_EXTENSIONS = _words("pdf csv tsv txt docx xlsx pptx odt ods odp png jpg jpeg gif webp zip")


def download_problem(target: str) -> str | None:
    """None when ``target`` is a file type a page may offer, else what is allowed."""
    if problem := url_problem(target, kind="download"):
        return problem
    name = normalize_url(target).split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in DOWNLOAD_EXTENSIONS:
        allowed = ", ".join(sorted(DOWNLOAD_EXTENSIONS))
        return (
            f"download {target!r}: .{suffix or '(none)'} files are not offered (allowed: {allowed})"
        )
    return None


def csv_path_problem(target: str) -> str | None:
    """None when a ``data-figure``'s argument is a relative path to a ``.csv`` file
    (where it leads is checked against docs/ by tools/course/datafigure.py)."""
    if problem := url_problem(target, kind="download"):
        return problem
    if target.startswith(("/", "\\")) or "\\" in target or re.match(r"^[A-Za-z]:", target):
        return f"the CSV {target!r} must be a path relative to the page, not an absolute path"
    if not target.lower().endswith(".csv"):
        return f"the CSV {target!r}: a data figure reads a .csv file only"
    return None


# -- Maths ---------------------------------------------------------------------------------

#: Control words a formula may use (modelled on KaTeX's supported functions):
#: symbols, layout and fonts. Nothing that reads, writes, defines or links.
MATH_COMMANDS = _words(
    """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda
    mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    frac dfrac tfrac cfrac sqrt binom dbinom tbinom overline underline overbrace underbrace
    hat widehat bar tilde widetilde vec dot ddot acute grave breve check overrightarrow
    overleftarrow boxed overset underset stackrel substack
    mathrm mathit mathbf mathsf mathtt mathcal mathbb mathfrak boldsymbol
    text textrm textit textbf textsf texttt operatorname
    sum prod coprod int iint iiint oint bigcup bigcap bigvee bigwedge bigoplus bigotimes
    lim limsup liminf max min sup inf det gcd Pr log lg ln exp sin cos tan cot sec csc
    arcsin arccos arctan sinh cosh tanh coth deg dim hom ker arg
    leq le geq ge neq ne approx equiv sim simeq cong propto ll gg subset subseteq supset
    supseteq in notin ni mid nmid parallel perp prec succ preceq succeq models vdash dashv
    asymp doteq leqslant geqslant lesssim gtrsim
    pm mp times div cdot ast star circ bullet cap cup wedge vee land lor oplus ominus
    otimes oslash odot setminus
    to rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow implies
    iff mapsto longrightarrow longleftarrow longleftrightarrow Longrightarrow Longleftarrow
    Longleftrightarrow uparrow downarrow updownarrow Uparrow Downarrow nearrow searrow
    swarrow nwarrow gets rightleftharpoons
    infty partial nabla forall exists nexists emptyset varnothing neg lnot angle triangle
    ldots cdots vdots ddots dots dotsc dotsb prime hbar ell Re Im aleph top bot checkmark
    left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr
    langle rangle lceil rceil lfloor rfloor lvert rvert lVert rVert vert Vert backslash
    quad qquad thinspace medspace thickspace enspace
    limits nolimits displaystyle textstyle scriptstyle scriptscriptstyle not
    nonumber notag begin end
    """
)
#: ``\`` followed by one of these is a symbol (``\,`` spacing, ``\{`` a brace).
MATH_SYMBOLS = frozenset(",;:! {}|%&#_$\\")
#: Environments allowed inside a formula (no equation numbering or page-level ones).
MATH_ENVIRONMENTS = _words(
    "aligned alignedat gathered split array matrix pmatrix bmatrix Bmatrix vmatrix "
    "Vmatrix smallmatrix cases"
)
_MATH_MAX = 5000


def math_problems(tex: str) -> list[str]:
    """What is wrong with a formula: every control sequence must be listed, braces
    balanced, and no TeX character escapes, comments, macro parameters or ``$``."""
    problems: list[str] = []
    if len(tex) > _MATH_MAX:
        return [f"maths longer than {_MATH_MAX} characters"]
    if "^^" in tex:
        problems.append("'^^' character escapes are not allowed in maths")
    depth = 0
    i, n = 0, len(tex)
    while i < n:
        char = tex[i]
        if char == "\\":
            j = i + 1
            while j < n and tex[j].isascii() and tex[j].isalpha():
                j += 1
            if j == i + 1:  # a control symbol
                symbol = tex[j] if j < n else ""
                if symbol not in MATH_SYMBOLS or not symbol:
                    problems.append(f"'\\{symbol}' is not an allowed maths command")
                i = j + 1
                continue
            name = tex[i + 1 : j]
            if name not in MATH_COMMANDS:
                problems.append(f"'\\{name}' is not an allowed maths command")
            elif name in ("begin", "end"):
                env = re.match(r"\s*\{([A-Za-z*]+)\}", tex[j:])
                if env is None or env.group(1) not in MATH_ENVIRONMENTS:
                    shown = env.group(1) if env else tex[j : j + 20]
                    problems.append(
                        f"'\\{name}{{{shown}}}' is not an allowed maths environment "
                        f"(allowed: {', '.join(sorted(MATH_ENVIRONMENTS))})"
                    )
            i = j
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                problems.append("a '}' in the maths closes nothing")
                depth = 0
        elif char in "%#$":
            problems.append(f"a bare {char!r} is not allowed in maths (write \\{char})")
        elif ord(char) < 0x20 and char not in "\t\n\r":
            problems.append(f"control character U+{ord(char):04X} in maths")
        i += 1
    if depth > 0:
        problems.append("a '{' in the maths is never closed")
    return list(dict.fromkeys(problems))


# -- Graphviz DOT ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")
_COLOR = re.compile(r"^[#A-Za-z0-9 :;.,/]{1,200}$")
_WORDS = re.compile(r"^[A-Za-z_, ]{1,100}$")
FONTS = _words("Helvetica Arial Times Times-Roman Courier sans-serif serif monospace") | {
    "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Liberation Sans", "Liberation Serif"
}  # fmt: skip
SHAPES = _words(
    "box polygon ellipse oval circle point egg triangle plaintext plain diamond trapezium "
    "parallelogram house pentagon hexagon septagon octagon doublecircle doubleoctagon "
    "tripleoctagon invtriangle invtrapezium invhouse Mdiamond Msquare Mcircle rect "
    "rectangle square star none underline cylinder note tab folder box3d component "
    "record Mrecord cds"
)
STYLES = _words(
    "filled rounded dashed dotted bold solid invis striped wedged diagonals radial tapered"
)


def _number(limit: float, low: float = 0) -> Callable[[str], str | None]:
    """A value check for a number between ``low`` and ``limit``."""

    def check(value: str) -> str | None:
        return (
            None
            if _NUMBER.match(value) and low <= float(value) <= limit
            else f"a number from {low:g} to {limit:g}"
        )

    return check


def _numbers(limit: float, count: int) -> Callable[[str], str | None]:
    """``x`` or ``x,y`` (optionally ``!`` after ``size``), each at most ``limit``."""

    def check(value: str) -> str | None:
        parts = value.rstrip("!").split(",")
        ok = 1 <= len(parts) <= count and all(
            _NUMBER.match(p.strip()) and 0 <= float(p) <= limit for p in parts
        )
        return None if ok else f"up to {count} numbers from 0 to {limit:g}, separated by a comma"

    return check


def _one_of(choices: Iterable[str]) -> Callable[[str], str | None]:
    allowed = frozenset(choices)

    def check(value: str) -> str | None:
        return None if value in allowed else f"one of {', '.join(sorted(allowed))}"

    return check


def _matches(pattern: re.Pattern[str], what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if pattern.match(value) else what

    return check


def _styles(value: str) -> str | None:
    words = [w.strip() for w in value.split(",")]
    return None if all(w in STYLES for w in words) else f"styles from {', '.join(sorted(STYLES))}"


def _text(value: str) -> str | None:
    """Plain label text is always fine (HTML-like labels are checked on their own)."""
    return None


_TEXT_ATTRIBUTES = frozenset({"label", "xlabel", "headlabel", "taillabel"})


_BOOL = _one_of(["true", "false"])
_ARROW = _matches(re.compile(r"^[a-z]{1,40}$"), "an arrow name such as normal, vee or none")
#: DOT attributes a diagram may set, each with the check its value must pass.
DOT_ATTRIBUTES: dict[str, Callable[[str], str | None]] = {
    "label": _text,
    "xlabel": _text,
    "headlabel": _text,
    "taillabel": _text,
    "shape": _one_of(SHAPES),
    "style": _styles,
    "color": _matches(_COLOR, "a colour name or #rrggbb"),
    "fillcolor": _matches(_COLOR, "a colour name or #rrggbb"),
    "fontcolor": _matches(_COLOR, "a colour name or #rrggbb"),
    "bgcolor": _matches(_COLOR, "a colour name or #rrggbb"),
    "labelfontcolor": _matches(_COLOR, "a colour name or #rrggbb"),
    "fontsize": _number(72, 1),
    "labelfontsize": _number(72, 1),
    "fontname": _one_of(FONTS),
    "rankdir": _one_of(["TB", "LR", "BT", "RL"]),
    "rank": _one_of(["same", "min", "max", "source", "sink"]),
    "splines": _one_of(
        ["true", "false", "none", "line", "polyline", "curved", "ortho", "spline", "compound"]
    ),
    "nodesep": _number(5),
    "ranksep": _matches(re.compile(r"^(\d{1,2}(\.\d*)?|\.\d+)( equally)?$"), "a number (inches)"),
    "arrowhead": _ARROW,
    "arrowtail": _ARROW,
    "arrowsize": _number(3),
    "dir": _one_of(["forward", "back", "both", "none"]),
    "penwidth": _number(10),
    "width": _number(20),
    "height": _number(20),
    "fixedsize": _one_of(["true", "false", "shape"]),
    "margin": _numbers(5, 2),
    "pad": _numbers(5, 2),
    "labelloc": _one_of(["t", "b", "c"]),
    "labeljust": _one_of(["l", "r", "c"]),
    "labelangle": _number(180, -180),
    "labeldistance": _number(10),
    "constraint": _BOOL,
    "weight": _number(100),
    "minlen": _number(10),
    "group": _matches(re.compile(r"^\w{1,50}$"), "a word"),
    "ordering": _one_of(["in", "out"]),
    "compound": _BOOL,
    "newrank": _BOOL,
    "concentrate": _BOOL,
    "center": _BOOL,
    "peripheries": _number(5),
    "lhead": _matches(re.compile(r"^\w{1,50}$"), "a cluster name"),
    "ltail": _matches(re.compile(r"^\w{1,50}$"), "a cluster name"),
    "layout": _one_of(["dot", "neato", "fdp", "sfdp", "circo", "twopi"]),
    "size": _numbers(20, 2),
    "dpi": _number(150, 1),
    "resolution": _number(150, 1),
}
#: Every diagram is scaled down to fit this many inches, whatever it asks for.
DOT_MAX_SIZE = "20,20"
_DOT_MAX_CHARS = 50_000

#: Tags an HTML-like label may use, with the attributes each may carry.
_FONT = {"color", "face", "point-size"}
_CELL = {
    "align", "valign", "bgcolor", "border", "cellpadding", "cellspacing", "color",
    "colspan", "rowspan", "fixedsize", "height", "width", "sides", "style", "balign",
}  # fmt: skip
HTML_LABEL_TAGS: dict[str, set[str]] = {
    "b": set(), "i": set(), "u": set(), "o": set(), "s": set(), "sub": set(), "sup": set(),
    "br": {"align"}, "hr": set(), "vr": set(), "font": _FONT,
    "table": _CELL | {"cellborder", "columns", "rows"}, "tr": set(), "td": _CELL,
}  # fmt: skip


def _html_label(label: str) -> tuple[str, str | None]:
    """An HTML-like label (without its outer ``<>``) re-written from its parse, and
    None, when it uses only listed tags and attributes; else ("", the problem).

    The re-written label escapes every ``<``, ``>`` and quote that is not markup, so
    ``dot`` sees exactly the markup that was checked."""
    text = re.sub(
        r"&([A-Za-z][A-Za-z0-9]*);",
        lambda m: (
            f"&#{name2codepoint[m.group(1)]};" if m.group(1) in name2codepoint else m.group(0)
        ),
        label,
    )
    try:
        root = parse_xml(f"<label>{text}</label>", forbid_dtd=True)
    except (ParseError, DefusedXmlException):
        return "", "an HTML-like label that is not well-formed"
    for element in root.iter():
        if element is root:
            continue
        tag = str(element.tag).lower()
        if tag not in HTML_LABEL_TAGS:
            listed = ", ".join(sorted(HTML_LABEL_TAGS))
            return "", f"an HTML-like label with <{element.tag}> (allowed tags: {listed})"
        for attr, value in element.attrib.items():
            if attr.lower() not in HTML_LABEL_TAGS[tag]:
                return "", f"an HTML-like label with <{element.tag} {attr}=...>"
            if attr.lower() == "face" and value not in FONTS:
                listed = ", ".join(sorted(FONTS))
                return "", f"an HTML-like label with the font {value!r} (allowed: {listed})"
    inner = html.escape(root.text or "", quote=False)
    inner += "".join(_xml(child) + html.escape(child.tail or "", quote=False) for child in root)
    return f"<{inner}>", None


def _xml(element: Element) -> str:
    attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in element.attrib.items())
    inner = html.escape(element.text or "", quote=False)
    inner += "".join(_xml(child) + html.escape(child.tail or "", quote=False) for child in element)
    return f"<{element.tag}{attrs}>{inner}</{element.tag}>"


def _quote(value: str) -> str:
    """A value as a DOT string that cannot end early: every quote in it is escaped,
    and no backslash of the value stands before a quote or at the end."""
    if _NUMBER.match(value):
        return value
    value = re.sub(r'\\+(?="|$)', "", value)
    return '"' + value.replace('"', '\\"') + '"'


@dataclass(frozen=True)
class _Token:
    kind: str  # "id" (a word or number), "quoted", "html", "kw", or the punctuation itself
    text: str  # the value: quotes and escapes removed; an HTML string without its outer <>
    line: int


class _DotError(ValueError):
    """DOT that is not one well-formed graph."""


_DOT_KEYWORDS = frozenset({"strict", "graph", "digraph", "subgraph", "node", "edge"})
_DOT_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/|^#[^\n]*)+", re.S | re.M)
_DOT_WORD = re.compile(r"-?(?:\.\d+|\d+(?:\.\d*)?)|[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*")
_DOT_PLUS = re.compile(r'(?:\s|//[^\n]*|/\*.*?\*/)*\+(?:\s|//[^\n]*|/\*.*?\*/)*"', re.S)


def _dot_string(code: str, start: int, line: int) -> tuple[str, int]:
    """A quoted string from ``start`` (its opening quote): its value and where it ends.
    As graphviz's scanner reads it: only ``\\"`` is an escape, a backslash before a
    line end joins the lines, every other backslash is kept (``\\n`` in labels)."""
    chars: list[str] = []
    j, n = start + 1, len(code)
    while j < n and code[j] != '"':
        if code[j] == "\\" and j + 1 < n and code[j + 1] in '"\n':
            chars.append('"' if code[j + 1] == '"' else "")
            j += 2
        else:
            chars.append(code[j])
            j += 1
    if j >= n:
        raise _DotError(f"line {line}: a quoted string is never closed")
    return "".join(chars), j + 1


def _dot_tokens(code: str) -> list[_Token]:
    """DOT's tokens, read the way graphviz's scanner reads them (quoted strings joined
    by ``+`` are one; an HTML-like string runs to its matching ``>``)."""
    tokens: list[_Token] = []
    i, n = 0, len(code)
    while True:
        if space := _DOT_SPACE.match(code, i):
            i = space.end()
        if i >= n:
            return tokens
        line = code.count("\n", 0, i) + 1
        if code.startswith(("->", "--"), i):
            tokens.append(_Token(code[i : i + 2], code[i : i + 2], line))
            i += 2
        elif code[i] in "{}[];,=:":
            tokens.append(_Token(code[i], code[i], line))
            i += 1
        elif code[i] == '"':
            value, i = _dot_string(code, i, line)
            while plus := _DOT_PLUS.match(code, i):
                more, i = _dot_string(code, plus.end() - 1, line)
                value += more
            tokens.append(_Token("quoted", value, line))
        elif code[i] == "<":
            depth, j = 0, i
            while j < n:
                depth += {"<": 1, ">": -1}.get(code[j], 0)
                if depth == 0:
                    break
                j += 1
            if j >= n:
                raise _DotError(f"line {line}: an HTML-like string is never closed")
            tokens.append(_Token("html", code[i + 1 : j], line))
            i = j + 1
        elif word := _DOT_WORD.match(code, i):
            text = word.group(0)
            keyword = text.lower() in _DOT_KEYWORDS
            tokens.append(
                _Token("kw" if keyword else "id", text.lower() if keyword else text, line)
            )
            i = word.end()
        else:
            raise _DotError(f"line {line}: unexpected {code[i]!r}")


_ID = ("id", "quoted", "html")


class _DotWriter:
    """Reads DOT's grammar (recursive descent) and writes the graph back out as it
    goes: only listed attributes, every name and value quoted by us."""

    def __init__(self, tokens: list[_Token], problems: list[str]) -> None:
        self.tokens = tokens
        self.at = 0
        self.problems = problems
        self.directed = False
        self.depth = 0
        self.sized = False  # the graph sets its own (capped) size

    def _is(self, *kinds: str, offset: int = 0) -> bool:
        at = self.at + offset
        if at >= len(self.tokens):
            return False
        token = self.tokens[at]
        return token.kind in kinds or (token.kind == "kw" and token.text in kinds)

    def _take(self, *kinds: str) -> _Token:
        if not self._is(*kinds):
            if self.at >= len(self.tokens):
                raise _DotError(f"expected {' or '.join(kinds)} but the diagram ends")
            token = self.tokens[self.at]
            raise _DotError(
                f"line {token.line}: expected {' or '.join(kinds)}, found {token.text!r}"
            )
        self.at += 1
        return self.tokens[self.at - 1]

    def graph(self) -> str:
        strict = "strict " if self._is("strict") and self._take("strict") else ""
        kind = self._take("graph", "digraph").text
        self.directed = kind == "digraph"
        name = self._name("graph")[0] + " " if self._is(*_ID) else ""
        body = self._block()
        if self.at < len(self.tokens):
            raise _DotError(f"line {self.tokens[self.at].line}: more after the end of the graph")
        if not self.sized:
            body = body.replace("{\n", f'{{\nsize="{DOT_MAX_SIZE}";\n', 1)
        return f"{strict}{kind} {name}{body}\n"

    def _name(self, what: str) -> tuple[str, str]:
        """(the name written out, the name for messages)."""
        token = self._take(*_ID)
        if token.kind == "html":
            raise _DotError(
                f"line {token.line}: a {what} name may not be an HTML-like string; "
                "write such text in a label"
            )
        return _quote(token.text), token.text

    def _block(self) -> str:
        self._take("{")
        self.depth += 1
        lines: list[str] = []
        while not self._is("}"):
            if self.at >= len(self.tokens):
                raise _DotError("a '{' is never closed")
            if statement := self._statement():
                lines.append(statement)
            while self._is(";"):
                self._take(";")
        self._take("}")
        self.depth -= 1
        return "{\n" + "".join(f"{line}\n" for line in lines) + "}"

    def _statement(self) -> str:
        if self._is("graph", "node", "edge") and self._is("[", offset=1):
            target = self._take("graph", "node", "edge").text
            attrs = self._attributes(f"the {target} defaults", graph=target == "graph")
            return f"{target} [{attrs}];" if attrs else ""
        if self._is(*_ID) and self._is("=", offset=1):
            key = self._take(*_ID)
            self._take("=")
            kept = self._attribute("the graph", key.text, self._take(*_ID), graph=True)
            return f"{kept};" if kept else ""
        first, shown = self._end()
        if self._is("->", "--"):
            ends = [first]
            while self._is("->", "--"):
                op = self._take("->", "--").text
                if (op == "->") != self.directed:
                    raise _DotError(f"'{op}' in a {'digraph' if self.directed else 'graph'}")
                ends.append(self._end()[0])
            attrs = self._attributes("an edge")
            joined = (" -> " if self.directed else " -- ").join(ends)
            return f"{joined} [{attrs}];" if attrs else f"{joined};"
        if first.startswith("subgraph"):
            return first
        attrs = self._attributes(f"node {shown!r}")
        return f"{first} [{attrs}];" if attrs else f"{first};"

    def _end(self) -> tuple[str, str]:
        """A node with its port, or a subgraph: (as written out, name for messages)."""
        if self._is("subgraph", "{"):
            name = ""
            if self._is("subgraph"):
                self._take("subgraph")
                name = self._name("subgraph")[0] + " " if self._is(*_ID) else ""
            return f"subgraph {name}{self._block()}", ""
        written, shown = self._name("node")
        while self._is(":"):
            self._take(":")
            written += ":" + self._name("port")[0]
        return written, shown

    def _attributes(self, owner: str, *, graph: bool = False) -> str:
        kept: list[str] = []
        while self._is("["):
            self._take("[")
            while not self._is("]"):
                key = self._take(*_ID, "kw")
                self._take("=")
                if pair := self._attribute(owner, key.text, self._take(*_ID), graph=graph):
                    kept.append(pair)
                while self._is(",", ";"):
                    self._take(",", ";")
            self._take("]")
        return ", ".join(kept)

    def _attribute(self, owner: str, name: str, value: _Token, *, graph: bool = False) -> str:
        """``name=value`` written out, or "" (and a problem) when it is not allowed."""
        check = DOT_ATTRIBUTES.get(name)
        shown = f"<{value.text}>" if value.kind == "html" else value.text
        if check is None:
            self.problems.append(
                f"graphviz: the attribute {name!r} on {owner} is not allowed and was dropped "
                "(allowed: label, shape, style, colours, fonts, sizes and layout attributes)"
            )
            return ""
        why: str | None
        if value.kind == "html" and name not in _TEXT_ATTRIBUTES:
            safe, why = "", "HTML-like values are for labels only"
        elif value.kind == "html":
            safe, why = _html_label(value.text)
        else:
            safe, why = _quote(value.text), check(value.text)
        if why is not None:
            self.problems.append(f"graphviz: {name}={shown!r} on {owner} was dropped: {why}")
            return ""
        if name == "size" and graph and self.depth == 1:
            self.sized = True
        return f"{name}={safe}"


def sanitize_dot(code: str) -> tuple[str, list[str]]:
    """Parse DOT and keep only listed attributes with valid values.

    Returns the re-written DOT (what ``dot`` is given; empty when the diagram
    cannot be read) and one problem per dropped thing. The reader follows
    graphviz's own scanner and grammar; attribute names are compared after
    reading, so quoted (``"URL"``) or concatenated (``"UR"+"L"``) spellings are
    the names they denote. Every name and value is written out quoted by us,
    so nothing in a value can end it early. Every diagram is scaled to fit
    ``DOT_MAX_SIZE`` inches unless it sets a (capped) size itself.
    """
    if len(code) > _DOT_MAX_CHARS:
        return "", [f"graphviz: diagrams longer than {_DOT_MAX_CHARS} characters are not drawn"]
    problems: list[str] = []
    try:
        return _DotWriter(_dot_tokens(code), problems).graph(), problems
    except _DotError as error:
        return "", [f"graphviz: the diagram could not be read ({error}); write one graph {{ ... }}"]


# -- SVG ---------------------------------------------------------------------------------------

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SVG_ELEMENTS = _words(
    "svg g defs symbol use path rect circle ellipse line polyline polygon text tspan title "
    "desc linearGradient radialGradient stop clipPath mask pattern marker"
)
SVG_ATTRIBUTES = _words(
    """
    id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy width height points
    viewBox preserveAspectRatio version baseProfile fill fill-opacity fill-rule stroke
    stroke-width stroke-opacity stroke-linecap stroke-linejoin stroke-dasharray
    stroke-dashoffset stroke-miterlimit opacity font-family font-size font-weight
    font-style text-anchor dominant-baseline alignment-baseline letter-spacing
    word-spacing text-decoration dx dy rotate textLength lengthAdjust offset stop-color
    stop-opacity gradientUnits gradientTransform spreadMethod clip-path clip-rule
    clipPathUnits mask maskUnits marker-start marker-mid marker-end markerWidth
    markerHeight refX refY orient markerUnits patternUnits patternContentUnits
    patternTransform visibility display color overflow shape-rendering text-rendering
    vector-effect href
    """
)
_CSS_URL = re.compile(r"url\s*\(\s*(?!['\"]?#)", re.IGNORECASE)
_CSS_ACTIVE = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:", re.IGNORECASE)


def _css_problem(css: str) -> str | None:
    if _CSS_URL.search(css):
        return "url() to anything but an element of the same image (#id)"
    if _CSS_ACTIVE.search(css):
        return "@import, expression() or a script URL in CSS"
    return None


def svg_problems(data: bytes) -> list[str]:
    """What keeps an SVG off the site: it must parse without DTDs or entities and use
    only listed elements and attributes, with references only inside the image."""
    try:
        root = parse_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        return [f"SVG could not be read safely ({error}); export it as plain SVG"]
    problems: list[str] = []
    if root.tag != f"{_SVG_NS}svg":
        problems.append("the file is not an SVG image (no <svg> root)")
    element: Element
    for element in root.iter():
        tag = str(element.tag)
        local = tag.removeprefix(_SVG_NS)
        if tag == local or local not in SVG_ELEMENTS:
            problems.append(
                f"SVG element <{local}> is not allowed (script, links, foreign content, editor data)"
            )
            continue
        for attr, value in element.attrib.items():
            name = "href" if attr == _XLINK_HREF else "xml:space" if attr == _XML_SPACE else attr
            if name == "xml:space":
                continue
            if name not in SVG_ATTRIBUTES:
                problems.append(f"SVG attribute {name!r} on <{local}> is not allowed")
            elif name == "href" and not value.strip().startswith("#"):
                problems.append(
                    f"SVG <{local}> links to {value!r}; only #id inside the image is allowed"
                )
            elif why := _css_problem(value):
                problems.append(f"SVG attribute {name!r} on <{local}> uses {why}")
    return list(dict.fromkeys(problems))


# -- Bibliography -----------------------------------------------------------------------------------

#: Bibliography fields that become links.
BIB_LINK_FIELDS = frozenset({"url", "doi", "eprint", "link", "pdf", "file", "howpublished"})
_BIB_ENTRY = re.compile(r"^[ \t]*@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)
_TEX_LINK = re.compile(r"\\(?:url|href)\s*\{([^}]*)\}")


def bib_field_problem(field: str, value: str) -> str | None:
    """None when a bibliography field links nowhere unsafe (a link field, or a
    ``\\url{}``/``\\href{}`` inside any field), else what is allowed."""
    name = field.lower()
    candidates = [m.group(1) for m in _TEX_LINK.finditer(value)]
    if name in BIB_LINK_FIELDS and name != "howpublished":
        candidates.append(value)
    for url in candidates:
        if name == "doi" and not _scheme(url):
            continue  # a bare DOI: the style writes https://doi.org/ in front
        if problem := url_problem(url):
            return problem
    return None


def bib_problems(path: Path | str) -> list[tuple[int, str]]:
    """(line, message) for every link-like field of a .bib file that is not an allowed URL."""
    return parsed_bib_problems(Path(path).read_text(encoding="utf-8", errors="replace"))[1]


def parsed_bib_problems(source: str) -> tuple[Any, list[tuple[int, str]]]:
    """The bibliography *source* parsed by pybtex (None if it cannot be), and its
    :func:`bib_problems`: for a caller that needs the entries too, parsing it once."""
    from pybtex.database import parse_string  # type: ignore[import-untyped]  # heavy: load on use

    lines: dict[str, int] = {}
    line, counted = 1, 0
    for match in _BIB_ENTRY.finditer(source):
        line += source.count("\n", counted, match.start())
        counted = match.start()
        lines.setdefault(match.group(2), line)
    try:
        data = parse_string(source, "bibtex")
    except Exception as error:  # pybtex raises its own PybtexError and friends
        return None, [(1, f"the bibliography cannot be read: {error}")]
    problems: list[tuple[int, str]] = []
    for key, entry in data.entries.items():
        for field, value in entry.fields.items():
            if problem := bib_field_problem(field, value):
                problems.append((lines.get(key, 1), f"{key}: field {field!r}: {problem}"))
    return data, problems


# -- Directives and roles ------------------------------------------------------------------------------

_ADMONITIONS = _words(
    "note tip warning important seealso hint caution attention danger error admonition"
)
_SD_CARD = {
    "class-body", "class-card", "class-footer", "class-header", "class-img-bottom",
    "class-img-top", "class-title", "footer", "header", "img-alt", "img-background",
    "img-bottom", "img-top", "link", "link-alt", "link-type", "margin",
    "shadow", "text-align", "width",
}  # fmt: skip
_IMAGE = {"alt", "width", "height", "scale", "align", "class", "name", "target", "loading"}
_TABLE = {"align", "class", "name", "width", "widths", "header-rows", "stub-columns"}
#: Directives a contributed page may use, with the options each may carry.
DIRECTIVE_OPTIONS: dict[str, frozenset[str]] = {
    name: frozenset(options)
    for name, options in {
        "question": {"marks", "ao", "objectives", "label"},
        "answer": set(),
        # Assessment (issue 14): quizzes and mark schemes; tools/course/assessment.py checks them.
        "quiz": set(),
        "choice": {"objectives", "label"},
        "option": {"correct"},
        "truefalse": {"answer", "objectives", "label"},
        "mark-scheme": {"type"},
        "level": {"marks"},
        "instructor-note": set(),
        # A content note on a sensitive topic (tools/extensions/contentnote.py).
        "content-note": set(),
        "bibliography": {"cited", "style"},
        "glossary": {"sorted"},
        "course-search": set(),
        "course-toctree": set(),
        **{name: {"class", "name"} for name in _ADMONITIONS},
        "figure": _IMAGE | {"figclass", "figwidth", "figname"},
        "image": _IMAGE,
        "math": {"label"},
        # No :layout: (Sphinx runs it as the executable): write layout=... in the DOT.
        "graphviz": {"alt", "align", "caption", "class", "name"},
        # Charts from a CSV in docs/ (tools/course/datafigure.py reads and checks it).
        "data-figure": {"type", "x", "y", "error", "series", "x-label", "y-label", "y-range", "alt", "source"},
        "table": _TABLE,
        "list-table": _TABLE,
        "csv-table": _TABLE | {"header", "delim", "quote", "keepspace", "escape"},
        "epigraph": set(),
        "grid": {"gutter", "margin", "padding", "outline", "reverse", "class-container", "class-row"},
        "grid-item": {"columns", "margin", "padding", "child-direction", "child-align", "outline", "class"},
        "grid-item-card": _SD_CARD | {"columns", "padding", "class-item"},
        "card": _SD_CARD,
        "dropdown": {"open", "color", "icon", "chevron", "animate", "margin", "name", "class-container", "class-title", "class-body"},
        "tab-set": {"class", "sync-group"},
        "tab-item": {"selected", "sync", "name", "class-container", "class-label", "class-content"},
        "button-link": {"color", "outline", "align", "expand", "click-parent", "shadow", "class", "tooltip"},
    }.items()
}  # fmt: skip
ALLOWED_DIRECTIVES = frozenset(DIRECTIVE_OPTIONS)
#: Directives only the generated taxonomy pages may use.
GENERATED_ONLY_DIRECTIVES = frozenset({"toctree", "course-overview", "course-specification"})
_GENERATED_OPTIONS = {"toctree": {"hidden", "titlesonly", "caption", "maxdepth", "glob"}}

ALLOWED_ROLES = _words(
    """
    article category topic level course subject term ref doc numref eq math abbr sub sup
    subscript superscript download guilabel kbd emphasis strong literal code
    cite:p cite:t cite:ps cite:ts cite:ct cite:cp cite:cts cite:author cite:authors
    cite:authorpar cite:year cite:yearpar cite:label cite:labelpar
    """
)
#: Options whose values are links or image paths, and how they are checked.
_URL_OPTIONS = {
    "target": "link",
    "link": "link",
    "img-top": "image",
    "img-bottom": "image",
    "img-background": "image",
}
_NAME_VALUE = re.compile(r"^[A-Za-z0-9_. -]{0,100}$")
_LABEL = re.compile(r"^[A-Za-z0-9_:.-]{1,100}$")


def directive_problems(
    name: str,
    args: str,
    options: dict[str, str],
    body: str,
    *,
    generated: bool = False,
) -> list[tuple[int, str]]:
    """(line offset in the directive, 0 = the fence line; message) for each breach.

    Problems with the name, argument or options are at offset 0; problems in
    ``body`` (the content after the options) at ``1 + len(options)``, its first
    line when the options are written one per line.
    """
    allowed = DIRECTIVE_OPTIONS.get(name)
    if allowed is None and generated and name in GENERATED_ONLY_DIRECTIVES:
        allowed = frozenset(_GENERATED_OPTIONS.get(name, set()))
    if allowed is None:
        generated_only = name in GENERATED_ONLY_DIRECTIVES
        where = "allowed only on generated pages" if generated_only else "not allowed"
        listed = ", ".join(sorted(ALLOWED_DIRECTIVES))
        return [(0, f"the directive {{{name}}} is {where} (allowed: {listed})")]
    problems: list[tuple[int, str]] = []
    body_offset = 1 + len(options)
    for option, value in options.items():
        if option not in allowed:
            listed = ", ".join(f":{o}:" for o in sorted(allowed)) or "none"
            problems.append((0, f"{{{name}}} option :{option}: is not allowed (allowed: {listed})"))
            continue
        if option in _URL_OPTIONS and (why := url_problem(value, kind=_URL_OPTIONS[option])):
            problems.append((0, f"{{{name}}} :{option}: {why}"))
        elif option == "label" and not _LABEL.match(value):
            problems.append((0, f"{{{name}}} :label: must be letters, digits, '-', '_' or ':'"))
        elif option in ("class", "name") and not _NAME_VALUE.match(value):
            problems.append((0, f"{{{name}}} :{option}: must be words (letters, digits, '-', '_')"))
    if name in ("image", "figure") and (why := url_problem(args.strip(), kind="image")):
        problems.append((0, why))
    elif name == "button-link" and (why := url_problem(args.strip())):
        problems.append((0, f"{{button-link}} {why}"))
    elif name == "graphviz":
        if args.strip():
            problems.append(
                (0, "{graphviz} diagrams must be written inline; file arguments are not allowed")
            )
        problems.extend((body_offset, p) for p in sanitize_dot(body)[1])
    elif name == "math":
        problems.extend((body_offset, p) for p in math_problems(f"{args}\n{body}"))
    elif name == "data-figure" and (why := csv_path_problem(args.strip())):
        problems.append((0, f"{{data-figure}} {why}"))
    return problems


_EXPLICIT_TARGET = re.compile(r"<([^<>]*)>\s*$")


def role_problems(name: str, content: str) -> list[str]:
    """What is wrong with ``{name}`content```: unknown role, unsafe maths or download."""
    if name not in ALLOWED_ROLES:
        return [f"the role {{{name}}} is not allowed (allowed: {', '.join(sorted(ALLOWED_ROLES))})"]
    if name == "math":
        return math_problems(content)
    if name == "download":
        match = _EXPLICIT_TARGET.search(content)
        target = match.group(1) if match else content
        problem = download_problem(target.strip())
        return [problem] if problem else []
    return []
