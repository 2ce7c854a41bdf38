# A small site with data figures (tests/test_data_figure.py); ``tools`` is installed.
project = "Data figure test"
extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.bibtex", "tools.extensions"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_disable_syntax = ["html_block", "html_inline"]
course_taxonomy = "taxonomy.yaml"
html_theme = "furo"
nitpicky = True
bibtex_bibfiles = ["references.bib"]
bibtex_reference_style = "author_year_round"
