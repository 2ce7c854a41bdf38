"""The course's Sphinx extensions.

``conf.py`` loads this package as one extension; each module adds one
feature through its ``setup_<feature>(app)`` function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .articles import setup_articles
from .assessment import setup_assessment
from .caches import setup_caches
from .citations import setup_citations
from .config import setup_config
from .contentnote import setup_contentnote
from .coursemap import setup_coursemap
from .datafigure import setup_datafigure
from .domain import setup_domain
from .epubbuilder import setup_epub
from .fewpages import setup_fewpages
from .gcpolicy import setup_gcpolicy
from .generate import setup_generate
from .guard import setup_guard
from .handouts import setup_handouts
from .htmlpage import setup_htmlpage
from .incremental import setup_incremental
from .listings import setup_listings
from .mathml import setup_mathml
from .navigation import setup_navigation
from .outputscan import setup_outputscan
from .pagesource import setup_pagesource
from .parallelread import setup_parallelread
from .questions import setup_questions
from .reader import setup_reader
from .search import setup_search
from .sitemap import setup_sitemap
from .specification import setup_specification
from .templatecache import setup_templatecache
from .terms import setup_terms

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

#: Bump when the records stored on the environment change shape.
ENV_VERSION = 5


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.graphviz")
    setup_gcpolicy(app)
    setup_caches(app)
    setup_config(app)
    setup_citations(app)
    setup_pagesource(app)
    setup_guard(app)
    setup_mathml(app)
    setup_questions(app)
    setup_contentnote(app)
    setup_assessment(app)
    setup_datafigure(app)
    setup_domain(app)
    setup_listings(app)
    setup_navigation(app)
    setup_articles(app)
    setup_coursemap(app)
    setup_specification(app)
    setup_generate(app)
    setup_incremental(app)
    setup_fewpages(app)
    setup_parallelread(app)
    setup_handouts(app)
    setup_epub(app)
    setup_htmlpage(app)
    setup_templatecache(app)
    setup_terms(app)
    setup_reader(app)
    setup_sitemap(app)
    setup_search(app)
    setup_outputscan(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
