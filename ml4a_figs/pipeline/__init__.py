"""The build engine: everything computed and cached (figures, facts, notebooks) is a
target with a content key, a stamp and atomically written outputs (engine.py, store.py,
workers.py); keys.py hashes the code a target reaches; figures.py makes the declared
figures targets; cli.py is `python -m ml4a_figs`."""
