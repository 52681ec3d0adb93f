"""Workbench: a keyboard-driven terminal workbench for qualitative coding of transcripts."""

__version__ = "0.1.0"
