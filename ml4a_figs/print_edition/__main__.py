import sys

from .edition import main

sys.exit(main())
