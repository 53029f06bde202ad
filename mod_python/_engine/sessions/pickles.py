"""How stored sessions are serialised: pickles, as mod_python wrote them.

Session files and DBM values are written by the server itself (0600, in its own
directory), so unpickling them trusts nothing the client sent.
"""

from __future__ import annotations

import pickle

PICKLE_PROTOCOL = 2  # what mod_python's FileSession writes; any Python 3 reads it


def dump_state(state: dict) -> bytes:
    return pickle.dumps(state, PICKLE_PROTOCOL)


def load_state(data: bytes) -> dict:
    # Sessions pickled by Python 2 hold byte strings: Latin-1 turns each into a str
    # without loss (and is what datetime objects from Python 2 need).
    return pickle.loads(data, encoding="latin1")
