# WSGIAuthUserScript / WSGIAuthGroupScript / WSGIAccessScript answers.
def check_password(environ, user, password):
    if user == "broken":
        raise RuntimeError("auth script failure")
    passwords = {"spy": "secret", "boss": "chief"}
    if user not in passwords:
        return None
    return passwords[user] == password


def groups_for_user(environ, user):
    return {"boss": ["managers"], "spy": ["staff"]}.get(user, [])


def allow_access(environ, host):
    return {"no": False, "none": None}.get(environ.get("HTTP_X_LET_ME_IN"), True)
