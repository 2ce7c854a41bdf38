"""Configuration values, and the taxonomy loaded once from the file they name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sphinx.errors import ConfigError

from tools.course.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

T = TypeVar("T")

_LOADED: dict[str, Taxonomy] = {}


def load_once(cache: dict[str, T], key: str, load: Callable[[], T], error: type[Exception]) -> T:
    """A data file of conf/ read once per process; its *error* (file:line) stops the build."""
    if key not in cache:
        try:
            cache[key] = load()
        except error as exc:
            raise ConfigError(str(exc)) from None
    return cache[key]


def _load(path: str) -> Taxonomy:
    return load_once(_LOADED, path, lambda: load_taxonomy(path), TaxonomyError)


def taxonomy_for(config: Config) -> Taxonomy:
    """The taxonomy a configuration names (loaded at config time; reloaded in a fresh process)."""
    return _load(config.course_taxonomy)


def taxonomy_of(env: BuildEnvironment) -> Taxonomy:
    return taxonomy_for(env.config)


def _resolve(app: Sphinx, config: Config) -> None:
    """Make the taxonomy path absolute, load it, and record its digest.

    The digest is a config value with rebuild ``'env'``: editing the taxonomy
    re-reads every page, since pages check their front matter against it.
    """
    path = Path(app.confdir, config.course_taxonomy).resolve()
    config.course_taxonomy = str(path)
    _LOADED.pop(str(path), None)
    config.course_taxonomy_digest = _load(str(path)).digest


def setup_config(app: Sphinx) -> None:
    app.add_config_value("course_taxonomy", "taxonomy.yaml", "env", types=frozenset({str}))
    app.add_config_value("course_taxonomy_digest", "", "env", types=frozenset({str}))
    app.connect("config-inited", _resolve, priority=100)
