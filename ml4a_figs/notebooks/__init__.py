"""The chapter's notebooks, docs/notebooks/NAME.py (jupytext), as targets of the build
engine: source.py reads them, execute.py runs one in a fresh kernel, kernel.py runs inside
it, targets.py keys them; `python -m ml4a_figs.notebooks` executes the stale ones.
Importing this package imports nothing else (the kernel imports kernel.py at start-up)."""
