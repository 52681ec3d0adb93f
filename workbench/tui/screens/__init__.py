"""Screens of the TUI: the main three-pane screen and the modal screens it opens."""
