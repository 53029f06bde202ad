"""WSGI applications inside the engine: ``PythonHandler mod_python.wsgi`` and mod_wsgi's
``wsgi-script`` handler with its script files, application groups and auth scripts.
"""
