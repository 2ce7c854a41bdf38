"""The theme's templates are compiled once, not on every build.

Sphinx's template environment has no bytecode cache, so every build, even
one that writes a single page, compiles furo's and our templates from source
again (a third of a second, a tenth of a one-page rebuild). Jinja's own
file cache keeps the compiled code beside the doctrees, keyed by template
name and a checksum of its source, so an edited template is compiled afresh.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemBytecodeCache

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Where the compiled templates are kept, inside the doctree folder (the build's cache).
CACHE_DIR = "course-templates"


def _use_cache(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None:  # a builder without HTML templates
        return
    folder = Path(app.doctreedir, CACHE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup_templatecache(app: Sphinx) -> None:
    app.connect("builder-inited", _use_cache)
