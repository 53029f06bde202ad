"""One handler for both servers: the real mod_python and ours run this same file.

``?op=NAME`` picks what to do; each op uses only the public Cookie/Session API, so on the
oracle it exercises the real modules and on ours our reimplementation.

On the oracle, mod_python's SignedCookie/MarshalCookie cannot run on Python 3 (``hmac.new``
without a digest and with str arguments; ``base64.encodestring`` is gone: SPEC 13). The
shim below supplies what those calls did on Python 2 (HMAC-MD5 over the text's bytes,
base64 as text), which is what mod_python meant; it is installed only in the real module.
"""

import base64
import dbm.dumb
import hmac

from mod_python import Cookie, Session, apache

SECRET = "oracle and ours share this secret"
OURS = apache.exists_config_define("OUR_ENGINE")
SERVER = "ours" if OURS else "oracle"


class _HexDigest(str):
    """Python 2's hexdigest was a byte string: mod_python calls .decode() on it."""

    def decode(self):
        return str(self)


class _Python2Hmac:
    @staticmethod
    def new(key, message):
        mac = hmac.new(key.encode("latin-1"), message.encode("latin-1"), "md5")
        return _Python2Mac(mac)


class _Python2Mac:
    def __init__(self, mac):
        self._mac = mac

    def update(self, text):
        self._mac.update(text.encode("latin-1"))

    def hexdigest(self):
        return _HexDigest(self._mac.hexdigest())


class _Python2Base64:
    @staticmethod
    def encodestring(data):
        return base64.encodebytes(data).decode("ascii")

    @staticmethod
    def decodestring(text):
        return base64.decodebytes(text.encode("ascii"))


if not OURS:
    Cookie.hmac = _Python2Hmac
    Cookie.base64 = _Python2Base64


def cookies_issue(req):
    Cookie.add_cookie(req, Cookie.SignedCookie("signed", "hello", secret=SECRET))
    value = {"a": [1, 2], "b": "text", "from": SERVER}
    Cookie.add_cookie(req, Cookie.MarshalCookie("marshalled", value, secret=SECRET))
    return SERVER


def cookies_read(req):
    signed = Cookie.get_cookie(
        req, "signed", Class=Cookie.SignedCookie, secret=SECRET, mismatch=Cookie.Cookie.IGNORE
    )
    marshalled = Cookie.get_cookie(
        req, "marshalled", Class=Cookie.MarshalCookie, secret=SECRET, mismatch=Cookie.Cookie.IGNORE
    )
    found = {
        "signed": signed.value if signed else None,
        "marshalled": sorted(marshalled.value.items()) if marshalled else None,
    }
    return repr(sorted(found.items()))


def _write(session):
    session["who"] = SERVER
    session["n"] = 41
    session.save()
    return session.id()


def _read(session):
    state = "new" if session.is_new() else "old"
    return "%s %s %s" % (state, session.get("who"), session.get("n"))


def file_write(req):
    return _write(Session.FileSession(req, secret=SECRET))


def file_read(req):
    return _read(Session.FileSession(req, secret=SECRET))


def dbm_write(req):
    return _write(Session.DbmSession(req, secret=SECRET, dbmtype=dbm.dumb))


def dbm_read(req):
    return _read(Session.DbmSession(req, secret=SECRET, dbmtype=dbm.dumb))


def default_dbm_write(req):
    return _write(Session.DbmSession(req, secret=SECRET))


def default_dbm_read(req):
    return _read(Session.DbmSession(req, secret=SECRET))


OPS = {
    "cookies_issue": cookies_issue,
    "cookies_read": cookies_read,
    "file_write": file_write,
    "file_read": file_read,
    "dbm_write": dbm_write,
    "dbm_read": dbm_read,
    "default_dbm_write": default_dbm_write,
    "default_dbm_read": default_dbm_read,
}


def handler(req):
    op = (req.args or "").partition("op=")[2]
    req.content_type = "text/plain"
    req.write(OPS[op](req))
    return apache.OK
