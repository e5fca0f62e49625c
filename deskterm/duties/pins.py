"""PINs: hashed with stdlib scrypt, compared in constant time. A PIN is 4-8 digits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from deskterm.errors import DutyError
from deskterm.i18n import _

# n=2**14, r=8, p=1: ~16 MiB and ~40 ms per check on these machines; a desk checks a PIN
# a few times an hour, so that is cheap for us and expensive for a guesser.
_N, _R, _P = 2**14, 8, 1


def normalise_pin(pin: str, field: str = "pin") -> str:
    """Full-width digits from an IME become ASCII; anything but 4-8 digits is refused."""
    cleaned = unicodedata.normalize("NFKC", pin or "").strip()
    if not cleaned:
        raise DutyError(_("Enter your PIN."), field)
    if not cleaned.isascii() or not cleaned.isdigit() or not 4 <= len(cleaned) <= 8:
        raise DutyError(_("A PIN is 4 to 8 digits."), field)
    return cleaned


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    pin = normalise_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when ``pin`` is the one ``stored`` was made from (False for no stored PIN)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    try:
        pin = normalise_pin(pin)
    except DutyError:
        return False
    digest = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(digest.hex(), digest_hex)
