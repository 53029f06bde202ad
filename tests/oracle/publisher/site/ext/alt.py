def index(req):
    return "alt.py reached through alt.pub"
