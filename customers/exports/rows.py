"""The export's rows: which customers (the list's filters, or a selection of ids) and their
cells, read in constant memory."""

import datetime
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DateTimeField, F, Func, Value

from customers.filters import CustomerFilter
from customers.models import Customer
from ecommerce_admin.dates import local_zone
from ecommerce_admin.db_timeouts import long_statements

#: Rows fetched per round trip from the server-side cursor.
CHUNK_SIZE = 5_000
#: The export-all filters (API.md §3.12): the customer list's, by their request names.
FILTER_NAMES = ("name", "email", "status", "customerGroup", "date", "keyword")
EMPTY_LIST = "list is empty"


class InvalidFilters(ValueError):
    """The filters do not validate; `errors` maps each parameter to its messages."""

    def __init__(self, errors):
        super().__init__("Invalid export filters.")
        self.errors = errors


def filtered_customers(params):
    """The export-all queryset: the list's FilterSet over live customers, newest first.

    One place for the API route and `manage.py export_customers`; raises InvalidFilters.
    """
    filterset = CustomerFilter(data=params, queryset=Customer.objects.alive())
    if not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    return filterset.qs.newest_first()


def used_filters(params) -> dict[str, str]:
    """The filters an export-all applied, for the export log."""
    return {name: params[name] for name in FILTER_NAMES if params.get(name)}


_COLUMNS = ("id", "first_name", "last_name", "username", "email", "mobile_number", "created_at")


def _local_zone():
    if not settings.USE_TZ:
        return None
    # datetime's own UTC is several times faster to convert to than ZoneInfo("UTC").
    return datetime.UTC if settings.TIME_ZONE == "UTC" else local_zone()


def _convert(raw: Iterable[tuple], zone) -> Iterator[tuple]:
    """DB tuples → export rows: (id, "first last", username, email, mobile, local naive time)."""
    for pk, first, last, username, email, mobile, created in raw:
        name = f"{first} {last}".strip() if last else first.strip()
        if zone is not None and created.tzinfo is not None:
            created = created.astimezone(zone).replace(tzinfo=None)
        yield pk, name, username, email, mobile, created


def _is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _pg_rows(queryset) -> Iterator[tuple]:
    """Rows through a binary server-side cursor: a third of the ORM iterator's cost.

    The binary protocol hands timestamps over as packed integers instead of text to parse; the
    SQL is still the queryset's own, compiled by Django, so filters stay in one place.
    """
    connection = connections[queryset.db]
    columns: tuple = _COLUMNS
    if settings.USE_TZ:
        # PostgreSQL turns the timestamps into local wall-clock time (`timezone(zone, ts)` is
        # AT TIME ZONE): cheaper there than a Python astimezone() per row.
        local = Func(
            Value(settings.TIME_ZONE),
            F("created_at"),
            function="timezone",
            output_field=DateTimeField(),
        )
        queryset = queryset.annotate(_export_local_created=local)
        columns = (*_COLUMNS[:-1], "_export_local_created")
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor(name=f"customer_export_{id(queryset)}", binary=True) as cur:
        cur.itersize = CHUNK_SIZE
        cur.execute(sql, params)
        while True:
            chunk = cur.fetchmany(CHUNK_SIZE)
            if not chunk:
                return
            yield from chunk
            del chunk  # not kept alive while the next one is fetched


def queryset_rows(queryset) -> Iterator[tuple]:
    """Export rows of `queryset` in its order, in constant memory.

    On PostgreSQL the rows are read inside a transaction (a server-side cursor needs one, and the
    export then reads one consistent snapshot); SQLite reads in chunks outside one (its
    transactions take the write lock here).
    """
    zone = _local_zone()
    if _is_postgres(queryset):
        # Web requests get a short statement_timeout; a full export may sort a million rows.
        with transaction.atomic(using=queryset.db), long_statements(connections[queryset.db]):
            yield from _convert(_pg_rows(queryset), zone)
    else:
        raw = queryset.values_list(*_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
        yield from _convert(raw, zone)


def selection_rows(ids: Sequence[int], *, using: str | None = None) -> list[tuple] | None:
    """Export rows of the non-deleted customers `ids`, in that order; None if any is missing.

    A selection holds at most 10,000 ids (ecommerce_admin.ids.MAX_IDS), so its rows are held to be
    put in the requested order.
    """
    using = using or router.db_for_read(Customer)
    found: dict[int, tuple] = {}
    for start in range(0, len(ids), 1000):  # SQLite caps the parameters of one statement
        batch = ids[start : start + 1000]
        queryset = Customer.objects.using(using).alive().filter(id__in=batch).order_by()
        for row in _convert(queryset.values_list(*_COLUMNS), _local_zone()):
            found[row[0]] = row
    if len(found) != len(ids):
        return None
    return [found[pk] for pk in ids]
