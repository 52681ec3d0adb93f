"""Confidentiality: pseudonymisation, candidate names, redaction support, encryption at rest.

Nothing here is imported by a plain project open except :mod:`workbench.store.crypto`, which
stays light until a file is actually encrypted (``cryptography`` is imported on first use).
"""
