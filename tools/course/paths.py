"""Where pages live: docnames for articles and for the generated taxonomy pages."""

from __future__ import annotations

from .frontmatter import ARTICLES_DIR
from .taxonomy import Kind, Taxonomy

#: Folder of ``docs/`` that the build writes its generated sources into (git-ignored).
GENERATED_DIR = "browse"

FOLDERS: dict[str, str] = {
    Kind.LEVEL: "levels",
    Kind.COURSE: "courses",
    Kind.CATEGORY: "categories",
    Kind.SUBJECT: "subjects",
    Kind.TOPIC: "topics",
}
_KINDS = {folder: Kind(kind) for kind, folder in FOLDERS.items()}

#: Generated pages that are not one taxonomy entry.
TOPICS_PAGE = f"{GENERATED_DIR}/topics"
CATEGORIES_PAGE = f"{GENERATED_DIR}/index"
A_TO_Z_PAGE = f"{GENERATED_DIR}/a-z"
#: Folder of the generated specification coverage pages, one per conf/specifications/ file.
SPECIFICATIONS_DIR = f"{GENERATED_DIR}/specifications"


def article_docname(slug: str) -> str:
    return f"{ARTICLES_DIR}/{slug}"


def article_slug(docname: str) -> str:
    return docname.removeprefix(ARTICLES_DIR + "/")


def generated_docname(kind: str, slug: str) -> str:
    return f"{GENERATED_DIR}/{FOLDERS[kind]}/{slug}"


def specification_docname(spec_id: str) -> str:
    return f"{SPECIFICATIONS_DIR}/{spec_id}"


def parse_specification(docname: str) -> str | None:
    """The specification id of a coverage page's docname, else None."""
    prefix = SPECIFICATIONS_DIR + "/"
    return docname.removeprefix(prefix) if docname.startswith(prefix) else None


def parse_generated(docname: str) -> tuple[Kind, str] | None:
    """(kind, slug) for a generated taxonomy page's docname, else None."""
    parts = docname.split("/")
    if len(parts) == 3 and parts[0] == GENERATED_DIR and parts[1] in _KINDS:
        return _KINDS[parts[1]], parts[2]
    return None


def page_title(taxonomy: Taxonomy, kind: str, slug: str) -> str:
    """The H1 of a generated page (categories are spelt out with their course)."""
    if kind == "category":
        return taxonomy.category_label(slug)
    return str(taxonomy.get(kind, slug).title)
