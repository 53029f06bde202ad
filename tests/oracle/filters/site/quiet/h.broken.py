# Only maps the URL: "PythonHandler h" of the document root (../h.py) handles it.
