"""The figures: one module per chapter section, the drawing helpers they share
(animation.py, diagrams.py), and the numbers the prose quotes (facts.py). Each figure is
declared with `registry.declare`; compute functions call the training core, draw
functions only plot the arrays they are given, in the style.Theme they are handed first
(`draw(theme, **arrays)`: its colours and layout, never a module's current state)."""
