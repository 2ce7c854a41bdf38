# ``tools`` is installed into the test environment (``pip install -e .``).
project = "Course test: specifications"
extensions = ["myst_parser", "sphinx_design", "tools.extensions"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_disable_syntax = ["html_block", "html_inline"]
course_taxonomy = "taxonomy.yaml"
html_theme = "furo"
nitpicky = True
