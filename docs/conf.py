"""Sphinx configuration of django-webotp's documentation (bash scripts/docs builds it)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))  # webotp_reference: the tables generated from the code

project = "django-webotp"
author = "django-webotp developers"
copyright = "django-webotp developers"  # noqa: A001 (Sphinx's name)
release = re.search(
    r'^__version__ = "([^"]+)"', (HERE.parent / "django_webotp" / "__init__.py").read_text(), re.M
).group(1)  # type: ignore[union-attr]
version = release

extensions = ["myst_parser", "webotp_reference"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "README.md"]

# Headings get GitHub's anchors, so "page.md#a-heading" links work on GitHub and here; a link
# to an anchor or a page that does not exist is a warning, and -W makes it an error.
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence", "deflist", "html_image"]
nitpicky = True
# Links out of the site (the README, bench/, the code) point at GitHub; linkcheck tries them.
linkcheck_anchors = False
linkcheck_timeout = 15

html_theme = "furo"
html_title = f"django-webotp {release}"
html_static_path = ["_static"]
# The OpenAPI document, served beside the pages as /openapi.json.
html_extra_path = ["../django_webotp/api/openapi.json"]
pygments_style = "sphinx"
