"""EPUBs: one per course from the real docs, checked by EPUBCheck and read as a reader would.

One build for the module (``make epub``'s command without its check), then:
EPUBCheck's verdict on every book (0 errors, 0 warnings), and each book
opened as a zip: the navigation (categories of the course in taxonomy order,
each with its articles, from the taxonomy and the articles' front matter),
language, cover, licence and attribution, alt text on every image and
diagram, answers only in the Answers section at the end of their chapter,
and nothing of the instructor edition (mark schemes, teaching notes; phrases
taken from the source pages).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from helpers import copy_root
from tools.course.corpus import scan_articles
from tools.course.taxonomy import Taxonomy, load_taxonomy
from tools.extensions.epubbook import Images, Part, xhtml
from tools.outputs.epub import Result, build_epubs, epubcheck

ROOT = Path(__file__).resolve().parent.parent
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "svg": "http://www.w3.org/2000/svg",
    "epub": "http://www.idpf.org/2007/ops",
}


@dataclass
class Book:
    path: Path
    files: dict[str, bytes]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def opf(self) -> etree._Element:
        return self.xml("EPUB/content.opf")

    def documents(self) -> dict[str, etree._Element]:
        return {n: self.xml(n) for n in self.files if n.endswith(".xhtml")}


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


#: Typographic quotes (docutils' smart quotes) as typed in the source.
STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "conf" / "taxonomy.yaml")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages as they are now: what is built is what the tests read, even if docs/ changes."""
    copy = tmp_path_factory.mktemp("epub-source") / "docs"
    shutil.copytree(ROOT / "docs", copy, ignore=shutil.ignore_patterns("browse"))
    return copy


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, docs: Path) -> list[Result]:
    return build_epubs(source=docs, build=tmp_path_factory.mktemp("epub-build"))


@pytest.fixture(scope="module")
def books(results: list[Result]) -> dict[str, Book]:
    out = {}
    for result in results:
        assert result.epub is not None, f"{result.course}: {result.problem}"
        with zipfile.ZipFile(result.epub) as archive:
            out[result.course] = Book(result.epub, {n: archive.read(n) for n in archive.namelist()})
    return out


@pytest.mark.slow
def test_one_epub_per_course_at_its_published_path(
    results: list[Result], taxonomy: Taxonomy
) -> None:
    assert [r.course for r in results] == [c.slug for c in taxonomy.courses]
    for result in results:
        assert result.epub is not None, f"{result.course}: {result.problem}"
        assert result.epub.parent.name == "epub"
        assert result.epub.name == f"{result.course}.epub"


@pytest.mark.slow
def test_every_epub_passes_epubcheck_without_errors_or_warnings(
    books: dict[str, Book],
) -> None:
    paths = [b.path for b in books.values()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = dict(zip(paths, pool.map(epubcheck, paths), strict=True))
    assert {p.name: m for p, m in verdicts.items() if m} == {}


@pytest.mark.slow
def test_nav_lists_the_courses_categories_then_their_articles(
    books: dict[str, Book], taxonomy: Taxonomy, docs: Path
) -> None:
    titles: dict[str, list[str]] = {}
    for article in scan_articles(docs):
        if article.category:
            titles.setdefault(article.category, []).append(article.title)
    for course in taxonomy.courses:
        nav = books[course.slug].xml("EPUB/nav.xhtml")
        toc = nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)
        assert toc is not None
        entries = {
            text_of(li.find("x:a", NS)): sorted(
                text_of(a).translate(STRAIGHT) for a in li.findall("x:ol/x:li/x:a", NS)
            )
            for li in toc.findall("x:li", NS)
        }
        listed = [t for t in entries if t not in ("About this course", "Key terms")]
        assert listed == [taxonomy.category_label(c.slug) for c in course.categories]
        for category in course.categories:
            expected = sorted(titles.get(category.slug, []))
            assert entries[taxonomy.category_label(category.slug)] == expected, category.slug


@pytest.mark.slow
def test_language_cover_and_licence(books: dict[str, Book], taxonomy: Taxonomy) -> None:
    for course in taxonomy.courses:
        book = books[course.slug]
        opf = book.opf()
        assert opf.findtext(".//dc:language", namespaces=NS) == "en-GB"
        assert opf.findtext(".//dc:title", namespaces=NS) == course.title
        assert "CC BY 4.0" in (opf.findtext(".//dc:rights", namespaces=NS) or "")
        cover = opf.find(".//opf:item[@properties='cover-image']", NS)
        assert cover is not None
        assert course.title.split()[0] in book.files[f"EPUB/{cover.get('href')}"].decode()
        cover_page = book.xml("EPUB/cover.xhtml")
        cover_img = cover_page.find(".//x:img", NS)
        assert cover_img is not None and course.title in cover_img.get("alt", "")
        for document in book.documents().values():
            assert document.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
        title_page = text_of(book.xml("EPUB/title.xhtml"))
        assert course.title in title_page
        assert re.search(
            r"by .+ is licensed under CC BY 4\.0 \(https://creativecommons", title_page
        )


@pytest.mark.slow
def test_every_image_and_diagram_has_a_text_alternative(books: dict[str, Book], docs: Path) -> None:
    images = 0
    for book in books.values():
        for name, document in book.documents().items():
            for img in document.iterfind(".//x:img", NS):
                images += 1
                assert (img.get("alt") or "").strip(), f"{book.path.name} {name}"
                assert img.get("src", "").startswith(("images/", "cover.svg"))
            for svg in document.iterfind(".//svg:svg[@role='img']", NS):
                assert (svg.get("aria-label") or "").strip(), f"{book.path.name} {name}"
    diagrams = sum(
        text.count("{graphviz}") for text in (p.read_text() for p in docs.glob("articles/*.md"))
    )
    assert images >= len(books) + diagrams > len(books)  # every cover, and the diagrams


def _answers(document: etree._Element) -> tuple[str, list[etree._Element]]:
    """The text before the chapter's Answers section, and that section's answer blocks."""
    section = document.find(".//x:section[@id='course-answers']", NS)
    body = document.find("x:body", NS)
    assert body is not None
    if section is None:
        return text_of(body), []
    whole = text_of(body)
    start = whole.index(text_of(section))
    blocks = section.findall(".//x:div[@class='course-epub-answer docutils container']", NS)
    return whole[:start], blocks


@pytest.mark.slow
def test_answers_only_at_the_end_of_their_chapter(books: dict[str, Book], docs: Path) -> None:
    """Questions in place, each answer in the Answers section that ends its chapter, linked back."""
    answered = 0
    for book in books.values():
        for name, document in book.documents().items():
            where = f"{book.path.name} {name}"
            assert document.find(".//x:details", NS) is None, where  # nothing behind a disclosure
            assert not document.xpath(".//*[contains(@class, 'sd-dropdown')]"), where
            asked = {
                str(e.get("id")): e
                for e in document.iter(f"{{{NS['x']}}}div", f"{{{NS['x']}}}fieldset")
                if e.get("class") in ("course-question", "course-quiz-item")
            }
            section = document.find(".//x:section[@id='course-answers']", NS)
            blocks = [] if section is None else section.findall("x:div", NS)
            assert len(blocks) == len(asked), where
            if section is None:
                continue
            # The Answers section ends the chapter: nothing comes after it.
            chapter = section.getparent()
            assert chapter[-1] is section and chapter.getnext() is None, where
            for block in blocks:
                answered += 1
                back = block.find(".//x:p[@class='course-answer-link']/x:a", NS)
                assert back is not None, where
                question = asked[back.get("href", "").lstrip("#")]
                forward = question.find(".//x:p[@class='course-answer-link']/x:a", NS)
                assert forward is not None and forward.get("href") == f"#{block.get('id')}"
                assert len(text_of(block)) > len(text_of(block[0])) + len(text_of(back)), where
    source_answers = sum(p.read_text().count("{answer}") for p in docs.glob("articles/*.md"))
    assert answered >= source_answers > 0


@pytest.mark.slow
def test_no_answer_text_before_its_chapters_answers_section(
    books: dict[str, Book], docs: Path
) -> None:
    """Answers from the source (those said nowhere else in the pages) only after "Answers"."""
    phrases = _unique(_directive_phrases("answer", docs), docs)
    assert phrases
    found = set()
    for book in books.values():
        for name, document in book.documents().items():
            whole = text_of(document)
            section = document.find(".//x:section[@id='course-answers']", NS)
            start = whole.index(text_of(section)) if section is not None else len(whole)
            for phrase in phrases:
                at = whole.find(phrase)
                if at >= 0:
                    found.add(phrase)
                    assert at >= start, f"{book.path.name} {name}: {phrase!r}"
    assert found == set(phrases)


def _plain(markdown: str) -> str:
    """Source text roughly as a reader sees it: roles, emphasis and line breaks gone."""
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", markdown)
    return " ".join(text.replace("*", "").split())


def _unique(phrases: list[str], docs: Path) -> list[str]:
    """Only what the pages say once (a mark scheme or an answer may quote the article)."""
    source = _plain(" ".join(p.read_text(encoding="utf-8") for p in docs.glob("articles/*.md")))
    return [p for p in phrases if source.count(p) == 1]


def _directive_phrases(name: str, docs: Path) -> list[str]:
    """Lines of prose inside the source's ``name`` directives (options and fences left out)."""
    phrases = []
    for page in docs.glob("articles/*.md"):
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not re.match(rf"^[:`]{{3,}}\{{{re.escape(name)}\}}", line):
                continue
            for body in lines[number + 1 :]:
                if re.match(r"^[:`]{3,}", body):
                    break
                words = body.lstrip("-* ").strip()
                # Plain prose only: markup would not match the rendered text.
                if len(words) > 25 and re.fullmatch(r"[\w ,.;()/-]+", words):
                    phrases.append(" ".join(words.split()))
                    break
    return phrases


@pytest.mark.slow
def test_no_mark_scheme_or_teaching_note_in_the_student_edition(
    books: dict[str, Book], docs: Path
) -> None:
    phrases = _directive_phrases("mark-scheme", docs) + _directive_phrases("instructor-note", docs)
    phrases = _unique(phrases, docs)
    assert phrases
    texts = [text_of(d) for b in books.values() for d in b.documents().values()]
    for phrase in phrases:
        assert not any(phrase in t for t in texts), phrase


# --- a small course (not slow): maths, answers and notes -------------------------------

MATHS = """

## Maths

The mean is {math}`\\bar{x} = \\frac{1}{n}\\sum x_i`.
"""


def test_small_course_book_has_mathml_answers_at_the_end_and_no_notes(
    tmp_path: Path, make_app: Any
) -> None:
    src = copy_root(tmp_path, "course")
    page = src / "articles" / "remembering.md"
    page.write_text(page.read_text(encoding="utf-8") + MATHS, encoding="utf-8")
    app = make_app("course-epub", srcdir=src, confoverrides={"course_edition": "student"})
    app.build()
    with zipfile.ZipFile(Path(app.outdir) / "junior-course.epub") as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    book = Book(Path(app.outdir) / "junior-course.epub", files)
    article = book.xml("EPUB/articles-remembering.xhtml")
    maths = article.find(".//{http://www.w3.org/1998/Math/MathML}math")
    assert maths is not None and "x" in text_of(maths)
    item = book.opf().find(".//opf:item[@href='articles-remembering.xhtml']", NS)
    assert item is not None and "mathml" in item.get("properties", "").split()
    before, blocks = _answers(article)
    assert "What is memory?" in before
    assert "The ability to keep information over time." not in before
    assert [text_of(b) for b in blocks if "keep information over time" in text_of(b)]
    assert not any(b"TEACHING-NOTE-SECRET" in data for data in files.values())


def test_pages_become_xhtml_with_svg_and_mathml_in_their_namespaces(tmp_path: Path) -> None:
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.svg").write_text(f'<svg xmlns="{NS["svg"]}"/>')
    images = Images([tmp_path], {})
    body = (
        '<p>one<br>two <img src="_images/a.svg" alt="A drawing"></p>'
        '<svg viewBox="0 0 10 10" role="img" aria-label="Box"><rect width="1" height="1"/></svg>'
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'
    )
    text, properties = xhtml(Part("p.xhtml", "A page", body), "en-GB", images, tmp_path)
    page = etree.fromstring(text)
    assert properties == ["mathml", "svg"]
    svg = page.find(".//svg:svg", NS)
    assert svg is not None and svg.get("viewBox") == "0 0 10 10"
    img = page.find(".//x:img", NS)
    assert img is not None and img.get("src") == "images/1-a.svg"
    assert page.get("lang") == "en-GB" and page.find("x:body", NS).get(f"{{{NS['epub']}}}type")


def test_images_from_outside_the_build_are_left_out_with_their_alt_text(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG")
    build = tmp_path / "build"
    build.mkdir()
    images = Images([build], {})
    body = "".join(
        f'<img src="{src}" alt="Picture {n}">'
        for n, src in enumerate(["../secret.png", str(outside), "https://example.org/x.png"])
    )
    text, _ = xhtml(Part("p.xhtml", "A page", body), "en-GB", images, build)
    page = etree.fromstring(text)
    assert page.find(".//x:img", NS) is None
    assert [text_of(s) for s in page.iterfind(".//x:span", NS)] == [
        f"[Image: Picture {n}]" for n in range(3)
    ]
    assert images.items == {}


def test_a_course_that_fails_does_not_stop_the_others(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tools.extensions.epubbuilder as builder

    def failing(path: Path, info: Any, *args: Any) -> None:
        if info.slug == "junior-course":
            raise ValueError("the junior course broke")
        real(path, info, *args)

    real = builder.write_book
    monkeypatch.setattr(builder, "write_book", failing)
    app = make_app("course-epub", srcdir=copy_root(tmp_path, "course"))
    app.build()
    manifest = json.loads((Path(app.outdir) / "epubs.json").read_text(encoding="utf-8"))
    assert {e["course"]: e["problem"] for e in manifest} == {
        "junior-course": "ValueError: the junior course broke",
        "senior-course": "",
    }
    assert (Path(app.outdir) / "senior-course.epub").is_file()
    assert "junior-course: the EPUB could not be written" in app.warning.getvalue()


@pytest.mark.slow
def test_epubcheck_passes_the_small_course_with_maths_and_names_what_breaks_a_book(
    tmp_path: Path, make_app: Any
) -> None:
    src = copy_root(tmp_path, "course")
    page = src / "articles" / "remembering.md"
    page.write_text(page.read_text(encoding="utf-8") + MATHS, encoding="utf-8")
    app = make_app("course-epub", srcdir=src)
    app.build()
    book = Path(app.outdir) / "junior-course.epub"
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "EPUB/title.xhtml":
                data = data.replace(b"<h1>", b'<h1><img src="missing.png" alt="x"/>')
            out.writestr(info, data)
    with ThreadPoolExecutor(max_workers=2) as pool:
        good, bad = pool.map(epubcheck, [book, broken])
    assert good == []
    assert len(bad) == 1 and "RSC-007" in bad[0] and "title.xhtml" in bad[0]
