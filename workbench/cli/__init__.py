"""The `workbench` command line: main.py runs a command under the error contract, registrar.py
lists the commands and builds their parsers, the other modules run commands and print."""
