"""Readers for each transcript format; :mod:`workbench.io.importers` is the public entry point.

Each reader takes what it needs (bytes or decoded text) and returns the normalised text and its
paragraphs. The libraries they use are imported lazily, so the command line starts fast.
"""
