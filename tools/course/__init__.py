"""The course model: taxonomy, front matter, the page reader, check rules, the catalog.

Nothing in this package imports Sphinx: ``course check``, ``course new`` and
``course list`` run on it alone, and the Sphinx layer (``tools.extensions``)
builds on it. A test asserts the rule (tests/test_layers.py).
"""
