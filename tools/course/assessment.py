"""Assessment on a page: exam-style questions, mark schemes and self-check quizzes, as data.

One model, three readers: ``course check`` and the build's source gate report
the same rule breaches at the same lines (:func:`extract` returns them with
the model), and the exports (tools/outputs/exports.py) write Anki, Moodle and
QTI files from the same questions. The syntax is documented in CONTRIBUTING.md.
Every question and quiz item has a stable id, ``<slug>:<label>`` or
``<slug>:q<N>`` / ``<slug>:quiz<N>``, so an LMS or Anki updates what it
imported before instead of adding a copy. Prerequisites between articles are
checked here too (a missing article, the article itself, a cycle), and
:func:`prerequisite_order` gives the course order they imply.
Nothing here imports Sphinx.

| code   | severity | rule |
| ------ | -------- | ---- |
| AS001  | error    | ``:marks:`` is a positive whole number |
| AS002  | error    | ``:ao:`` names AO1, AO2 or AO3 only |
| AS003  | error    | ``:objectives:`` names objectives of the page, by number |
| AS004  | warning  | every objective is assessed by a question or quiz item |
| AS005  | error    | question ids are unique (a ``:label:`` is a slug) |
| AS006  | error    | a question has exactly one answer and at most one mark scheme |
| MS001  | error    | a question with a mark scheme has ``:marks:`` |
| MS002  | error    | a points scheme has at least as many points as the tariff |
| MS003  | error    | levels bands run from 1 to the tariff, with no overlap or gap |
| MS004  | error    | ``:type:`` is points or levels; a mark scheme sits in a question |
| QZ001  | error    | a choice has at least one correct option |
| QZ002  | error    | a choice has at least two options |
| QZ003  | error    | every option has feedback (and text) |
| QZ004  | error    | a truefalse has ``:answer: true`` or ``false`` |
| QZ005  | error    | quiz items sit in a quiz, options in a choice; items have a prompt |
| PRE001 | error    | prerequisites are existing articles |
| PRE002 | error    | an article is not its own prerequisite |
| PRE003 | error    | prerequisites form no cycle (the message names it) |
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from .reader import Directive, Page, Problem, parser, role_text
from .suggest import did_you_mean

#: Assessment objectives a question may name (GCSE boards use these three).
AOS = ("AO1", "AO2", "AO3")
#: Directives that belong to the assessment syntax.
ASSESSMENT_DIRECTIVES = frozenset(
    {"question", "answer", "mark-scheme", "level", "quiz", "choice", "option", "truefalse"}
)
#: Moodle keeps a question's id number in 100 characters.
MAX_ID = 100
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BAND = re.compile(r"^\s*(\d+)\s*(?:[-\u2013\u2014]\s*(\d+))?\s*$")
_ACCEPT = "Accept:"
_REJECT = "Do not accept:"


@dataclass(frozen=True)
class Level:
    level: int
    low: int
    high: int
    descriptor: str
    line: int
    marks_line: int = 0


@dataclass(frozen=True)
class MarkScheme:
    """A points-based scheme (``points``, ``accept``, ``reject``) or a levels-based one."""

    kind: str  # "points" or "levels"
    line: int
    points: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    label: str | None
    number: int  # position among the page's questions, from 1
    line: int
    text: str
    answer: str
    marks: int | None = None
    ao: tuple[str, ...] = ()
    objectives: tuple[int, ...] = ()
    scheme: MarkScheme | None = None


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str
    line: int


@dataclass(frozen=True)
class QuizItem:
    id: str
    label: str | None
    number: int  # position among the page's quiz items, from 1
    line: int
    kind: str  # "choice" or "truefalse"
    prompt: str
    options: tuple[Option, ...] = ()
    answer: bool | None = None  # truefalse only
    explanation: str = ""  # truefalse only
    objectives: tuple[int, ...] = ()

    @property
    def multiple(self) -> bool:
        """A choice with several correct options ("choose all that apply")."""
        return sum(o.correct for o in self.options) > 1


@dataclass
class Assessment:
    """Everything assessable on one page, and what is wrong with it."""

    slug: str
    questions: list[Question] = field(default_factory=list)
    quiz_items: list[QuizItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions] + [i.id for i in self.quiz_items]


# -- reading ---------------------------------------------------------------------------


@dataclass
class _Node:
    directive: Directive
    children: list[_Node] = field(default_factory=list)


def _tree(page: Page) -> list[_Node]:
    """The page's directives as a tree (the reader lists them in document order, parents first)."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for directive in page.directives:
        node = _Node(directive)
        del stack[len(directive.within) :]
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _walk(nodes: Iterable[_Node]) -> Iterable[_Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _inline_text(token: Token) -> str:
    """Words of an inline token: roles reduced to what they show, breaks to spaces."""
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "myst_role":
            out.append(role_text(child.content))
        elif child.type == "image":
            out.append(child.content)
        elif child.children:
            out.append(_inline_text(child))
    return " ".join("".join(out).split())


@dataclass(frozen=True)
class _Block:
    """A top-level block of a directive body: a paragraph, or a bullet list's items."""

    kind: str  # "paragraph", "list" or "other"
    texts: tuple[str, ...]


def _blocks(tokens: Sequence[Token]) -> list[_Block]:
    """The blocks of a parsed body (nested directives and code are left out), as plain text."""
    blocks: list[_Block] = []
    depth = 0
    items: list[str] | None = None
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                items = []
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and items is not None:
                blocks.append(_Block("list", tuple(items)))
                items = None
        elif token.type == "inline":
            text = _inline_text(token)
            if depth == 1 and items is not None and token.level == 3:
                items.append(text)
            elif depth > 1 and items:
                items[-1] += " " + text
            elif depth == 0 and text:
                blocks.append(_Block("paragraph", (text,)))
        elif token.type == "table_open" and depth == 0:
            blocks.append(_Block("other", ()))
    return blocks


def _text(blocks: Iterable[_Block]) -> str:
    return "\n".join(t for b in blocks for t in b.texts if t)


def plain_text(body: str) -> str:
    """Markdown that no page parse holds (a glossary definition) as plain text, one block a line."""
    return _text(_blocks(parser().parse(body + "\n", {})))


def _body_blocks(directive: Directive) -> list[_Block]:
    """A directive's body as the reader parsed it (none if it did not: a page refused SEC012)."""
    return _blocks(directive.body_tokens or ())


def _body_text(directive: Directive) -> str:
    """A directive body as plain text: paragraphs and list items, one per line."""
    return _text(_body_blocks(directive))


def inline_plain(text: str) -> str:
    """A one-line argument (a prompt, an option) as plain text: roles reduced to their words."""
    tokens = parser().parseInline(text, {})
    return " ".join(_inline_text(t) for t in tokens).strip()


def _int_list(value: str) -> list[str]:
    return [v for v in re.split(r"[,\s]+", value.strip()) if v]


class _Reader:
    def __init__(self, page: Page, slug: str, objectives: Sequence[str]) -> None:
        self.page = page
        self.out = Assessment(slug)
        self.objectives = objectives

    def add(self, line: int, code: str, message: str, severity: str = "error") -> None:
        self.out.problems.append(Problem(line, code, message, severity))

    def read(self) -> Assessment:
        roots = _tree(self.page)
        questions = 0
        items = 0
        for node in _walk(roots):
            d = node.directive
            parent = d.within[-1] if d.within else None
            if d.name == "question":
                questions += 1
                self.question(node, questions)
            elif d.name in ("choice", "truefalse"):
                items += 1
                if parent != "quiz":
                    self.add(d.line, "QZ005", f"a {{{d.name}}} item must sit inside a {{quiz}}")
                self.quiz_item(node, items)
            elif d.name == "quiz":
                for child in node.children:
                    if child.directive.name not in ("choice", "truefalse"):
                        self.add(
                            child.directive.line,
                            "QZ005",
                            f"a {{quiz}} holds {{choice}} and {{truefalse}} items only, "
                            f"not {{{child.directive.name}}}",
                        )
            elif d.name == "option" and parent != "choice":
                self.add(d.line, "QZ005", "an {option} must sit inside a {choice}")
            elif d.name == "mark-scheme" and parent != "question":
                self.add(d.line, "MS004", "a {mark-scheme} must sit inside a {question}")
            elif d.name == "level" and parent != "mark-scheme":
                self.add(d.line, "MS003", "a {level} must sit inside a levels {mark-scheme}")
        self.check_ids()
        self.check_coverage()
        self.out.problems.sort(key=lambda p: (p.line, p.code))
        return self.out

    # -- shared options ------------------------------------------------------

    def label(self, d: Directive) -> str | None:
        label = d.options.get("label")
        if label is None:
            return None
        label = label.strip()
        if not _SLUG.match(label):
            self.add(
                d.option_lines.get("label", d.line),
                "AS005",
                f":label: {label!r} is not a slug (lowercase words joined by hyphens)",
            )
            return None
        return label

    def objective_numbers(self, d: Directive) -> tuple[int, ...]:
        value = d.options.get("objectives")
        if value is None:
            return ()
        line = d.option_lines.get("objectives", d.line)
        count = len(self.objectives)
        numbers: list[int] = []
        for item in _int_list(value):
            if not item.isdigit():
                self.add(
                    line,
                    "AS003",
                    f":objectives: {item!r} is not an objective number "
                    f"(objectives are numbered 1 to {count} in the front matter)",
                )
            elif not 1 <= int(item) <= count:
                has = f"1 to {count}" if count else "none: the front matter lists no objectives"
                self.add(
                    line,
                    "AS003",
                    f":objectives: there is no objective {item} on this page "
                    f"(its objectives are numbered {has})",
                )
            else:
                numbers.append(int(item))
        return tuple(dict.fromkeys(numbers))

    def marks(self, d: Directive, what: str) -> int | None:
        value = d.options.get("marks")
        if value is None:
            return None
        text = value.strip()
        if not text.isdigit() or int(text) < 1:
            self.add(
                d.option_lines.get("marks", d.line),
                "AS001",
                f"{what} :marks: must be a positive whole number, got {text!r}",
            )
            return None
        return int(text)

    def aos(self, d: Directive) -> tuple[str, ...]:
        value = d.options.get("ao")
        if value is None:
            return ()
        out: list[str] = []
        for item in (v.strip() for v in value.split(",")):
            if item.upper() in AOS:
                out.append(item.upper())
            else:
                self.add(
                    d.option_lines.get("ao", d.line),
                    "AS002",
                    f":ao: {item!r} is not an assessment objective (use {', '.join(AOS)})",
                )
        return tuple(dict.fromkeys(out))

    # -- questions -----------------------------------------------------------

    def question(self, node: _Node, number: int) -> None:
        d = node.directive
        answers = [c for c in node.children if c.directive.name == "answer"]
        schemes = [c for c in node.children if c.directive.name == "mark-scheme"]
        if len(answers) != 1:
            self.add(
                d.line,
                "AS006",
                f"a question needs exactly one {{answer}} inside it, found {len(answers)}",
            )
        for extra in schemes[1:]:
            self.add(extra.directive.line, "AS006", "a question has at most one {mark-scheme}")
        marks = self.marks(d, "the question's")
        if "marks" not in d.options and schemes:
            self.add(
                schemes[0].directive.line,
                "MS001",
                "a question with a {mark-scheme} needs :marks: (its tariff)",
            )
        label = self.label(d)
        scheme = self.scheme(schemes[0], marks) if schemes else None
        self.out.questions.append(
            Question(
                id=f"{self.out.slug}:{label or f'q{number}'}",
                label=label,
                number=number,
                line=d.line,
                text=_body_text(d),
                answer=_body_text(answers[0].directive) if answers else "",
                marks=marks,
                ao=self.aos(d),
                objectives=self.objective_numbers(d),
                scheme=scheme,
            )
        )

    def scheme(self, node: _Node, tariff: int | None) -> MarkScheme:
        d = node.directive
        kind = d.options.get("type", "points").strip() or "points"
        if kind not in ("points", "levels"):
            self.add(
                d.option_lines.get("type", d.line),
                "MS004",
                f"mark scheme :type: {kind!r} is not known (use points or levels)",
            )
            kind = "points"
        if kind == "levels":
            return self.levels(node, tariff)
        points: list[str] = []
        accept: list[str] = []
        reject: list[str] = []
        guidance: list[str] = []
        target: list[str] | None = None
        for block in _body_blocks(d):
            if block.kind == "list" and not points and target is None:
                points = list(block.texts)
            elif block.kind == "list" and target is not None:
                target.extend(block.texts)
                target = None
            elif block.kind == "paragraph":
                text = block.texts[0]
                if text.startswith(_ACCEPT):
                    target = accept
                    rest = text[len(_ACCEPT) :].strip()
                elif text.startswith(_REJECT):
                    target = reject
                    rest = text[len(_REJECT) :].strip()
                else:
                    guidance.append(text)
                    target = None
                    continue
                if rest:
                    target.append(rest)
                    target = None
        if tariff is not None and len(points) < tariff:
            self.add(
                d.line,
                "MS002",
                f"the points mark scheme lists {len(points)} creditworthy point(s) for a "
                f"{tariff}-mark question; list at least {tariff} (one mark each)",
            )
        return MarkScheme(
            "points", d.line, tuple(points), tuple(accept), tuple(reject), tuple(guidance)
        )

    def levels(self, node: _Node, tariff: int | None) -> MarkScheme:
        d = node.directive
        levels: list[Level] = []
        for child in node.children:
            c = child.directive
            if c.name != "level":
                continue
            number = c.args.strip()
            band = _BAND.match(c.options.get("marks", ""))
            if not number.isdigit():
                self.add(
                    c.line, "MS003", f"{{level}} needs its number, e.g. {{level}} 3, got {number!r}"
                )
                continue
            if band is None:
                self.add(
                    c.option_lines.get("marks", c.line),
                    "MS003",
                    f"level {number} needs :marks: as a band such as 4-6, got "
                    f"{c.options.get('marks', '')!r}",
                )
                continue
            low = int(band.group(1))
            high = int(band.group(2) or low)
            if high < low:
                self.add(
                    c.option_lines.get("marks", c.line),
                    "MS003",
                    f"level {number}: the band {low}-{high} runs backwards",
                )
                continue
            marks_line = c.option_lines.get("marks", c.line)
            levels.append(Level(int(number), low, high, _body_text(c), c.line, marks_line))
        if not levels:
            self.add(d.line, "MS003", "a levels mark scheme needs {level} directives inside it")
            return MarkScheme("levels", d.line)
        bands = sorted(levels, key=lambda lv: (lv.low, lv.high))
        for before, after in itertools.pairwise(bands):
            if after.low <= before.high:
                # Reported at the band written later on the page, naming the other.
                later, other = (after, before) if after.line > before.line else (before, after)
                self.add(
                    later.marks_line,
                    "MS003",
                    f"level {later.level} ({later.low}-{later.high} marks) overlaps level "
                    f"{other.level} ({other.low}-{other.high} marks)",
                )
            elif after.low > before.high + 1:
                self.add(
                    after.line,
                    "MS003",
                    f"marks {before.high + 1}-{after.low - 1} are in no level (a gap between "
                    f"level {before.level} and level {after.level})",
                )
        if bands[0].low != 1:
            self.add(
                bands[0].line,
                "MS003",
                f"the lowest level starts at {bands[0].low} marks; bands must start at 1",
            )
        top = max(lv.high for lv in levels)
        if tariff is not None and top != tariff:
            self.add(
                d.line,
                "MS003",
                f"the levels end at {top} marks but the question is worth {tariff}; "
                "the top band must end at the tariff",
            )
        ordered = sorted(levels, key=lambda lv: -lv.level)
        return MarkScheme("levels", d.line, levels=tuple(ordered))

    # -- quizzes ---------------------------------------------------------------

    def quiz_item(self, node: _Node, number: int) -> None:
        d = node.directive
        prompt = inline_plain(d.args)
        if not prompt:
            self.add(d.line, "QZ005", f"a {{{d.name}}} needs its question on the opening line")
        label = self.label(d)
        objectives = self.objective_numbers(d)
        item_id = f"{self.out.slug}:{label or f'quiz{number}'}"
        if d.name == "truefalse":
            value = d.options.get("answer", "").strip().lower()
            if value not in ("true", "false"):
                self.add(
                    d.option_lines.get("answer", d.line),
                    "QZ004",
                    "a {truefalse} needs :answer: true or :answer: false"
                    + (f", got {d.options['answer']!r}" if "answer" in d.options else ""),
                )
            self.out.quiz_items.append(
                QuizItem(
                    item_id,
                    label,
                    number,
                    d.line,
                    "truefalse",
                    prompt,
                    answer=value == "true" if value in ("true", "false") else None,
                    explanation=_body_text(d),
                    objectives=objectives,
                )
            )
            return
        options: list[Option] = []
        for child in node.children:
            c = child.directive
            if c.name != "option":
                continue
            text = inline_plain(c.args)
            feedback = _body_text(c)
            if not text:
                self.add(c.line, "QZ003", "an {option} needs its text on the opening line")
            if not feedback:
                self.add(
                    c.line,
                    "QZ003",
                    f"option {text!r} has no feedback: say in a sentence why it is right or wrong",
                )
            options.append(Option(text, "correct" in c.options, feedback, c.line))
        if len(options) < 2:
            self.add(
                d.line,
                "QZ002",
                f"a {{choice}} needs at least 2 {{option}} directives, found {len(options)}",
            )
        if options and not any(o.correct for o in options):
            self.add(d.line, "QZ001", "no option of this {choice} is marked :correct:")
        self.out.quiz_items.append(
            QuizItem(
                item_id,
                label,
                number,
                d.line,
                "choice",
                prompt,
                tuple(options),
                objectives=objectives,
            )
        )

    # -- page-wide rules ---------------------------------------------------------

    def check_ids(self) -> None:
        seen: dict[str, int] = {}
        placed = [(q.line, q.id) for q in self.out.questions]
        placed += [(i.line, i.id) for i in self.out.quiz_items]
        for line, item_id in sorted(placed):
            if len(item_id) > MAX_ID:
                self.add(
                    line,
                    "AS005",
                    f"question id {item_id!r} is {len(item_id)} characters; LMS imports keep "
                    f"at most {MAX_ID} (give it a shorter :label:)",
                )
            if item_id in seen:
                self.add(
                    line,
                    "AS005",
                    f"question id {item_id!r} is already used at line {seen[item_id]}; "
                    "give this one another :label:",
                )
            else:
                seen[item_id] = line

    def check_coverage(self) -> None:
        if not self.out.questions and not self.out.quiz_items:
            return
        assessed = {n for q in self.out.questions for n in q.objectives} | {
            n for i in self.out.quiz_items for n in i.objectives
        }
        for number, text in enumerate(self.objectives, start=1):
            if number not in assessed:
                self.add(
                    self.objectives_line,
                    "AS004",
                    f"objective {number} ({_short(text)}) is assessed by no question or quiz "
                    "item; name it in an :objectives: option",
                    severity="warning",
                )

    objectives_line = 1


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def extract(
    page: Page, slug: str, objectives: Sequence[str] = (), objectives_line: int = 1
) -> Assessment:
    """The page's questions and quiz items, with every rule breach at its line.

    *objectives* are the article's front-matter objectives (numbered from 1);
    coverage warnings are placed at *objectives_line* (the ``objectives:`` key).
    """
    reader = _Reader(page, slug, objectives)
    reader.objectives_line = objectives_line
    return reader.read()


# -- prerequisites ------------------------------------------------------------------


def prerequisite_problems(
    prerequisites: Mapping[str, Sequence[str]], articles: Iterable[str]
) -> dict[str, list[tuple[str, str]]]:
    """slug -> [(code, message)] for prerequisites that are missing, the article itself, or a cycle.

    *prerequisites* maps each article to the slugs it builds on; *articles* is
    every article that exists. A cycle is reported on every article in it, and
    each message names the whole cycle (``a → b → c → a``).
    """
    known = set(articles)
    out: dict[str, list[tuple[str, str]]] = {}
    for slug, needs in prerequisites.items():
        for need in needs:
            if need == slug:
                out.setdefault(slug, []).append(
                    ("PRE002", "'prerequisites' lists the article itself")
                )
            elif need not in known:
                hint = did_you_mean(need, known)
                out.setdefault(slug, []).append(
                    ("PRE001", f"'prerequisites': no article with slug {need!r}{hint}")
                )
    for cycle in find_cycles(prerequisites):
        shown = " → ".join([*cycle, cycle[0]])
        for slug in cycle:
            out.setdefault(slug, []).append(
                ("PRE003", f"'prerequisites' form a cycle: {shown}; remove one of these links")
            )
    return out


def find_cycles(prerequisites: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Each cycle of the prerequisite graph once, starting at its smallest slug.

    Every strongly connected component with more than one article (Tarjan's
    algorithm, iterative) holds at least one cycle; the one named is found
    by a path search inside the component.
    """
    graph = {
        s: [n for n in needs if n in prerequisites and n != s] for s, needs in prerequisites.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(graph[node])):
                nxt = graph[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    cycles = []
    for component in components:
        members = set(component)
        start = min(component)
        cycles.append(_path_back(graph, members, start))
    return sorted(cycles)


def _path_back(graph: Mapping[str, Sequence[str]], members: set[str], start: str) -> list[str]:
    """A shortest path from *start* back to itself inside one strongly connected component."""
    previous: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for nxt in sorted(graph[node]):
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path))
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return [start]


def prerequisite_order(
    articles: Sequence[str], prerequisites: Mapping[str, Sequence[str]]
) -> list[str]:
    """*articles* reordered so each comes after its prerequisites among them.

    Otherwise the given order is kept (at each step the first article whose
    prerequisites are all placed comes next); articles caught in a cycle keep
    their given order at the end, so every article is placed once.
    """
    members = set(articles)
    placed: list[str] = []
    done: set[str] = set()
    waiting = list(dict.fromkeys(articles))
    while waiting:
        for slug in waiting:
            needs = [n for n in prerequisites.get(slug, ()) if n in members and n != slug]
            if all(n in done for n in needs):
                placed.append(slug)
                done.add(slug)
                waiting.remove(slug)
                break
        else:
            placed += waiting
            break
    return placed
