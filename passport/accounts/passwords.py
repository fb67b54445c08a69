"""Password hashing (argon2id) and the password policy.

The policy is the one NIST SP 800-63B recommends: length (12+) and a check against
known-common passwords and easily guessed ones (zxcvbn's list and estimator), no
composition rules.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from passport.errors import ValidationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_dummy_hash: str | None = None


def configure(time_cost: int, memory_cost: int, parallelism: int = 1) -> None:
    """Set the argon2id cost (tests lower it). The default, OWASP's baseline of 19 MiB, 2
    passes and 1 lane, costs about 23 ms of CPU a hash on a 2-core machine, so fifty
    sign-ins at once take about a second of CPU in all; the former 64 MiB, 3 passes and
    4 lanes cost 176 ms (sign-in p50 4.2 s under load). Hashes made with another cost are
    upgraded at the next sign-in (``needs_rehash``)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _dummy_hash = None


def spend_one_verification(password: str) -> None:
    """Verify against a throwaway hash, so an unknown account costs as much time as a
    known one and sign-in timing does not reveal which emails have accounts."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("a throwaway password used only for timing")
    verify_password(_dummy_hash, password)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_policy(password: str, user_inputs: list[str], field: str = "password") -> None:
    """Raise ``ValidationError`` naming ``field`` if the password is too short or common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Use at least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
            field,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"Use at most {MAX_PASSWORD_LENGTH} characters.", field)
    if password.lower() in _COMMON_PASSWORDS:
        raise ValidationError(
            "That password is on a list of common passwords. Choose another.", field
        )
    if zxcvbn(password[:100], user_inputs=[value for value in user_inputs if value])["score"] < 2:
        raise ValidationError(
            "That password is too easy to guess (it is a common pattern or contains your "
            "name or email). Choose another.",
            field,
        )
