"""The site layer: the only package that imports MkDocs."""
