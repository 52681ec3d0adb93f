"""Helpers shared by the fault tests (tests/faults/)."""

from __future__ import annotations


def one_error(status: int, out: str, err: str, *words: str) -> None:
    """A command failed as bad input must: status 2, nothing on stdout, one ``error:`` line
    (no traceback, no internal error) holding every one of ``words``."""
    assert status == 2, (status, out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, err
