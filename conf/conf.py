"""Sphinx configuration for the Open Psychology Course.

Built as ``sphinx-build -c conf docs build/html``: content lives in ``docs/``,
configuration and the taxonomy here, our extensions in ``tools/extensions/``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# -- Project -------------------------------------------------------------------

project = "Open Psychology Course"
author = "Open Psychology Course contributors"
copyright = "2026, Open Psychology Course contributors"
language = "en"

#: The public address of the site, in one place (sitemap, social previews, canonical links).
SITE_URL = os.environ.get("COURSE_SITE_URL", "https://open-psychology-course.github.io/course/")
#: Where the sources live, for "edit this page" links.
REPOSITORY_URL = "https://github.com/open-psychology-course/course"

# Social cards are off (ogp_social_cards below). sphinxext-opengraph still imports
# its card drawer, and with it matplotlib's pyplot (about a second, on every build,
# even one with nothing to do), whenever matplotlib is installed, as it is for the
# data figures. A None entry in sys.modules makes that import fail, which the
# package handles as "no matplotlib": it prints a notice (swallowed here) and sets
# create_social_card to None. pyproject.toml bounds the version;
# tests/test_build_modes.py fails if the drawer is imported again.
sys.modules.setdefault("sphinxext.opengraph._social_cards", None)  # type: ignore[assignment]
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "notfound.extension",
    "tools.extensions",
]

root_doc = "index"
exclude_patterns: list[str] = []
nitpicky = True

# -- Course taxonomy -------------------------------------------------------------

course_taxonomy = "taxonomy.yaml"

# -- MyST: only the syntax the course uses; no raw HTML from pages ----------------

# One source: `course check` reads pages with the same settings (tools/course/reader.py).
from tools.course.reader import MYST_SETTINGS  # noqa: E402

myst_enable_extensions = list(MYST_SETTINGS["enable_extensions"])
myst_disable_syntax = list(MYST_SETTINGS["disable_syntax"])
myst_heading_anchors = MYST_SETTINGS["heading_anchors"]
myst_url_schemes = dict(MYST_SETTINGS["url_schemes"])

# -- References ---------------------------------------------------------------------

bibtex_bibfiles = [str(ROOT / "docs" / "references.bib")]
# APA 7 as the manual sets it out: tools/extensions/citations.py
bibtex_default_style = "apa7_course"
bibtex_reference_style = "author_year_round"  # registered by tools.extensions.citations
# Each article ends with its own reference list, so a classic work cited by
# several articles appears in several lists; citations resolve to the list on
# the same page, which is what bibtex's duplicate_citation warning is about.
suppress_warnings = ["bibtex.duplicate_citation"]

# -- HTML ---------------------------------------------------------------------------

html_theme = "furo"
html_title = project
html_baseurl = SITE_URL
html_theme_options = {
    "source_repository": REPOSITORY_URL,
    "source_branch": "main",
    "source_directory": "docs/",
}
html_copy_source = False  # page sources hold answers and teaching notes
html_show_sourcelink = False
graphviz_output_format = "svg"  # inline SVG: scales, text stays text, dark mode (diagrams.py)
# Enforced by tools/extensions/guard.py whatever is set here (pages are untrusted):
# diagrams are drawn by tools/extensions/safe_dot.sh (dot with memory/CPU/time limits),
# maths is written as MathML at build time (no MathJax, no CDN), and no image
# links to its raw file.
html_math_renderer = "mathml"
html_scaled_image_link = False

# -- PDF handouts ---------------------------------------------------------------------
# Which handouts exist comes from the taxonomy (tools/extensions/handouts.py): one per
# course, or the category/article chosen with -D course_handout=...; the `handout`
# builder writes them as HTML and tools/outputs/pdfbuild.py prints tagged PDF/UA-1.

release = ""

# -- Sharing and hosting -----------------------------------------------------------------

ogp_site_url = SITE_URL
ogp_site_name = project
ogp_type = "article"
ogp_social_cards = {"enable": False}  # would need matplotlib; the summary is the preview
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
notfound_urls_prefix = "/" + SITE_URL.split("://", 1)[-1].partition("/")[2]
# The 404 page's words and links (home page, search box): tools/extensions/reader.py.
