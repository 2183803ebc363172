"""A hot `.values()` list compiled to SQL once per database connection (issue 17).

Django compiles a queryset to SQL on every evaluation, and writes LIMIT/OFFSET into the text,
so every page is a new statement for PostgreSQL too. For the unfiltered customer list, the most
frequent request, that compilation and the iterator around it took ~0.2 ms of a ~1.5 ms request
(bench/profile_request.py). `CompiledPage` asks Django's own compiler once per connection for
the SQL, the column names and the converters the ORM would apply, then runs that one statement
with the page's LIMIT and OFFSET as parameters: the same rows and values as slicing the queryset
(tests compare both), one statement text whatever the page, which psycopg then prepares once per
connection (`prepare_threshold`).

Only for querysets with `.values()` rows, an ORDER BY, no slice, no `distinct`/`union`, no
`select_related` or composite keys; anything else is refused when compiled.
"""

import weakref
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable


class CompiledPage:
    def __init__(self, build: Callable[[], QuerySet], using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._using = using
        # One compilation per connection object (one per thread): the backend's converters are
        # bound to the connection they were asked from.
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def page(self, offset: int, limit: int) -> list[dict]:
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = _compile(self._build(), connection)
        sql, params, names, compiler, converters = compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, limit, offset))
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(names, row, strict=True)) for row in rows]


def _compile(queryset: QuerySet, connection) -> tuple:
    query = queryset.query
    if queryset._iterable_class is not ValuesIterable:
        raise TypeError("CompiledPage needs a .values() queryset")
    if query.is_sliced or query.distinct or query.combinator or not query.order_by:
        raise TypeError("CompiledPage needs an ordered, unsliced, plain queryset")
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    expressions = [select[0] for select in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(expressions) or query.select_related:
        raise TypeError("CompiledPage cannot read composite keys or related objects")
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    if len(names) != len(expressions):
        raise TypeError("CompiledPage could not name every column")
    converters = compiler.get_converters(expressions)
    return f"{sql} LIMIT %s OFFSET %s", tuple(params), names, compiler, converters
