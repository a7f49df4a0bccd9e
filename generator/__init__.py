"""Paper Atlas: saved Hugging Face Papers listings in, a Markdown site for MkDocs out."""

__version__ = "0.1.0"
"""The release; pyproject.toml reads it (`[tool.setuptools.dynamic]`)."""
