"""Password hashing (Argon2id), random tokens and their digests, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# Argon2id at OWASP's recommended minimum (m=19 MiB, t=2, p=1; Password Storage Cheat Sheet):
# about 0.1 s per check on one core. The library's default profile (RFC 9106 "low memory":
# 64 MiB, t=3, p=4) took 0.35-0.8 s on a two-core server and made log-in take about a second.
# Hashes made with other parameters are still verified and are re-hashed at the next log-in.
PASSWORD_HASH_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(
    time_cost=PASSWORD_HASH_PARAMETERS["time_cost"],
    memory_cost=PASSWORD_HASH_PARAMETERS["memory_cost"],
    parallelism=PASSWORD_HASH_PARAMETERS["parallelism"],
)

# A valid hash to verify against when the account does not exist, so that a login for an
# unknown e-mail takes as long as one with a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Tokens are stored only as SHA-256 digests: a leaked table does not leak sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret: str, anchor: str) -> str:
    """Signed double-submit token: HMAC of a per-browser random cookie value."""
    return hmac.new(secret.encode(), anchor.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, anchor: str | None, submitted: str | None) -> bool:
    if not anchor or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, anchor), submitted)
