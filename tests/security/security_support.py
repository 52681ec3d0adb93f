"""Helpers shared by the attack tests in this folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The console script installed beside this Python.
WORKBENCH = Path(sys.executable).parent / "workbench"
#: The transcript of the study every attack test starts from.
TEXT = "Interviewer: Почему?\nRespondent 3: Anger at the state, said Dana Sultanova.\n"


def run_workbench(*args: object, cwd: Path | None = None, stdout=subprocess.PIPE,
                  env: dict[str, str] | None = None, timeout: float = 60,
                  ) -> subprocess.CompletedProcess[bytes]:
    """The real command in a process of its own (stdin is not a terminal)."""
    return subprocess.run(
        [str(WORKBENCH), *(str(a) for a in args)],
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})}, timeout=timeout, check=False,
    )


def names(folder: Path) -> set[str]:
    """The names in a folder."""
    return {p.name for p in folder.iterdir()}
