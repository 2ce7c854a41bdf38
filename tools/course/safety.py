"""What a contributed page may contain: the allowlists both ``course check`` and the build apply.

One list, two callers: the checker reports a breach at file:line, the build's
guard (tools/extensions/guard.py) refuses it. Nothing here imports Sphinx.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def unsafe_scheme(uri: str) -> str | None:
    """The scheme of a URI that may not appear on the site (javascript:, data:, file:...)."""
    match = _SCHEME.match(uri.replace("\x00", ""))
    if not match:
        return None
    scheme = match.group(1).lower()
    return None if scheme in SAFE_SCHEMES else scheme
