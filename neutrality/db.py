"""Read replica: the public pages that only read may be served from a PostgreSQL streaming replica.

A view opts in with ``@reads_from_replica``; while it runs, reads of the registry's own data (the ``events`` and
``pledges`` apps) go to the ``replica`` alias, which exists only when ``DATABASE_REPLICA_URL`` is set. Everything
else reads from the primary (``default``): staff pages, signing, sessions and accounts (a replica may lag a
moment behind a sign-in), reads inside a transaction (a service that reads in order to write must see the
primary), and ``select_for_update()``. Every write goes to the primary, whatever the view.
"""

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.http import Http404, StreamingHttpResponse

REPLICA = "replica"
PRIMARY = "default"
# The registry's data; django.contrib's tables (sessions, users, content types) always come from the primary.
REPLICA_APPS = frozenset({"events", "pledges"})

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def _reads_from(replica: bool):
    token = _replica_reads.set(replica)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads():
    """Reads of the registry's data inside this block may come from the replica."""
    return _reads_from(True)


def primary_reads():
    """Reads inside this block come from the primary, even within a replica view."""
    return _reads_from(False)


def _streamed_from_replica(chunks) -> Iterator:
    """A streamed body is produced after the view returned: each chunk is produced under the replica again."""
    chunks = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def reads_from_replica(view):
    """Serve this read-only public view from the replica when there is one.

    A row the replica has not received yet (it lags a moment behind the primary) must not look missing: a 404
    from the replica is asked again of the primary before it is answered.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        try:
            with replica_reads():
                response = view(request, *args, **kwargs)
        except Http404:
            with primary_reads():
                return view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return wrapper


class ReplicaRouter:
    """DATABASE_ROUTERS entry: the replica for reads that a replica view makes, the primary for everything else."""

    def db_for_read(self, model, **hints):
        if (
            _replica_reads.get()
            and model._meta.app_label in REPLICA_APPS
            and replica_configured()
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a pact read from the replica may point at an event read from the primary.
        return True if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the primary's changes, schema included; nothing is migrated on it.
        return db != REPLICA
