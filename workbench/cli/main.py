"""``workbench``: the command line's entry point: dispatch and the error contract.

User errors print one ``error: ...`` line on stderr and exit 2; an unexpected failure prints
``error: internal error: ...`` and exits 1 (with the traceback when ``WORKBENCH_DEBUG=1``).
The commands are listed in :mod:`workbench.cli.registrar`; only the one that runs is imported,
so ``--help`` and the other commands never load Textual, and ``workbench PROJECT`` loads no
other command on its way to the full-screen interface.
"""

from __future__ import annotations

import os
import sys

from workbench.cli import output as out
from workbench.cli.registrar import COMMANDS, PROG, UsageError, build_parser, defined
from workbench.errors import WorkbenchError


def _with_open(argv: list[str]) -> list[str]:
    """``workbench PROJECT`` means ``workbench open PROJECT``; a near-miss is a typo."""
    first = argv[0]
    if first.startswith("-") or first in COMMANDS:
        return argv
    if len(argv) > 1 and not os.path.exists(first):
        import difflib

        close = difflib.get_close_matches(first, sorted(COMMANDS), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise UsageError(f"unknown command {first!r}{hint} (see `{PROG} --help`)")
    return ["open", *argv]


def run(argv: list[str]) -> int:
    """Parse ``argv`` and run its command; errors are raised, not printed (see :func:`main`)."""
    if not argv:
        build_parser().print_help()
        return 0
    if len(argv) == 1 and argv[0] not in COMMANDS and not argv[0].startswith("-") \
            and os.path.exists(argv[0]):
        # `workbench PROJECT`: straight to the full-screen interface, no parser built, and
        # no cycle collection until its first frame (see collector_paused)
        from workbench.core.collector import collector_paused

        with collector_paused() as first_frame_shown:
            from workbench.cli.opening import open_project

            return open_project(argv[0], first_frame_shown)
    argv = _with_open(argv)
    chosen = next((word for word in argv if word in COMMANDS), None)
    args = build_parser(chosen).parse_args(argv)
    return defined(args.command).run(args)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        out.check_arguments(argv)
        return run(argv)
    except (WorkbenchError, UsageError) as exc:
        _error(str(exc))
        return 2
    except MemoryError:
        _error("out of memory: the input is too large to handle here (nothing was saved)")
        return 2
    except UnicodeError as exc:
        if "surrogate" not in str(exc):
            return _internal(exc)
        _error("a name or text is not valid UTF-8 (bytes in another encoding); nothing was "
               "saved")
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except Exception as exc:  # the last line of defence
        return _internal(exc)


def _internal(exc: Exception) -> int:
    if os.environ.get("WORKBENCH_DEBUG") == "1":
        import traceback

        traceback.print_exc()
    _error(f"internal error: {type(exc).__name__}: {exc}")
    return 1


def _error(message: str) -> None:
    out.error(message)


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
