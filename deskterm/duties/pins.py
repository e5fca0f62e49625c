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


#: 128 * n * r bytes of memory: 64 MiB at most (ours is 16 MiB).
_MAX_N_R = 2**19


def _sane_cost(n: int, r: int, p: int) -> bool:
    """Parameters a stored hash may ask for: ours, or up to a few times stronger.

    A stored hash is data, and data can be damaged or tampered with: unchecked, it could
    ask scrypt for gigabytes of memory or minutes of work at every sign-in.
    """
    power_of_two = n >= 2 and n & (n - 1) == 0
    return power_of_two and 1 <= r <= 32 and 1 <= p <= 4 and n * r <= _MAX_N_R


def pin_matches(pin: str, stored: str) -> bool:
    """True when ``pin`` is the one ``stored`` was made from.

    Never raises: no stored PIN, a damaged or foreign stored hash and a PIN that is not
    4-8 digits are all simply "does not match".
    """
    if not isinstance(pin, str) or not isinstance(stored, str):
        return False
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    _scheme, n_text, r_text, p_text, salt_hex, digest_hex = parts
    try:
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return False
    if not _sane_cost(n, r, p) or len(expected) != 32:
        return False
    try:
        pin = normalise_pin(pin)
    except DutyError:
        return False
    try:
        digest = hashlib.scrypt(
            pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=160 * _MAX_N_R, dklen=32
        )
    except (ValueError, MemoryError):  # a combination OpenSSL refuses (n too big for r)
        return False
    return hmac.compare_digest(digest, expected)
