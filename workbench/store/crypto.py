"""Encryption at rest: the whole project file sealed with AES-256-GCM under a passphrase.

File layout (``v1``)::

    WORKBENCH-ENCRYPTED v1\\n
    {"check": B64, "cipher": "AES-256-GCM", "kdf": "scrypt", "n": N, "nonce": B64, "p": P,
     "r": R, "salt": B64}\\n
    CIPHERTEXT-AND-TAG

The key comes from scrypt over the passphrase (NFC) and the file's random 16-byte salt: 64
bytes, the first 32 the AES key, the last 32 the key of a short check value that tells a wrong
passphrase from a damaged file. Every write takes a new random 12-byte nonce; everything
before the ciphertext (magic line and header) is authenticated as associated data, so a flipped
byte anywhere is detected. The key is derived once per process and kept in memory only; the
plaintext never touches the disk (it is sealed in memory and the sealed bytes written
atomically).

The passphrase comes from a module-level provider: by default ``WORKBENCH_PASSPHRASE``, else a
no-echo prompt on the terminal (before any full-screen interface starts, since every open goes
through :meth:`AtomicJSONStorage.read`), else an error. Tests and other front ends may set
their own with :func:`set_passphrase_provider`.

``cryptography`` is imported only when a sealed file is met or made, so plain projects do not
pay for it.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

#: The first line of every encrypted project file.
MAGIC = b"WORKBENCH-ENCRYPTED v1\n"
#: The environment variable the default provider reads.
PASSPHRASE_ENV = "WORKBENCH_PASSPHRASE"
#: scrypt cost for new files: about 0.24 s and 64 MiB on a 2-core machine of 2024.
KDF_N = 2**16
KDF_R = 8
KDF_P = 1
#: A new passphrase must be at least this long.
MIN_PASSPHRASE = 8
#: Tries at the terminal before giving up.
TERMINAL_TRIES = 3

_CHECK_LABEL = b"workbench key check v1"
_HEADER_LIMIT = 4096


class WrongPassphrase(WorkbenchError):
    """The passphrase does not open the file."""


class SealDamaged(Exception):
    """An encrypted file that is not intact; ``str(exc)`` says why (``damaged ...``)."""


class OtherKey(Exception):
    """An encrypted file sealed with another passphrase or salt than the sealer at hand."""


#: ``provider(path, new=..., attempt=...)`` returns a passphrase or raises WorkbenchError.
#: ``new`` is True when a passphrase is being chosen; ``attempt`` counts earlier wrong tries.
PassphraseProvider = Callable[..., str]


# --------------------------------------------------------------------------- the sealer
@dataclass(frozen=True, slots=True)
class Sealer:
    """A derived key with its salt and scrypt cost: seals bytes as one encrypted file."""

    key: bytes
    salt: bytes
    n: int
    r: int
    p: int
    check: bytes

    @classmethod
    def create(cls, passphrase: str) -> Sealer:
        """A sealer for a new encryption: a fresh random salt, the current scrypt cost."""
        salt = os.urandom(16)
        key, check = derive(passphrase, salt, KDF_N, KDF_R, KDF_P)
        return cls(key, salt, KDF_N, KDF_R, KDF_P, check)

    def seal(self, plaintext: bytes | list[bytes]) -> bytes:
        """The whole encrypted file for ``plaintext`` (bytes, or its pieces in order; a new
        random nonce every time)."""
        return b"".join(self.sealed_pieces(plaintext))

    def sealed_pieces(self, plaintext: bytes | list[bytes],
                      between: Callable[[], object] | None = None) -> list[bytes]:
        """:meth:`seal`'s file in pieces, to be written one after the other. Each piece of
        ``plaintext`` is encrypted in one call, cut into :data:`SEAL_PIECE` bytes when
        longer, and ``between()`` is called after each call (a TUI's save thread waits there
        while a key is answered: sealed in one call, a large project held the interpreter
        ~50 ms); the file is the one a single AES-GCM call over the whole plaintext makes."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        nonce = os.urandom(12)
        header = {
            "check": _b64(self.check),
            "cipher": "AES-256-GCM",
            "kdf": "scrypt",
            "n": self.n,
            "nonce": _b64(nonce),
            "p": self.p,
            "r": self.r,
            "salt": _b64(self.salt),
        }
        head = MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n"
        encryptor = Cipher(algorithms.AES(self.key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(head)
        sealed = [head]
        for piece in [plaintext] if isinstance(plaintext, bytes) else plaintext:
            view = memoryview(piece)
            for at in range(0, len(view), SEAL_PIECE):
                sealed.append(encryptor.update(view[at:at + SEAL_PIECE]))
                if between is not None:
                    between()
        sealed.append(encryptor.finalize())
        sealed.append(encryptor.tag)
        return sealed


#: Bytes encrypted in one call when sealing (~1-2 ms each on a slow machine).
SEAL_PIECE = 1 << 20


def is_sealed(raw: bytes) -> bool:
    """True when ``raw`` is an encrypted project file."""
    return raw.startswith(MAGIC)


def unseal(raw: bytes, path: Path) -> tuple[bytes, Sealer]:
    """The plaintext of an encrypted file and the sealer to write it back with.

    Raises :class:`WrongPassphrase` (a WorkbenchError) when the passphrase does not fit and
    :class:`SealDamaged` when the file was cut short or altered.
    """
    head, header, body = _split(raw)
    sealer = _sealer_of(header, path)
    return _decrypt(sealer, head, header, body), sealer


def unseal_with(raw: bytes, sealer: Sealer) -> bytes:
    """The plaintext of an encrypted file sealed with ``sealer``'s key, asking for nothing.

    Raises :class:`OtherKey` when the file's salt, cost or key check are not the sealer's, and
    :class:`SealDamaged` when it was cut short or altered.
    """
    import hmac  # here: a plain project's start-up does not load hashing

    head, header, body = _split(raw)
    mine = (sealer.salt, sealer.n, sealer.r, sealer.p)
    if (header["salt"], header["n"], header["r"], header["p"]) != mine or not hmac.compare_digest(
        header["check"], sealer.check
    ):
        raise OtherKey("sealed with another key")
    return _decrypt(sealer, head, header, body)


def _decrypt(sealer: Sealer, head: bytes, header: dict[str, Any], body: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(sealer.key).decrypt(header["nonce"], body, head)
    except InvalidTag:
        raise SealDamaged(
            "damaged or altered (the encrypted data fails its authentication check)"
        ) from None


def sealer_of(raw: bytes, path: Path) -> Sealer:
    """The sealer an encrypted file was written with (the passphrase is asked and checked),
    without decrypting it: enough to seal a copy for a file whose data is damaged.

    Raises :class:`WrongPassphrase` or :class:`SealDamaged` (an unreadable header).
    """
    return _sealer_of(_split(raw)[1], path)


def _sealer_of(header: dict[str, Any], path: Path) -> Sealer:
    salt, check = header["salt"], header["check"]
    n, r, p = header["n"], header["r"], header["p"]
    attempt = 0
    while True:
        passphrase = _provider(path, new=False, attempt=attempt)
        key, got = derive(passphrase, salt, n, r, p)
        import hmac  # here: a plain project's start-up does not load hashing

        if hmac.compare_digest(got, check):
            return Sealer(key, salt, n, r, p, check)
        attempt += 1
        if attempt >= TERMINAL_TRIES or not _can_retry():
            raise WrongPassphrase(
                f"wrong passphrase for {path} (or its encryption header was damaged); "
                "nothing was changed"
            )
        sys.stderr.write("wrong passphrase, try again\n")


def _split(raw: bytes) -> tuple[bytes, dict[str, Any], bytes]:
    """(authenticated head, checked header fields, ciphertext) of a sealed file."""
    end = raw.find(b"\n", len(MAGIC), len(MAGIC) + _HEADER_LIMIT)
    if end == -1:
        raise SealDamaged("damaged (an encrypted file without a readable header)")
    head, body = raw[: end + 1], raw[end + 1 :]
    try:
        fields = json.loads(head[len(MAGIC) :].decode("ascii"))
        header = {
            "n": int(fields["n"]),
            "r": int(fields["r"]),
            "p": int(fields["p"]),
            "salt": base64.b64decode(fields["salt"], validate=True),
            "nonce": base64.b64decode(fields["nonce"], validate=True),
            "check": base64.b64decode(fields["check"], validate=True),
        }
        known = fields["kdf"] == "scrypt" and fields["cipher"] == "AES-256-GCM"
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise SealDamaged("damaged (its encryption header cannot be read)") from None
    n, r, p = header["n"], header["r"], header["p"]
    sane = (
        known
        and 2**10 <= n <= 2**20
        and n & (n - 1) == 0
        and 1 <= r <= 32
        and 1 <= p <= 16
        and 128 * n * r <= 2**28  # at most 256 MiB of memory for the key
        and 16 <= len(header["salt"]) <= 64
        and len(header["nonce"]) == 12
        and len(header["check"]) == 16
        and len(body) >= 16
    )
    if not sane:
        raise SealDamaged("damaged (its encryption header has impossible values)")
    return head, header, body


# --------------------------------------------------------------------------- keys
_keys: dict[tuple[str, bytes, int, int, int], tuple[bytes, bytes]] = {}


def derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    """(AES key, check value) for a passphrase; each is derived once per process."""
    passphrase = unicodedata.normalize("NFC", passphrase)
    cache_key = (passphrase, salt, n, r, p)
    found = _keys.get(cache_key)
    if found is not None:
        return found
    import hashlib
    import hmac

    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    out = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    key = out[:32]
    check = hmac.new(out[32:], _CHECK_LABEL, hashlib.sha256).digest()[:16]
    _keys[cache_key] = (key, check)
    return key, check


def forget_keys() -> None:
    """Drop every key and typed passphrase this process holds."""
    _keys.clear()
    _typed.clear()


# --------------------------------------------------------------------------- passphrases
_typed: dict[str, str] = {}


def terminal_passphrase(path: Path, *, new: bool = False, attempt: int = 0) -> str:
    """The default provider: ``WORKBENCH_PASSPHRASE``, else a no-echo prompt on a terminal."""
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        if attempt:
            raise WrongPassphrase(f"wrong passphrase for {path} (from {PASSPHRASE_ENV})")
        return env
    if not _interactive():
        doing = "choose a passphrase for" if new else "open"
        raise WorkbenchError(
            f"{path} needs a passphrase: set {PASSPHRASE_ENV} or run this on a terminal to "
            f"{doing} it"
        )
    import getpass

    where = str(path)
    if new:
        first = getpass.getpass(f"new passphrase for {path.name}: ", stream=sys.stderr)
        second = getpass.getpass("the same passphrase again: ", stream=sys.stderr)
        if first != second:
            raise WorkbenchError("the two passphrases differ; nothing was changed")
        _typed[where] = first
        return first
    if attempt == 0 and where in _typed:
        return _typed[where]  # asked once per process, also when a file is opened again
    typed = getpass.getpass(f"passphrase for {path.name}: ", stream=sys.stderr)
    _typed[where] = typed
    return typed


_provider_fn: PassphraseProvider = terminal_passphrase


def set_passphrase_provider(provider: PassphraseProvider | None) -> PassphraseProvider:
    """Use ``provider`` for passphrases (``None`` puts the default back); returns the old one."""
    global _provider_fn
    old = _provider_fn
    _provider_fn = provider or terminal_passphrase
    return old


def _provider(path: Path, *, new: bool, attempt: int) -> str:
    passphrase = _provider_fn(path, new=new, attempt=attempt)
    if not isinstance(passphrase, str) or not passphrase:
        raise WorkbenchError(f"no passphrase was given for {path}")
    return passphrase


def new_passphrase(path: Path) -> str:
    """A passphrase chosen for encrypting ``path`` (asked twice at a terminal)."""
    passphrase = _provider(path, new=True, attempt=0)
    if len(passphrase) < MIN_PASSPHRASE:
        raise WorkbenchError(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE} characters "
            "(a few words are easy to remember and hard to guess)"
        )
    return passphrase


def _can_retry() -> bool:
    """Asking again makes sense only when a person types the passphrase."""
    return (
        _provider_fn is terminal_passphrase
        and not os.environ.get(PASSPHRASE_ENV)
        and _interactive()
    )


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
