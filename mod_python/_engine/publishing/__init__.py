"""The engine behind ``mod_python.publisher``: URL path -> Python object -> response.

``handler`` resolves the module file, ``pages`` caches the executed modules, ``traversal``
walks the dotted object path under ``rules``, ``auth`` applies ``__auth__``/``__access__`` and
``rendering`` calls the object with the form (through ``forms.binding``) and writes the result.
"""
