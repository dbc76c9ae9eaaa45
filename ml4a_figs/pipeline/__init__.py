"""The build engine (engine.py, store.py): everything computed and cached is a target with
a content key (keys.py), a stamp and atomically written outputs; figures.py makes the
declared figures targets; cli.py is `python -m ml4a_figs`."""
