"""Analysis over a whole project: reports and search across the study.

Pure functions over a :class:`workbench.core.project.Project` that return plain data; printing
belongs to the command line and the TUI.
"""
