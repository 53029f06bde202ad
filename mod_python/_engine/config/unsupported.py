"""Directives accepted without their effect.

Two kinds: those that change nothing a client could see here (process model, MPM tuning,
log and mutex plumbing, cosmetic mod_autoindex settings) are accepted silently; those of
modules we do not emulate, whose absence does change behaviour, are accepted with a
warning that ``mod_python check`` prints and the server logs once at start-up.
"""

from __future__ import annotations

from .directives import ANYWHERE, SectionScope, directive
from .parser import Directive


def _accepted(node: Directive, scope: SectionScope) -> None:
    """Accepted; nothing to do."""


_SERVER_PLUMBING = (
    "User", "Group", "Mutex", "DefaultRuntimeDir", "ServerTokens", "StartServers",
    "MinSpareServers", "MaxSpareServers", "ServerLimit", "MaxRequestWorkers", "MaxClients",
    "MaxConnectionsPerChild", "MaxRequestsPerChild", "ThreadLimit", "ThreadsPerChild",
    "MinSpareThreads", "MaxSpareThreads", "ThreadStackSize", "NumServers", "StartThreads", "MaxThreadsPerChild",
    "HostnameLookups", "UseCanonicalName", "UseCanonicalPhysicalPort", "EnableSendfile",
    "EnableMMAP", "TraceEnable", "LockFile", "AcceptMutex", "ScoreBoardFile",
    "NameVirtualHost", "GracefulShutdownTimeout", "ListenBacklog", "SendBufferSize",
    "ReceiveBufferSize", "MaxMemFree", "CoreDumpDirectory", "ExtendedStatus", "Protocols",
    "ProtocolsHonorOrder", "HttpProtocolOptions", "RequestReadTimeout", "BufferedLogs",
    "ErrorLogFormat", "LogMessage", "MergeSlashes", "MergeTrailers", "AsyncRequestWorkerFactor",
    "ServerSignature", "FileETag", "ContentDigest", "AcceptFilter", "MaxRangeOverlaps",
    "MaxRangeReversals", "MaxRanges", "QualifyRedirectURL", "RegisterHttpMethod",
    "SeeRequestTail", "Chrootdir", "Suexec", "WatchdogInterval", "KeptBodySize",
)  # fmt: skip

_COSMETIC = (
    "AddLanguage", "AddCharset", "AddEncoding", "RemoveEncoding", "RemoveLanguage",
    "RemoveCharset", "LanguagePriority", "ForceLanguagePriority", "DefaultLanguage",
    "IndexOptions", "AddIcon", "AddIconByType", "AddIconByEncoding", "DefaultIcon",
    "AddDescription", "AddAlt", "AddAltByType", "AddAltByEncoding", "ReadmeName",
    "HeaderName", "IndexIgnore", "IndexIgnoreReset", "IndexOrderDefault", "IndexStyleSheet",
    "IndexHeadInsert", "AuthzUserAuthoritative", "AuthzGroupFileAuthoritative",
    "AuthMerging", "ModMimeUsePathInfo", "MimeMagicFile",
)  # fmt: skip

for _name in _SERVER_PLUMBING:
    directive(_name, override=None)(_accepted)
for _name in _COSMETIC:
    directive(_name, override="all")(_accepted)


# Directives of modules this server does not emulate: (module, directives, consequence).
_NOT_EMULATED = (
    ("mod_rewrite", "URLs are not rewritten",
     ("RewriteEngine", "RewriteRule", "RewriteCond", "RewriteBase", "RewriteMap",
      "RewriteOptions")),
    ("mod_ssl", "TLS is not served by this directive; terminate TLS in front or use the "
     "back-end's TLS options",
     ("SSLEngine", "SSLCertificateFile", "SSLCertificateKeyFile", "SSLCertificateChainFile",
      "SSLCACertificateFile", "SSLCACertificatePath", "SSLProtocol", "SSLCipherSuite",
      "SSLHonorCipherOrder", "SSLVerifyClient", "SSLVerifyDepth", "SSLOptions",
      "SSLRequireSSL", "SSLSessionCache", "SSLSessionCacheTimeout", "SSLRandomSeed",
      "SSLPassPhraseDialog", "SSLStaplingCache", "SSLUseStapling", "SSLCompression",
      "SSLSessionTickets", "SSLProxyEngine")),
    ("mod_proxy", "requests are not proxied",
     ("ProxyPass", "ProxyPassReverse", "ProxyPassMatch", "ProxyPreserveHost", "ProxyRequests",
      "ProxyTimeout", "ProxyVia", "ProxyAddHeaders", "ProxyPassReverseCookieDomain",
      "ProxyPassReverseCookiePath", "ProxyErrorOverride", "ProxySet", "BalancerMember")),
    ("mod_deflate", "responses are not compressed",
     ("DeflateCompressionLevel", "DeflateBufferSize", "DeflateMemLevel", "DeflateWindowSize",
      "DeflateFilterNote", "DeflateInflateLimitRequestBody")),
    ("mod_expires", "no Expires/Cache-Control headers are added",
     ("ExpiresActive", "ExpiresByType", "ExpiresDefault")),
    ("mod_setenvif", "variables are not set from request attributes",
     ("SetEnvIf", "SetEnvIfNoCase", "SetEnvIfExpr", "BrowserMatch", "BrowserMatchNoCase")),
    ("mod_cgi", "CGI scripts are not run", ("ScriptLog", "ScriptLogLength", "ScriptLogBuffer",
                                            "ScriptSock", "CGIDScriptTimeout", "CGIPassAuth",
                                            "CGIVar")),
    ("mod_actions", "handlers are not mapped to CGI scripts", ("Action", "Script")),
    ("mod_negotiation", "content negotiation is not done",
     ("CacheNegotiatedDocs",)),
    ("mod_userdir", "~user URLs are not mapped", ("UserDir",)),
    ("mod_status", "no status page", ("ExtendedStatusLevel",)),
    ("mod_remoteip", "the client address is not taken from proxy headers",
     ("RemoteIPHeader", "RemoteIPInternalProxy", "RemoteIPTrustedProxy",
      "RemoteIPProxiesHeader")),
    ("mod_cache", "responses are not cached",
     ("CacheEnable", "CacheDisable", "CacheRoot", "CacheDefaultExpire", "CacheMaxExpire",
      "CacheIgnoreHeaders", "CacheQuickHandler", "CacheLock")),
    ("mod_php", "PHP settings have no meaning here",
     ("php_value", "php_flag", "php_admin_value", "php_admin_flag")),
    ("mod_security", "no web application firewall rules are applied",
     ("SecRuleEngine", "SecRule", "SecRequestBodyAccess", "SecAuditEngine", "SecAuditLog")),
    ("mod_substitute", "response bodies are not rewritten", ("Substitute",)),
    ("mod_speling", "misspelled URLs are not corrected", ("CheckSpelling", "CheckCaseOnly")),
    ("mod_auth_digest", "Digest authentication is not performed",
     ("AuthDigestProvider", "AuthDigestDomain", "AuthDigestNonceLifetime", "AuthDigestQop",
      "AuthDigestAlgorithm")),
    ("mod_dav", "WebDAV is not served", ("Dav", "DavLockDB", "DavMinTimeout",
                                         "DavDepthInfinity")),
    ("mod_include configuration", "pages use the defaults (a page's own #config applies)",
     ("SSIErrorMsg", "SSITimeFormat", "SSIUndefinedEcho", "SSIStartTag", "SSIEndTag",
      "SSIETag", "SSILastModified", "SSIAccessEnable", "XBitHack")),
)  # fmt: skip

# The INCLUDES filter always reads expr= with the legacy grammar (ssi.py), which is what
# this switch selects in Apache 2.4.
directive("SSILegacyExprParser", ANYWHERE, min_args=1, max_args=1)(_accepted)

for _module, _consequence, _names in _NOT_EMULATED:
    for _name in _names:
        directive(_name, ANYWHERE, warning=f"{_module} is not emulated: {_consequence}")(_accepted)
