"""The chapter's notebooks, docs/notebooks/NAME.py (jupytext), as targets of the build engine.

source.py reads a notebook and finds what it imports, execute.py runs it in a fresh kernel,
kernel.py is the code that runs inside that kernel, targets.py makes the notebooks targets
of ml4a_figs.pipeline; `python -m ml4a_figs.notebooks` executes the stale ones.
Importing this package imports nothing else (the kernel imports kernel.py at start-up).
"""
