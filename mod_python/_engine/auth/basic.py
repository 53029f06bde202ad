"""AuthType Basic with AuthUserFile: mod_auth_basic over mod_authn_file, without the request.

``authenticate_basic`` takes the header and the file path and says what Apache would do:
let the user in, answer 401 (with a fresh ``WWW-Authenticate: Basic realm="..."``), or
answer 500 when the password file cannot be read. The log lines are Apache's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .credentials import check_basic_credentials
from .passwords import PasswordCheck, hash_format, verify_password
from .userfiles import AuthFileCache, AuthFileError, default_cache


class AuthnStatus(enum.Enum):
    GRANTED = "granted"
    NO_CREDENTIALS = "no credentials"  # no Authorization header: 401, nothing logged
    WRONG_SCHEME = "wrong scheme"  # AH01614, 401
    USER_NOT_FOUND = "user not found"  # AH01618, 401
    PASSWORD_MISMATCH = "password mismatch"  # AH01617, 401
    FILE_ERROR = "password file unreadable"  # AH01620, 500
    UNSUPPORTED_HASH = "unsupported hash"  # this Python cannot check the hash, 500


@dataclass(frozen=True)
class AuthnResult:
    """The outcome: ``user`` is what Apache puts in r->user (set even when the login fails)."""

    status: AuthnStatus
    user: str | None = None
    message: str | None = None  # the error-log line, None when Apache logs nothing

    @property
    def http_status(self) -> int | None:
        """None when the user is authenticated, else 401 or 500."""
        if self.status is AuthnStatus.GRANTED:
            return None
        if self.status in (AuthnStatus.FILE_ERROR, AuthnStatus.UNSUPPORTED_HASH):
            return 500
        return 401


def authenticate_basic(
    authorization: str | bytes | None,
    user_file: str | None,
    *,
    uri: str,
    cache: AuthFileCache = default_cache,
) -> AuthnResult:
    """Check the Authorization header against the AuthUserFile at ``user_file``.

    ``uri`` is r->uri, for the log lines. A missing AuthUserFile (None) is the unreadable
    file "(null)" Apache reports.
    """
    if authorization is None:
        return AuthnResult(AuthnStatus.NO_CREDENTIALS)
    credentials = check_basic_credentials(authorization)
    if credentials is None:
        return AuthnResult(
            AuthnStatus.WRONG_SCHEME,
            message=f"AH01614: client used wrong authentication scheme: {uri}",
        )
    user, password = credentials
    if user_file is None:
        return AuthnResult(
            AuthnStatus.FILE_ERROR, user, "AH01620: Could not open password file: (null)"
        )
    try:
        stored_hash = cache.password_file(user_file).hash_for(user)
    except AuthFileError as error:
        return AuthnResult(AuthnStatus.FILE_ERROR, user, error.message)
    if stored_hash is None:
        return AuthnResult(
            AuthnStatus.USER_NOT_FOUND, user, f"AH01618: user {user} not found: {uri}"
        )
    check = verify_password(password, stored_hash)
    if check is PasswordCheck.MATCH:
        return AuthnResult(AuthnStatus.GRANTED, user)
    if check is PasswordCheck.UNSUPPORTED:
        return AuthnResult(
            AuthnStatus.UNSUPPORTED_HASH,
            user,
            f"user {user}: the {hash_format(stored_hash)} hash in {user_file} needs the C"
            " library's crypt(), which this Python cannot reach",
        )
    return AuthnResult(
        AuthnStatus.PASSWORD_MISMATCH,
        user,
        f'AH01617: user {user}: authentication failure for "{uri}": Password Mismatch',
    )


def basic_challenge(auth_name: str | None) -> str:
    """The WWW-Authenticate value Apache sends with a Basic 401."""
    return f'Basic realm="{auth_name or ""}"'
