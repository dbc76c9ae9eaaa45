"""The chapter's notebooks, docs/notebooks/NAME.py (jupytext), as targets of the build
engine: execute.py reads and runs them, kernel.py runs inside the kernel, targets.py keys
them; `python -m ml4a_figs.notebooks` executes the stale ones. Importing this package
imports nothing else (the kernel imports kernel.py at start-up)."""
