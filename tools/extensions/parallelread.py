"""A parallel read shares the pages out once: one share per worker, not one per batch.

Sphinx cuts the pages to read into batches of about √(10·pages/workers) (19
batches at 1,000 articles) and forks a worker for each. Every worker sends
the whole environment back pickled, and a batch forked late inherits all
that earlier batches merged, so the main process unpickles more with each
batch (38 MB at 1,000 articles, 4 s of a core the workers needed) and each
fork warms its caches again. With one share per job (``make html`` passes
three on two cores) the pickles hold only what each worker read (5.2 MB) and
the read phase of a fresh ``-j 3`` build of the bench's 1,000-article corpus
(tools/outputs/bench.py) took 9-13 s against 13-17 s (this machine's runs
vary by a third).

The shares interleave the pages (every n-th page), so each worker gets the
same mix of long articles and short listing pages and they finish together.
Everything else is Sphinx's own ``Builder._read_parallel`` (Sphinx 9.0,
which pyproject.toml bounds): purge, read, pickle back, merge. A build that
reads in this process (``-j 1``, or few pages: fewpages.py) is unchanged.
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


def shares(docnames: list[str], workers: int) -> list[list[str]]:
    """*docnames* dealt out to *workers* (every n-th page each), none empty."""
    return [docnames[i::workers] for i in range(min(workers, len(docnames)))]


class CourseHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, reading in parallel with one share of the pages per worker."""

    def _read_parallel(self, docnames: list[str], nproc: int) -> None:
        chunks = shares(docnames, nproc)
        progress = status_iterator(
            chunks, __("reading sources... "), "purple", len(chunks), self.config.verbosity
        )
        for docname in docnames:  # as Sphinx does: clear every outdated page at once
            self.events.emit("env-purge-doc", self.env, docname)
            self.env.clear_doc(docname)

        def read_process(docs: list[str]) -> bytes:
            self.env._app = self._app
            for docname in docs:
                self.read_doc(docname, _cache=False)
            return pickle.dumps(self.env, pickle.HIGHEST_PROTOCOL)

        def merge(docs: list[str], otherenv: bytes) -> None:
            env = pickle.loads(otherenv)
            self.env.merge_info_from(docs, env, self._app)
            next(progress)

        tasks = ParallelTasks(nproc)
        for chunk in chunks:
            tasks.add_task(read_process, chunk, merge)
        tasks.join()
        logger.info("")


def setup_parallelread(app: Sphinx) -> None:
    app.add_builder(CourseHTMLBuilder, override=True)
