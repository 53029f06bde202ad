"""Sessions: mod_python's BaseSession and its stores (file, DBM, memory, Redis).

``mod_python.Session`` re-exports these names; the engine itself never creates sessions.
"""
