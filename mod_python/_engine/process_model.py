"""What ``apache.mpm_query`` answers: the process model of the serving back-end.

The back-end adapter records it at start-up (threads per process, processes); the
defaults describe cheroot's single process with a pool of threads.
"""

from __future__ import annotations

from .constants import (
    AP_MPMQ_HARD_LIMIT_DAEMONS,
    AP_MPMQ_HARD_LIMIT_THREADS,
    AP_MPMQ_IS_FORKED,
    AP_MPMQ_IS_THREADED,
    AP_MPMQ_MAX_DAEMONS,
    AP_MPMQ_MAX_THREADS,
    AP_MPMQ_NOT_SUPPORTED,
    AP_MPMQ_STATIC,
)  # fmt: skip

processes = 1
threads = 10


def set_process_model(process_count: int, thread_count: int) -> None:
    global processes, threads
    processes, threads = max(1, process_count), max(1, thread_count)


def mpm_query(code: int) -> int:
    if code == AP_MPMQ_IS_THREADED:
        return AP_MPMQ_STATIC if threads > 1 else AP_MPMQ_NOT_SUPPORTED
    if code == AP_MPMQ_IS_FORKED:
        return AP_MPMQ_STATIC if processes > 1 else AP_MPMQ_NOT_SUPPORTED
    if code in (AP_MPMQ_MAX_THREADS, AP_MPMQ_HARD_LIMIT_THREADS):
        return threads
    if code in (AP_MPMQ_MAX_DAEMONS, AP_MPMQ_HARD_LIMIT_DAEMONS):
        return processes
    return 0
