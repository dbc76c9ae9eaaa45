"""The training core: data, losses, optimizers and networks, in numpy alone.

It returns arrays and never draws; figures, notebooks and tests reuse the same
computation. It imports no matplotlib, MkDocs or notebook machinery (tests/test_layers.py).
"""
