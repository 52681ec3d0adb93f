"""REFI-QDA exchange: export to .qdpx / .qdc and import from them.

- :func:`export_qdpx` / :func:`export_qdc` write files that validate against the REFI-QDA 1.0
  schemas and return an :class:`ExportSummary` (counts and warnings);
- :func:`import_refi` brings a .qdpx or .qdc into a project as one undoable step and returns an
  :class:`ImportSummary`; ``summary.lines()`` gives the lines to print, ``summary.to_json()``
  the ``--json`` value.
"""

from workbench.io.refi.export import export_qdc, export_qdpx
from workbench.io.refi.importer import import_refi
from workbench.io.refi.summary import ExportSummary, ImportSummary

__all__ = ["ExportSummary", "ImportSummary", "export_qdc", "export_qdpx", "import_refi"]
