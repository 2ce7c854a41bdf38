"""An EPUB 3 book from pages of HTML: XHTML content documents, a cover, packaging.

No Sphinx here: the ``course-epub`` builder (epubbuilder.py) hands over each
page's HTML body and title; this module makes them what EPUB readers and
EPUBCheck expect. Sphinx writes HTML5, which is not always well-formed XML
(``<img ...>``), so each page is parsed with an HTML5 parser (tinyhtml5,
which puts inline SVG and MathML in their own namespaces, as a browser
does) and written out as XHTML. Images are taken only from the build's own
folders; one that is anywhere else is left out and its alt text printed in
its place. The OPF package, nav document and NCX are ebooklib's; content
documents are added as ready-made items so ebooklib does not re-parse them.
"""

from __future__ import annotations

import datetime
import html
import mimetypes
import textwrap
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import tinyhtml5  # type: ignore[import-untyped]
from ebooklib import epub  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
OPS = "http://www.idpf.org/2007/ops"
_XMLNS_ATTR = "{http://www.w3.org/2000/xmlns/}"
#: Image types every EPUB 3 reader shows (core media types).
IMAGE_TYPES = frozenset({"image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp"})
CSS_NAME = "epub.css"
COVER_NAME = "cover.svg"


@dataclass
class Part:
    """One content document: a page of the course, or a page made here."""

    file: str
    title: str
    body: str  # HTML of the page's content (what goes inside <body>)
    body_class: str = ""
    #: The epub:type of the page's <body> (structural semantics for reading systems).
    kind: str = "chapter"


@dataclass
class NavEntry:
    file: str
    title: str
    children: list[NavEntry] = field(default_factory=list)


@dataclass(frozen=True)
class BookInfo:
    """What the package says about the book."""

    slug: str
    title: str
    subtitle: str
    description: str
    keywords: tuple[str, ...]
    language: str
    author: str
    publisher: str
    rights: str
    site: str
    built: datetime.datetime


class Images:
    """The images the pages show, each read once, only from the allowed folders."""

    def __init__(self, roots: list[Path], found: dict[str, Path]) -> None:
        self.roots = [r.resolve() for r in roots]
        self.found = found  # src as written in the HTML -> its file, where known
        self.items: dict[Path, str] = {}
        self.refused: list[str] = []

    def href(self, src: str, base: Path) -> str | None:
        """The image's name inside the EPUB, or None when it may not (or cannot) be used."""
        if src == COVER_NAME:  # the book's own cover, added by write_book
            return src
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            self.refused.append(src)
            return None
        path = self.found.get(src) or (base / unquote(parts.path))
        path = path.resolve()
        kind = mimetypes.guess_type(path.name)[0]
        if (
            not any(path.is_relative_to(r) for r in self.roots)
            or not path.is_file()
            or kind not in IMAGE_TYPES
        ):
            self.refused.append(src)
            return None
        if path not in self.items:
            self.items[path] = f"images/{len(self.items) + 1}-{path.name}"
        return self.items[path]


def _copy(source: ElementTree.Element, parent: Any, parent_ns: str) -> Any:
    """An ElementTree element (with its subtree) as lxml, each foreign root declaring its namespace."""
    ns = str(source.tag)[1:].partition("}")[0]
    attrib = {k: v for k, v in source.attrib.items() if not k.startswith(_XMLNS_ATTR)}
    nsmap = {None: ns} if ns != parent_ns else None
    if parent is None:
        element = etree.Element(source.tag, attrib, nsmap={None: XHTML, "epub": OPS})
    else:
        element = etree.SubElement(parent, source.tag, attrib, nsmap=nsmap)
    element.text = source.text
    for child in source:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            if child.tail:
                last = element[-1] if len(element) else None
                if last is None:
                    element.text = (element.text or "") + child.tail
                else:
                    last.tail = (last.tail or "") + child.tail
            continue
        copied = _copy(child, element, ns)
        copied.tail = child.tail
    return element


def xhtml(part: Part, language: str, images: Images, base: Path) -> tuple[bytes, list[str]]:
    """The page as an XHTML content document, and its manifest properties (mathml, svg)."""
    esc = html.escape
    classes = f' class="{esc(part.body_class)}"' if part.body_class else ""
    page = (
        f'<!DOCTYPE html><html lang="{esc(language)}"><head><meta charset="utf-8">'
        f"<title>{esc(part.title)}</title>"
        f'<link rel="stylesheet" type="text/css" href="{CSS_NAME}"></head>'
        f"<body{classes}>{part.body}</body></html>"
    )
    root = _copy(tinyhtml5.parse(page), None, XHTML)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    body = root.find(f"{{{XHTML}}}body")
    if part.kind and body is not None:
        body.set(f"{{{OPS}}}type", part.kind)
    for img in list(root.iter(f"{{{XHTML}}}img")):
        name = images.href(img.get("src", ""), base)
        if name is None:
            note = etree.Element(f"{{{XHTML}}}span", {"class": "image-left-out"})
            note.text = f"[Image: {img.get('alt') or 'not included'}]"
            note.tail = img.tail
            img.getparent().replace(img, note)
        else:
            img.set("src", name)
            img.set("alt", img.get("alt") or "")
    properties = []
    if next(root.iter(f"{{{MATHML}}}math"), None) is not None:
        properties.append("mathml")
    if next(root.iter(f"{{{SVG}}}svg"), None) is not None:
        properties.append("svg")
    text = etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")
    return text, properties


def cover_svg(info: BookInfo) -> str:
    """A cover drawn as SVG from the course's title, level and the site's name (no assets)."""
    esc = html.escape
    lines = textwrap.wrap(info.title, 14) or [info.title]
    size = 56 if len(lines) <= 3 else 44
    top = 330 - (len(lines) - 1) * size * 0.6
    title = "".join(
        f'<tspan x="60" y="{top + i * size * 1.2:.0f}">{esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    kicker = "".join(  # "University modules · Student edition" on two lines
        f'<tspan x="60" y="{130 + i * 36}">{esc(line)}</tspan>'
        for i, line in enumerate(info.subtitle.split(" · "))
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="{SVG}" version="1.1" viewBox="0 0 600 900" width="600" height="900" role="img" aria-label="{esc(cover_alt(info))}">
<rect width="600" height="900" fill="#16324f"/>
<rect x="40" y="40" width="520" height="820" fill="none" stroke="#f2c14e" stroke-width="4"/>
<text font-family="serif" font-size="28" fill="#f2c14e">{kicker}</text>
<text font-family="serif" font-size="{size}" font-weight="bold" fill="#ffffff">{title}</text>
<text x="60" y="800" font-family="serif" font-size="26" fill="#ffffff">{esc(info.publisher)}</text>
</svg>
"""


def cover_alt(info: BookInfo) -> str:
    return f"Cover: {info.title}, {info.subtitle}, {info.publisher}"


def cover_page(info: BookInfo) -> Part:
    body = f'<section class="cover"><img src="{COVER_NAME}" alt="{html.escape(cover_alt(info))}"/></section>'
    return Part("cover.xhtml", info.title, body, "cover", "cover")


def title_page(info: BookInfo, version: str) -> Part:
    """Title, level and edition, the site, the licence with its attribution, build date."""
    esc = html.escape
    site = (
        f'<p class="site">Online: <a href="{esc(info.site)}">{esc(info.site)}</a></p>'
        if info.site
        else ""
    )
    body = f"""<section class="title-page">
<p class="kicker">{esc(info.subtitle)}</p>
<h1>{esc(info.title)}</h1>
<p class="publisher">{esc(info.publisher)}</p>
{site}
<p class="licence">{esc(info.rights)}</p>
<p class="version">Built {info.built.date().isoformat()}, version {esc(version or "unversioned")}.</p>
</section>"""
    return Part("title.xhtml", info.title, body, "title", "titlepage")


def _identifier(info: BookInfo) -> str:
    """The same for every build of a course (readers match editions of one book by it)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (info.site or 'course:') + info.slug)}"


def _links(entries: list[NavEntry]) -> list[Any]:
    out: list[Any] = []
    for entry in entries:
        if entry.children:
            out.append((epub.Section(entry.title, entry.file), _links(entry.children)))
        else:
            out.append(epub.Link(entry.file, entry.title, entry.file.removesuffix(".xhtml")))
    return out


def write_book(
    path: Path,
    info: BookInfo,
    parts: list[Part],
    nav: list[NavEntry],
    images: Images,
    base: Path,
    css: str,
) -> None:
    """Package the book: cover, title page and contents first, then *parts* in order."""
    book = epub.EpubBook()
    book.set_identifier(_identifier(info))
    book.set_title(info.title)
    book.set_language(info.language)
    book.add_author(info.author)
    book.add_metadata("DC", "publisher", info.publisher)
    book.add_metadata("DC", "rights", info.rights)
    book.add_metadata("DC", "description", info.description)
    book.add_metadata("DC", "date", info.built.date().isoformat())
    for keyword in info.keywords:
        book.add_metadata("DC", "subject", keyword)
    for prop, value in (
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityFeature", "MathML"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "Headings follow the course's structure; every image and diagram has a text "
            "description; maths is MathML; answers are collected at the end of each chapter.",
        ),
    ):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.set_cover(COVER_NAME, cover_svg(info).encode("utf-8"), create_page=False)
    book.add_item(epub.EpubItem("style", CSS_NAME, "text/css", css.encode("utf-8")))
    spine: list[Any] = []
    for part in parts:
        content, properties = xhtml(part, info.language, images, base)
        item = epub.EpubItem(
            part.file.removesuffix(".xhtml"), part.file, "application/xhtml+xml", content
        )
        item.properties = properties
        book.add_item(item)
        spine.append(item)
        if part.file == "title.xhtml":
            book.add_item(epub.EpubNav(title="Contents"))
            spine.append("nav")
    for source, name in images.items.items():
        kind = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        book.add_item(epub.EpubImage(file_name=name, media_type=kind, content=source.read_bytes()))
    book.add_item(epub.EpubNcx())
    book.toc = _links(nav)
    book.spine = spine
    first = next((p.file for p in parts if p.kind == "chapter"), parts[-1].file)
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
        {"type": "text", "href": first, "title": "Start reading"},
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    epub.write_epub(
        str(path),
        book,
        {
            "epub3_pages": False,
            "epub2_guide": False,
            "raise_exceptions": True,
            "mtime": info.built,
            "landmark_title": "Landmarks",
        },
    )
