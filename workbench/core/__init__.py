"""The domain core: records, text and offsets, the project API and its history.

Nothing in this package imports Textual.
"""
