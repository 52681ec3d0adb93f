"""``workbench edit`` (a transcript in the user's editor) and ``workbench restore`` (a backup)."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from workbench.cli import output as out
from workbench.cli.commands import plural, writing
from workbench.cli.registrar import DOC, PROJECT, YES, command
from workbench.core.model import Document
from workbench.core.project import resolve_path
from workbench.core.text import normalise
from workbench.errors import ProjectUnreadable, WorkbenchError
from workbench.privacy.purge import seal_leftovers
from workbench.store import crypto
from workbench.store.tempfiles import edit_prefix

Args = argparse.Namespace


# --------------------------------------------------------------------------- edit
@command("edit", PROJECT, DOC)
def cmd_edit(args: Args) -> int:
    with writing(args) as project:
        doc = project.documents.named(args.doc)
        if project.encrypted:
            raise WorkbenchError(
                f"{project.path} is encrypted, and an editor works on a file: the text would "
                "touch the disk unencrypted. Decrypt, edit and encrypt again on a machine you "
                "trust, or redact with `workbench redact`"
            )
        new_text = edit_in_editor(project.path, doc)
        if new_text == doc.text:
            out.say(f"no changes to {doc.name}")
            return 0
        report = project.documents.edit_text(doc, new_text)
        lost = [
            (project.codebook.path(project.codebook[c.code]), c) for c in report.lost
        ]
    out.say(
        f"edited {doc.name}: {plural(len(report.kept), 'coding')} kept, {len(report.changed)} "
        f"changed, {len(report.reanchored)} re-anchored, "
        f"{len(report.merged)} merged as duplicates, {len(report.lost)} lost"
    )
    for path, coding in lost:
        span = f"[{coding.start}:{coding.end}]"
        out.say(f"  lost: {path} {span} “{out.clip(coding.text)}” (coding {coding.id})")
    if lost:
        out.say("`workbench undo` brings the old text and every lost coding back")
    return 0


def edit_in_editor(project_path: Path, doc: Document) -> str:
    """The text after the user edited it in ``$VISUAL``/``$EDITOR`` (else ``vi``).

    The temporary file sits in the project's own folder (mode 0600, an unpredictable name made
    with O_EXCL), never in a shared /tmp, and is removed afterwards whatever happens; one left
    by a crash is removed by the next writer of the project.
    """

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(editor)
    except ValueError:
        raise WorkbenchError(f"cannot read the editor command {editor!r} ($EDITOR)") from None
    if not command:
        raise WorkbenchError("$VISUAL/$EDITOR is empty; set it to your editor")
    fd, name = tempfile.mkstemp(
        prefix=edit_prefix(project_path, doc.name), suffix=".txt", dir=project_path.parent
    )
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(doc.text.encode("utf-8"))
        try:
            result = subprocess.run([*command, str(tmp)], check=False)
        except OSError as exc:
            raise WorkbenchError(
                f"cannot run the editor {command[0]!r} ({exc.strerror or exc}); "
                "set $VISUAL or $EDITOR"
            ) from None
        if result.returncode != 0:
            raise WorkbenchError(
                f"the editor exited with status {result.returncode}; nothing was changed"
            )
        raw = tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    try:
        text = normalise(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise WorkbenchError("the edited text is not UTF-8; nothing was changed") from None
    if text.endswith("\n") and not doc.text.endswith("\n"):
        text = text[:-1]  # the newline most editors add at the end of the last line
    if not text.strip():
        raise WorkbenchError("the edited text is empty; nothing was changed")
    return text


# --------------------------------------------------------------------------- restore
@command("restore", PROJECT, YES)
def cmd_restore(args: Args) -> int:
    from workbench.store.lock import ProjectLock
    from workbench.store.storage import AtomicJSONStorage, backups

    path = resolve_path(args.project)
    if not path.parent.is_dir():
        raise WorkbenchError(f"no project at {path}")
    lock = ProjectLock(path)
    try:
        lock.acquire()
    except OSError as exc:
        raise WorkbenchError(f"cannot lock {path}: {exc.strerror or exc}") from None
    try:
        for warning in lock.warnings:
            out.note(warning)
        problem = _unreadable_reason(path) if path.exists() else "missing"
        chosen, refused = None, []
        for candidate in backups(path):
            reason = _unreadable_reason(candidate)
            if reason is None:
                chosen = candidate
                break
            refused.append(f"{candidate.name} {reason}")
        if chosen is None:
            tried = "; ".join(refused) if refused else "there are none"
            raise WorkbenchError(f"no readable backup of {path} was found: {tried}")
        stamp = datetime.fromtimestamp(chosen.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
        state = "is missing" if problem == "missing" else (problem or "reads fine")
        data = chosen.read_bytes()
        # an encrypted project never turns plain by a restore: a plain backup is sealed first
        sealer = _project_sealer(path, chosen, data) if _encrypted(path) else None
        reseal = sealer is not None and not crypto.is_sealed(data)
        how = ", encrypted again with the project's passphrase" if reseal else ""
        if not out.agreed(
            f"{path} {state}. Replace it with {chosen.name} (saved {stamp}){how}?",
            yes=args.yes,
            off_terminal=f"{path} {state}; add --yes to replace it with {chosen.name} "
            f"(saved {stamp}){how}",
        ):
            return 1
        aside = None
        try:
            aside = _keep_aside(path) if path.exists() else None
            payload = sealer.seal(data) if reseal else data
            AtomicJSONStorage(path).write_bytes(payload, backup="never")
        except OSError as exc:  # a full disk, a read-only folder: the file is as it was
            if aside is not None:
                aside.unlink(missing_ok=True)
            raise WorkbenchError(
                f"could not restore {path}: {exc.strerror or exc}; nothing was changed"
            ) from None
        sealed = seal_leftovers(path, sealer) if sealer is not None else []
    finally:
        lock.release()
    kept = f"; the previous file is kept as {aside.name}" if aside else ""
    out.say(f"restored {path} from {chosen.name} (saved {stamp}){how}{kept}")
    if sealed:
        out.say(f"{plural(len(sealed), 'plain backup')} beside it encrypted too")
    return 0


def _encrypted(path: Path) -> bool:
    """True when the project at ``path`` is encrypted: its file is (even a damaged one), or,
    when it is missing, one of its backups is."""
    from workbench.store.storage import backups

    for candidate in [path] if path.exists() else backups(path):
        try:
            with candidate.open("rb") as handle:
                sealed = crypto.is_sealed(handle.read(len(crypto.MAGIC)))
        except OSError:
            continue
        if sealed or candidate == path:
            return sealed
    return False


def _project_sealer(path: Path, chosen: Path, data: bytes) -> crypto.Sealer:
    """The sealer of an encrypted project, from the first intact encryption header among the
    chosen backup, the project file and its other backups (the passphrase is asked)."""
    from workbench.store.storage import backups

    for candidate in [chosen, path, *backups(path)]:
        try:
            raw = data if candidate == chosen else candidate.read_bytes()
            if crypto.is_sealed(raw):
                return crypto.sealer_of(raw, path)
        except (OSError, crypto.SealDamaged):
            continue
    raise WorkbenchError(
        f"{path} is encrypted but {chosen.name} is plain text, and no encryption header is "
        "left to encrypt it again with; nothing was changed: decrypt knowingly with "
        f"`cp {chosen} {path}`, then `workbench encrypt {path}`"
    )


def _unreadable_reason(path: Path) -> str | None:
    """Why a file is not a project this Workbench can open (``is ...``), or ``None``."""
    from workbench.core.state import ProjectState
    from workbench.store.migrations import migrate
    from workbench.store.storage import parse

    try:
        data = parse(path.read_bytes(), path)
        data, _ = migrate(data, path)
        ProjectState().load(data)
    except ProjectUnreadable as exc:
        text = str(exc).split("; it was left untouched")[0]  # drop the hint about backups
        prefix = f"{path} "
        return text[len(prefix):] if text.startswith(prefix) else f"is not readable: {text}"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return f"has damaged records ({exc})"
    return None


def _keep_aside(path: Path) -> Path:
    """Copy the current file to ``NAME.broken-<UTC time>`` (mode 0600, never overwriting)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data = path.read_bytes()
    for n in range(1000):
        aside = path.with_name(f"{path.name}.broken-{stamp}" + (f"-{n}" if n else ""))
        try:
            fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:  # no partial copy of the data stays behind
            aside.unlink(missing_ok=True)
            raise
        return aside
    raise WorkbenchError(f"cannot find a free name to keep {path} aside")
