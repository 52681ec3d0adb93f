"""The domain core: records, text and offsets, the project API and its history.

Nothing in this package imports Textual.
"""

# Reading speaker turns is also how an older project file is brought up to date: importing the
# module tells the store's migrations how (whichever part of the core is imported first).
from workbench.core import turns as _turns  # noqa: F401
