"""Basic authentication and ``Require`` authorization, as Apache 2.4's auth modules do them.

Pure functions over facts the caller supplies; the request cycle wires them in:

- ``check_basic_credentials`` reads an Authorization header (``credentials``);
- ``verify_password`` checks one htpasswd hash (``passwords``);
- ``AuthFileCache`` reads AuthUserFile / AuthGroupFile files, kept until they change
  (``userfiles``);
- ``authenticate_basic`` is mod_auth_basic + mod_authn_file in one call (``basic``);
- ``parse_require``, ``RequireContainer``, ``evaluate`` and the two ``authorize_*`` passes
  are mod_authz_core and its providers (``requires``).
"""

from __future__ import annotations

from .basic import AuthnResult, AuthnStatus, authenticate_basic, basic_challenge
from .credentials import check_basic_credentials
from .passwords import PasswordCheck, hash_format, verify_password
from .requires import (
    AuthzDecision,
    AuthzResult,
    Decision,
    IPNetwork,
    MethodLimit,
    RequestFacts,
    Require,
    RequireContainer,
    RequireNode,
    RequireSyntaxError,
    UnsupportedRequire,
    authorize_after_authentication,
    authorize_before_authentication,
    evaluate,
    parse_ip_network,
    parse_require,
)
from .userfiles import AuthFileCache, AuthFileError, GroupFile, PasswordFile, default_cache

__all__ = [
    "AuthFileCache", "AuthFileError", "AuthnResult", "AuthnStatus", "AuthzDecision",
    "AuthzResult", "Decision", "GroupFile", "IPNetwork", "MethodLimit", "PasswordCheck",
    "PasswordFile", "RequestFacts", "Require", "RequireContainer", "RequireNode",
    "RequireSyntaxError", "UnsupportedRequire", "authenticate_basic",
    "authorize_after_authentication", "authorize_before_authentication", "basic_challenge",
    "check_basic_credentials", "default_cache", "evaluate", "hash_format", "parse_ip_network",
    "parse_require", "verify_password",
]  # fmt: skip
