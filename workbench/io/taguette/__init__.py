"""Taguette exchange: import its project export (.sqlite3) and its highlights or codebook CSV.

:func:`import_taguette` brings a file into a project as one undoable step and returns an
:class:`~workbench.io.refi.summary.ImportSummary`. The other way, Taguette reads the codebook
CSV of :mod:`workbench.io.codebook_csv`.
"""

from workbench.io.taguette.importer import import_taguette

__all__ = ["import_taguette"]
