"""The `workbench` command line: main.py parses and dispatches, the other modules run commands."""
