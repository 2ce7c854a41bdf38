"""The ``course-epub`` builder: one EPUB 3 book per course, the student edition.

It is the ``handout`` builder (handoutbuilder.py) with another ending: the
same selection of pages per course (handouts.py), assembled and resolved the
same way, with the same format (``handout``), so editions, listings, Key
terms and links to pages outside the book are decided as for paper. Then:

- before resolving, each page's answers and quiz answer keys are moved into
  an "Answers" section at the end of the page (its chapter), each linked
  from its question and back, so the questions stay in place and no answer
  is read before the reader turns to it; what the student edition must not
  hold (mark schemes, teaching notes) is still removed by questions.py;
- the resolved course is cut into one content document per page (course,
  categories, articles) and one for Key terms, so ids stay unique per file
  and the navigation is categories, then their articles;
- maths is MathML (mathml.py), not the TeX that paper prints;
- epubbook.py writes the XHTML, cover and package.

A course that fails is reported in ``epubs.json`` (and as a warning) and the
other courses are still written; tools/outputs/epub.py builds and checks them.
"""

from __future__ import annotations

import datetime
import json
import os
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.utils import new_document
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees

from tools.course.taxonomy import Course

from .assessment import quiz_item, quiz_key
from .config import taxonomy_for
from .handoutbuilder import HandoutBuilder, HandoutTranslator
from .handouts import Handout, handout_documents
from .mathml import html_visit_displaymath, html_visit_math
from .questions import answer, depart_question_html, question
from .reader import attribution_text

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from sphinx.application import Sphinx

from .epubbook import BookInfo, Images, NavEntry, Part, cover_page, title_page, write_book

logger = logging.getLogger(__name__)

CSS = Path(__file__).with_name("static") / "epub.css"
#: Written beside the EPUBs: which were written and what failed (tools/outputs/epub.py reads it).
MANIFEST = "epubs.json"
ANSWERS_ID = "course-answers"
KEY_TERMS_ID = "course-key-terms"


class EpubTranslator(HandoutTranslator):
    """HTML for an e-reader: maths as MathML (readers lay it out, screen readers read it)."""

    def visit_math(self, node: nodes.math, math_env: str = "") -> None:
        html_visit_math(self, node)

    def visit_displaymath(self, node: nodes.math_block) -> None:
        html_visit_displaymath(self, node)


def _owner(node: nodes.Node) -> nodes.Element | None:
    """The page (``start_of_file``) a node belongs to."""
    parent = node.parent
    while parent is not None and not isinstance(parent, addnodes.start_of_file):
        parent = parent.parent
    return parent


def _link(refid: str, text: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["course-answer-link"])
    para += nodes.reference("", text, internal=True, refid=refid)
    return para


def collect_answers(page: nodes.Element) -> None:
    """Move the page's answers and quiz keys to an "Answers" section at its end, linked both ways."""
    blocks: list[nodes.Element] = []
    kinds: tuple[tuple[type[nodes.Element], type[nodes.Element], str, str, str, str], ...] = (
        (question, answer, "question", "answer", "Question {}", "Back to question {}"),
        (
            quiz_item,
            quiz_key,
            "quiz-item",
            "quiz-answer",
            "Check your understanding, item {}",
            "Back to item {}",
        ),
    )
    for holder, held, stem, answer_stem, heading, back in kinds:
        for node in list(page.findall(holder)):
            found = next(iter(node.findall(held)), None)
            if _owner(node) is not page or found is None:
                continue
            number = node["number"]
            qid, aid = f"{stem}-{number}", f"{answer_stem}-{number}"
            node["ids"].append(qid)
            block = nodes.container(ids=[aid], classes=["course-epub-answer"])
            block += nodes.rubric("", heading.format(number))
            block += found.children
            block += _link(qid, back.format(number))
            found.parent.remove(found)
            node += _link(aid, "Answer at the end of this chapter")
            blocks.append(block)
    if not blocks:
        return
    section = nodes.section(ids=[ANSWERS_ID], classes=["course-answers"])
    section += nodes.title("Answers", "Answers")
    section += blocks
    top = next((c for c in page.children if isinstance(c, nodes.section)), page)
    top.append(section)


def _file_name(docname: str) -> str:
    return docname.replace("/", "-") + ".xhtml"


def _direct_pages(node: nodes.Element) -> Iterator[addnodes.start_of_file]:
    """The pages inlined directly under *node* (not those inside them)."""
    for child in node.findall(addnodes.start_of_file, include_self=False):
        if _owner(child) is (node if isinstance(node, addnodes.start_of_file) else None):
            yield child


class CourseEpubBuilder(HandoutBuilder):
    name = "course-epub"
    format = "handout"
    epilog = "The EPUBs are in %(outdir)s; tools/outputs/epub.py checks and publishes them."
    default_translator_class = EpubTranslator
    #: No "¶" after headings: a reader has its own bookmarks, and a screen reader would read it.
    add_permalinks = False

    def init(self) -> None:
        super().init()
        # A question closes as on the site: no ruled answer space on a screen.
        own = self._registry.translation_handlers[self.name]
        own["question"] = (own["question"][0], depart_question_html)
        self.files: dict[str, str] = {}
        self.results: list[dict[str, str]] = []

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """A page of this book is its own file; other pages are on the site."""
        if docname in self.files:
            return self.files[docname]
        return super().get_target_uri(docname, typ)

    def write_documents(self, _docnames: Set[str]) -> None:
        self.prepare_writing(self.env.all_docs.keys())
        taxonomy = taxonomy_for(self.config)
        edition = self.config.course_edition
        handouts = handout_documents(taxonomy, "all", edition, self.env)
        for course, handout in zip(taxonomy.courses, handouts, strict=True):
            name = (
                f"{course.slug}.epub" if edition == "student" else f"{course.slug}-{edition}.epub"
            )
            try:
                self.write_course(course, handout, self.outdir / name)
                self.results.append({"epub": name, "course": course.slug, "problem": ""})
            except Exception as error:  # one course failing must not stop the others
                problem = f"{type(error).__name__}: {error}"
                logger.warning(
                    "%s: the EPUB could not be written: %s",
                    course.slug,
                    problem,
                    location=handout.start,
                    type="course",
                    subtype="epub",
                )
                logger.debug(traceback.format_exc())
                self.results.append({"epub": name, "course": course.slug, "problem": problem})

    def assemble(self, start: str) -> nodes.document:
        tree = self.env.get_doctree(start)
        tree = inline_all_toctrees(self, set(), start, tree, lambda s: s, [start])
        tree["docname"] = start
        pages = list(tree.findall(addnodes.start_of_file))
        for page in pages:  # Sphinx hands a page's children over without re-parenting them
            for child in page.children:
                child.parent = page
        self.docnames = {start} | {str(p["docname"]) for p in pages}
        self.files = {d: _file_name(d) for d in self.docnames}
        for page in pages:
            collect_answers(page)
        self.env.resolve_references(tree, start, self)
        return tree

    def write_course(self, course: Course, handout: Handout, path: Path) -> None:
        tree = self.assemble(handout.start)
        for address in list(tree.findall(nodes.inline)):
            if "course-address" in address["classes"]:  # paper's printed URL; here links work
                address.parent.remove(address)
        in_book = set(self.files.values())
        for ref in list(tree.findall(nodes.reference)):
            uri = str(ref.get("refuri", ""))
            page = uri.partition("#")[0]
            if page and ":" not in uri and page not in in_book:
                # A page outside the book with no site address to link to: its words only.
                ref.replace_self(nodes.inline(ref.rawsource, "", *ref.children))
        self.imgpath = self.imagedir
        self.post_process_images(tree)
        self.secnumbers, self.fignumbers = {}, {}
        nav: list[NavEntry] = []
        pages: list[tuple[str, nodes.Element, str]] = []
        for category in list(_direct_pages(tree)):
            articles = list(_direct_pages(category))
            entry = NavEntry(self.files[category["docname"]], self._title(category["docname"]))
            pages.append((category["docname"], category, "part"))
            for article in articles:
                entry.children.append(
                    NavEntry(self.files[article["docname"]], self._title(article["docname"]))
                )
                pages.append((article["docname"], article, "chapter"))
                article.parent.remove(article)
            category.parent.remove(category)
            nav.append(entry)
        key_terms = next((s for s in tree.findall(nodes.section) if KEY_TERMS_ID in s["ids"]), None)
        if key_terms is not None:
            key_terms.parent.remove(key_terms)
        parts = [self._part(handout.start, tree, "preface")]
        nav.insert(0, NavEntry(parts[0].file, "About this course"))
        parts += [self._part(docname, page, kind) for docname, page, kind in pages]
        if key_terms is not None:
            holder = nodes.container()
            holder += key_terms
            parts.append(self._part("key-terms", holder, "glossary", file="key-terms.xhtml"))
            nav.append(NavEntry("key-terms.xhtml", "Key terms"))
        info = self._info(course, handout)
        version = str(self.config.course_build_version)
        images = Images([self.outdir, self.srcdir], self._image_files())
        write_book(
            path,
            info,
            [cover_page(info), title_page(info, version), *parts],
            nav,
            images,
            self.outdir,
            CSS.read_text(encoding="utf-8"),
        )
        for src in images.refused:
            logger.warning(
                "%s: image %r is not a file of the build; its alt text is printed instead",
                path.name,
                src,
                location=handout.start,
                type="course",
                subtype="epub",
            )

    def _title(self, docname: str) -> str:
        return self.env.titles[docname].astext()

    def _part(self, docname: str, page: nodes.Element, kind: str, file: str = "") -> Part:
        """One page translated on its own, so its headings start at <h1>."""
        known = docname in self.env.all_docs
        document = new_document(str(self.env.doc2path(docname)) if known else docname)
        document.settings = self.docsettings
        document.extend(list(page.children))
        if known:
            self.current_docname = docname
        visitor: EpubTranslator = self.create_translator(document, self)  # type: ignore[assignment]
        document.walkabout(visitor)
        title = self._title(docname) if docname in self.env.titles else "Key terms"
        return Part(file or self.files[docname], title, "".join(visitor.fragment), kind, kind)

    def _image_files(self) -> dict[str, Path]:
        """Where each image the pages name is (Sphinx copies them only at the end)."""
        return {
            f"{self.imagedir}/{name}": Path(self.srcdir, src) for src, name in self.images.items()
        }

    def _info(self, course: Course, handout: Handout) -> BookInfo:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        built = (
            datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
            if epoch
            else datetime.datetime.now(datetime.UTC)
        )
        return BookInfo(
            slug=course.slug,
            title=course.title,
            subtitle=handout.subtitle,
            description=course.description,
            keywords=handout.keywords,
            language=str(self.config.handout_language),
            author=str(self.config.author),
            publisher=str(self.config.project),
            rights=attribution_text(self.config),
            site=str(self.config.html_baseurl),
            built=built,
        )

    def finish(self) -> None:
        (self.outdir / MANIFEST).write_text(json.dumps(self.results, indent=1), encoding="utf-8")


def setup_epub(app: Sphinx) -> None:
    app.add_builder(CourseEpubBuilder)
