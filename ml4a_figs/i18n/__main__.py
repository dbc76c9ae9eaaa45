"""`python -m ml4a_figs.i18n`: the translators' command line (cli.py)."""

import sys

from .cli import main

sys.exit(main())
