"""Form parsing behind ``mod_python.util``: query strings, urlencoded and multipart bodies.

``multipart`` is a sans-I/O parser (bytes in, events out); ``storage`` feeds it from
``req.read`` and builds mod_python's ``FieldStorage``; ``fields`` holds the field classes;
``limits`` the bounds every parse runs under and the ``PythonOption`` names that change them.
"""
