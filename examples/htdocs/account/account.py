"""A login/logout flow kept in a Session, plus a SignedCookie remembering the user name.

    GET  /account/          who is logged in, and the login form
    POST /account/login     user=ada&password=lovelace -> a session, then back to /account/
    GET  /account/logout    ends the session

The session cookie is signed because the session is made with a secret; the secret comes
from "PythonOption example.secret" so every server process (and the old Apache, while both
run) signs with the same one.
"""

import os
from html import escape

from mod_python import Cookie, Session, apache, util

# An example only: a real site checks an htpasswd file or its user database.
USERS = {"ada": "lovelace", "grace": "hopper"}

LOGIN_FORM = """<form method="post" action="/account/login">
  <p>User: <input name="user"> Password: <input type="password" name="password">
  <input type="submit" value="Log in"></p>
</form>
"""


def handler(req):
    secret = req.get_options()["example.secret"]
    session = Session.Session(req, secret=secret)
    # SetHandler sends every URL of the directory here; /account/login has no file of its
    # own, so its last component stays in req.filename (req.path_info is empty).
    action = os.path.basename(req.filename)

    if action == "login" and req.method == "POST":
        form = util.FieldStorage(req)
        # Fields are StringField objects: keep plain str in the session, which is pickled.
        user = str(form.getfirst("user", ""))
        if USERS.get(user) != form.getfirst("password", ""):
            req.log_error("failed login for %s" % user, apache.APLOG_NOTICE)
            raise apache.SERVER_RETURN(apache.HTTP_FORBIDDEN)
        session["user"] = user
        session.save()
        # Remembered for a month, signed so nobody can claim another name.
        remember = Cookie.SignedCookie("last_user", user, secret, path="/account/")
        remember.max_age = 30 * 24 * 3600
        Cookie.add_cookie(req, remember)
        util.redirect(req, "/account/")

    if action == "logout":
        session.invalidate()
        util.redirect(req, "/account/")

    if action not in ("", "account.py"):
        return apache.HTTP_NOT_FOUND

    req.content_type = "text/html"
    req.write("<html><body><h1>Account</h1>\n")
    if "user" in session:
        req.write('<p>Logged in as %s. <a href="/account/logout">Log out</a></p>\n'
                  % escape(session["user"]))
    else:
        remembered = Cookie.get_cookie(req, "last_user", Cookie.SignedCookie, secret=secret)
        if remembered is not None:
            req.write("<p>Welcome back, %s.</p>\n" % escape(remembered.value))
        req.write("<p>Not logged in.</p>\n" + LOGIN_FORM)
    req.write("</body></html>\n")
    return apache.OK
