"""Keyset pagination over pacts, newest first on (signed_at, id).

``OFFSET`` makes page 2,000 of a million rows read 100,000 rows first; a cursor made of the last row's
(signed_at, id) lets the database start right there through the ``pact_registry_order`` index, at any depth.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ONE_MICROSECOND = datetime.timedelta(microseconds=1)


class BadCursor(ValueError):
    pass


def encode_cursor(signed_at: datetime.datetime, pk: int) -> str:
    return f"{(signed_at - EPOCH) // ONE_MICROSECOND}-{pk}"


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        micros, pk = cursor.split("-")
        return EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise BadCursor(cursor) from None


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def older_than(queryset: QuerySet, cursor: str) -> QuerySet:
    signed_at, pk = decode_cursor(cursor)
    # The redundant signed_at bound lets the index scan start at the cursor instead of filtering up to it.
    older = Q(signed_at__lt=signed_at) | Q(signed_at=signed_at, pk__lt=pk)
    return queryset.filter(older, signed_at__lte=signed_at).order_by("-signed_at", "-pk")


def newer_than(queryset: QuerySet, cursor: str) -> QuerySet:
    """Oldest first, so that a LIMIT takes the rows right before the cursor (the caller reverses them)."""
    signed_at, pk = decode_cursor(cursor)
    newer = Q(signed_at__gt=signed_at) | Q(signed_at=signed_at, pk__gt=pk)
    return queryset.filter(newer, signed_at__gte=signed_at).order_by("signed_at", "pk")


def keyset_page(queryset: QuerySet, *, after: str = "", before: str = "", size: int) -> KeysetPage:
    """One page of ``queryset`` after (older than) or before (newer than) a cursor; the first page without."""
    if before:
        rows = list(newer_than(queryset, before)[: size + 1])
        if not rows:  # nothing newer any more: the newest page is the answer
            return keyset_page(queryset, size=size)
        has_more = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            next_cursor=_cursor(rows[-1]) if rows else None,
            previous_cursor=_cursor(rows[0]) if rows and has_more else None,
        )
    queryset = older_than(queryset, after) if after else queryset.order_by("-signed_at", "-pk")
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=_cursor(rows[-1]) if rows and has_more else None,
        previous_cursor=_cursor(rows[0]) if rows and after else None,
    )


def _cursor(pact) -> str:
    return encode_cursor(pact.signed_at, pact.pk)
