"""`make site`'s downloads on the published pages, built the way the Makefile builds them.

One pipeline per module on the test root: the HTML as `make html` builds it
(no downloads), then tools/outputs/site.py's student PDFs (WeasyPrint), the
exports (Anki, Moodle, QTI), instructor handouts and EPUBs lying in build/ as
`make handouts` and `make epub` leave them, and the incremental HTML build with
`make site`'s ``course_downloads``. The EPUBs are stand-in files here (the EPUB
itself is tests/test_epub.py's): what is tested is that a file in build/epub is
offered, not its contents.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import copy_root
from tools.course.taxonomy import Taxonomy, load_taxonomy
from tools.outputs.exports import main as exports
from tools.outputs.site import build_site_pdfs

pytestmark = pytest.mark.slow

#: Words only the instructor edition and the LMS exports hold (tests/roots/test-course).
INSTRUCTOR_ONLY = "TEACHING-NOTE-SECRET"


def sphinx(src: Path, out: Path, *options: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-W",
            "-c",
            str(src),
            "-d",
            str(out.parent / "doctrees"),
            *options,
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def make_site_html(src: Path, out: Path, build: Path) -> None:
    """The HTML step of `make site`: the strict build told where the downloads are."""
    folders = ",".join(str(build / f) for f in ("handouts", "epub", "exports"))
    sphinx(src, out, "-D", f"course_downloads={folders}")


def page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / name).read_text(encoding="utf-8"), "html.parser")


def offered(out: Path, name: str) -> dict[str, tuple[Path, str]]:
    """A page's Download block as a reader sees it: label → (the file, the size shown)."""
    block = page(out, name).select_one("#course-downloads")
    if block is None:
        return {}
    heading = block.select_one("h2")
    assert heading is not None and heading.get_text(strip=True).startswith("Download")
    found = {}
    for item in block.select("li"):
        link = item.select_one("a")
        assert link is not None
        size = re.fullmatch(r".*\((\d+(?:\.\d)? [kM]B)\)", " ".join(item.get_text().split()))
        assert size is not None, item.get_text()
        found[link.get_text()] = ((out / name).parent / str(link["href"])).resolve(), size.group(1)
    return found


def size_matches(shown: str, path: Path) -> bool:
    number, unit = shown.split()
    size = path.stat().st_size
    if unit == "MB":
        return abs(float(number) - size / 1_000_000) < 0.06
    return int(number) == max(1, size // 1000)


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="module")
def taxonomy(root: Path, built: Path) -> Taxonomy:
    return load_taxonomy(root / "src" / "taxonomy.yaml")


@dataclass(frozen=True)
class Plain:
    """What `make html` alone made: each page's file time and whether it offered downloads."""

    written: dict[str, int]
    offering: list[str]
    downloads: list[Path]


@pytest.fixture(scope="module")
def plain(root: Path) -> Plain:
    src = copy_root(root, "course")
    out = root / "html"
    sphinx(src, out)
    names = [str(p.relative_to(out)) for p in sorted(out.rglob("*.html"))]
    return Plain(
        {name: (out / name).stat().st_mtime_ns for name in names},
        [name for name in names if page(out, name).select_one("#course-downloads") is not None],
        [p for p in out.rglob("*") if "_downloads" in p.parts],
    )


@pytest.fixture(scope="module")
def built(root: Path, plain: Plain) -> Path:
    """`make site` after `make html`: downloads built, then the same HTML folder rebuilt."""
    src, build, out = root / "src", root / "build", root / "html"
    assert build_site_pdfs(source=src, conf=src, build=build) == 0
    assert (
        exports(
            [
                "--docs",
                str(src),
                "--taxonomy",
                str(src / "taxonomy.yaml"),
                "--out",
                str(build / "exports"),
            ]
        )
        == 0
    )
    (build / "epub").mkdir(parents=True)
    for course in load_taxonomy(src / "taxonomy.yaml").courses:
        (build / "epub" / f"{course.slug}.epub").write_bytes(
            b"PK\x03\x04 stand-in " + course.slug.encode()
        )
        # What `make handouts` also leaves in build/handouts: never published.
        (build / "handouts" / f"{course.slug}-instructor.pdf").write_bytes(b"%PDF-1.7 instructor")
    make_site_html(src, out, build)
    return out


def articles(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "src" / "articles").glob("*.md"))


def test_make_html_alone_offers_no_downloads(plain: Plain) -> None:
    assert plain.written
    assert plain.offering == []
    assert plain.downloads == []


def test_course_pages_offer_student_pdf_epub_and_anki_deck_with_sizes(
    built: Path, root: Path, taxonomy: Taxonomy
) -> None:
    build = root / "build"
    for course in taxonomy.courses:
        files = offered(built, f"browse/courses/{course.slug}.html")
        assert list(files) == [
            "Student handout (PDF)",
            "E-book (EPUB)",
            "Anki deck of the course's terms and questions",
        ], course.slug
        sources = [
            build / "handouts" / f"{course.slug}-student.pdf",
            build / "epub" / f"{course.slug}.epub",
            build / "exports" / f"{course.slug}.apkg",
        ]
        for (published, shown), source in zip(files.values(), sources, strict=True):
            assert published.read_bytes() == source.read_bytes()
            assert size_matches(shown, published), (shown, published)
        handout = pdf_text(files["Student handout (PDF)"][0])
        assert course.title in handout and "Student edition" in handout


def test_article_pages_offer_their_own_student_pdf(built: Path, root: Path) -> None:
    for slug in articles(root):
        files = offered(built, f"articles/{slug}.html")
        assert list(files) == ["This article (PDF)"], slug
        published, shown = files["This article (PDF)"]
        assert size_matches(shown, published)
        title = page(built, f"articles/{slug}.html").select_one("article h1")
        assert title is not None
        text = pdf_text(published)
        assert title.get_text().rstrip("¶").strip() in text, slug
        assert INSTRUCTOR_ONLY not in text


def test_instructor_editions_and_lms_exports_are_never_published(built: Path, root: Path) -> None:
    build = root / "build"
    assert list((build / "exports").glob("*-moodle.xml")) and list(
        (build / "exports").glob("*-qti.zip")
    )
    assert list((build / "handouts").glob("*-instructor.pdf"))
    published = [p for p in built.rglob("*") if p.is_file()]
    names = [p.name for p in published]
    assert not [n for n in names if "instructor" in n or n.endswith(("-moodle.xml", "-qti.zip"))]
    for path in published:
        if path.suffix == ".pdf":
            assert INSTRUCTOR_ONLY not in pdf_text(path), path
    hrefs = {
        str(a["href"])
        for p in built.rglob("*.html")
        for a in page(built, str(p.relative_to(built))).select("a[href]")
    }
    assert not [h for h in hrefs if "instructor" in h or "moodle" in h or "qti" in h]


def test_the_new_downloads_rewrote_the_pages_that_offer_them_and_not_the_rest(
    built: Path, plain: Plain
) -> None:
    rewritten = {
        name for name, mtime in plain.written.items() if (built / name).stat().st_mtime_ns != mtime
    }
    offering = {name for name in plain.written if page(built, name).select_one("#course-downloads")}
    assert offering and offering <= rewritten
    # Sphinx also rewrites the generated pages whose toctree holds a changed page, and
    # its own index pages; no other page changed.
    others = {n for n in rewritten - offering if not n.startswith("browse/")}
    assert others <= {
        "genindex.html",
        "search.html",
        "course-categories.html",
        "course-topics.html",
    }
    assert "index.html" not in rewritten and "glossary.html" not in rewritten


def test_a_changed_pdf_rewrites_its_page_and_a_removed_one_is_no_longer_offered(
    built: Path, root: Path
) -> None:
    src, build = root / "src", root / "build"
    first, second = articles(root)[:2]
    changed = build / "handouts" / "articles" / f"{first}-student.pdf"
    changed.write_bytes(changed.read_bytes() + b"\n%" + b" " * 5000 + b"\n")
    (build / "handouts" / "articles" / f"{second}-student.pdf").unlink()
    make_site_html(src, built, build)
    published, shown = offered(built, f"articles/{first}.html")["This article (PDF)"]
    assert published.read_bytes() == changed.read_bytes()
    assert size_matches(shown, changed)
    assert offered(built, f"articles/{second}.html") == {}
