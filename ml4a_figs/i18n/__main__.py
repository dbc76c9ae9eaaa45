"""`python -m ml4a_figs.i18n`: the command line, given the reader of mkdocs.yml.

The one place the translation package meets the site layer: mkdocs.yml is read with
MkDocs' own YAML loader (its !ENV and !relative tags), which lives in ml4a_figs/site/, so
the modules of this package never import MkDocs.
"""

import sys

from ..site.languages import project
from .cli import main

sys.exit(main(load_project=project))
