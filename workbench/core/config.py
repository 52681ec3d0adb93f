"""The user's configuration file: coder name, settings of the terminal workbench and key
bindings.

``$WORKBENCH_CONFIG``, else ``$XDG_CONFIG_HOME/workbench/config.toml`` (``~/.config/...``)::

    coder = "aigerim"
    snap_to_words = false   # selections keep the characters chosen (default: whole words)

    [keys]
    code = "c"          # action name = key(s), comma-separated
    next_coding = "n,f"
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError


@dataclass(slots=True)
class Config:
    """Settings read from the config file, with defaults."""

    coder: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    blind: bool = False  # blind coding: show only my own codings (or WORKBENCH_BLIND=1)
    snap_to_words: bool = True  # a selection in the transcript grows to whole words


def config_path() -> Path:
    """Where the config file is looked for."""
    explicit = os.environ.get("WORKBENCH_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "workbench" / "config.toml"


def load_config() -> Config:
    """Read the config file; a missing file gives the defaults, a broken one an error."""
    path = config_path()
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return Config(path=None)
    except OSError as exc:
        raise WorkbenchError(f"cannot read the config file {path}: {exc.strerror}") from None
    import tomllib  # only when there is a file to read (~2 ms of every start otherwise)

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise WorkbenchError(f"the config file {path} is not valid TOML: {exc}") from None
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise WorkbenchError(f"[keys] in {path} must map action names to key strings")
    coder = data.get("coder")
    if coder is not None and not isinstance(coder, str):
        raise WorkbenchError(f"coder in {path} must be a string")
    flags = {}
    for name, default in (("blind", False), ("snap_to_words", True)):
        flags[name] = data.get(name, default)
        if not isinstance(flags[name], bool):
            raise WorkbenchError(f"{name} in {path} must be true or false (a TOML boolean)")
    return Config(coder=coder or None, keys=dict(keys), path=path, **flags)


def default_coder(config: Config | None = None) -> str:
    """The coder name: the config file's, else the OS user name."""
    config = config or load_config()
    if config.coder:
        return config.coder
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "coder"
