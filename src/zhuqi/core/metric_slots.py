"""prometheus_client's multiprocess mode, with one set of files per *slot* instead of per process.

Under gunicorn each worker process counts its requests in files of PROMETHEUS_MULTIPROC_DIR, and
/metrics (whichever process answers it) adds up every file, so the figures are the server's, not
one process's. prometheus_client names the files by process id, and a counter's file must stay
after its process ends (its counts are part of the total). A process gunicorn replaces (one that
died, or every `max_requests` where that is set; deploy/single/gunicorn.conf.py leaves it off)
comes back with a new id and new files, and every scrape would read all the files ever written.

So the files are named by a slot: a process takes the lowest slot whose lock file
(`slot-N.lock`) it can lock (flock, released by the system when the process ends, however it
ends), and a process that replaces a dead one takes over its slot and its files, going on from
their counts. The files are then as many as the processes that ever ran *at the same time*.
prometheus_client asks of its process identifier only that processes running at the same time
get different ones, which the lock guarantees.

This module imports no Django: settings.py installs it (`use_slots()`) before any metric exists."""

from __future__ import annotations

import fcntl
import os

from prometheus_client import values


class _Slot:
    # The process that took `name`, and the descriptor holding its lock. After a fork the child
    # inherits both: it sees another pid and takes a slot of its own.
    pid: int | None = None
    name = ""
    descriptor: int | None = None
    # prometheus_client calls the identifier once when the value class is made (in settings,
    # in every process, also in commands that never count anything): no slot is taken then.
    armed = False


def slot_identifier() -> str:
    if not _Slot.armed:
        return "unarmed"
    pid = os.getpid()
    if _Slot.pid == pid:
        return _Slot.name
    if _Slot.descriptor is not None:
        # The parent's lock, inherited by fork: closing this copy leaves the parent's lock held
        # (a flock belongs to the open file, which the parent still has open).
        os.close(_Slot.descriptor)
        _Slot.descriptor = None
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    number = 0
    while True:
        descriptor = os.open(
            os.path.join(directory, f"slot-{number}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
        )
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            number += 1
            continue
        # No underscore: prometheus_client splits file names on it.
        _Slot.pid, _Slot.name, _Slot.descriptor = pid, f"slot{number}", descriptor
        return _Slot.name


def use_slots() -> None:
    """Make every metric created from now on keep its values in the slot's files."""
    values.ValueClass = values.MultiProcessValue(slot_identifier)
    _Slot.armed = True
