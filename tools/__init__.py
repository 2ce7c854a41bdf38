"""Build tooling for the course: Sphinx extensions and command-line tools."""
