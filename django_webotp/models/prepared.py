"""The sign-in path's fixed statements, built by the ORM once per database and run with new values.

Building a query through the ORM costs several times the Python of running it (a filter across
a join: about 15,000 bytecodes; executing the statement it compiles to: about 1,500), and a
sign-in runs the same few statements with new values every time. A ``Prepared`` statement is
built through the ORM the first time it is needed on a database (and again whenever a setting
that shapes it changes), with stand-in values whose places among the SQL parameters it notes;
later runs put the request's values, prepared by the same model fields, in those places. The SQL
is the ORM's own: quoting, types and each backend's dialect stay Django's, and the queryset that
states a rule (``PhoneIdentityQuerySet.may_sign_in``) stays that rule's one home.

Only exact lookups and SET values are prepared this way (the ORM passes those values through
the field unchanged); anything else is built as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.signals import setting_changed
from django.db import connections, models, router, transaction
from django.db.models.sql import UpdateQuery

__all__ = ["Prepared", "compiled_exists", "compiled_rows", "compiled_update", "instance_from_row"]

Compiled = tuple[str, tuple[Any, ...]]


def compiled_exists(queryset: models.QuerySet, using: str) -> Compiled:
    """``SELECT 1 … LIMIT 1``, as ``queryset.exists()`` runs it."""
    return queryset.query.exists().get_compiler(using).as_sql()


def compiled_rows(queryset: models.QuerySet, using: str) -> Compiled:
    """``SELECT <every concrete column> …``: a queryset of whole rows of its model."""
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    columns = [column.target for column, _, _ in compiler.select]
    if columns != list(queryset.model._meta.concrete_fields):
        raise AssertionError("a prepared SELECT returns its model's columns, in their order")
    return sql, params


def instance_from_row(model: type[models.Model], using: str, row: tuple[Any, ...]) -> Any:
    """The model instance a row of all its concrete columns loads as (the ORM's converters)."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    values = []
    for field, value in zip(fields, row, strict=True):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(using, [field.attname for field in fields], values)


def compiled_update(queryset: models.QuerySet, using: str, **values: Any) -> Compiled:
    """``UPDATE … SET … WHERE …``, as ``queryset.update(**values)`` runs it."""
    query: Any = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(using).as_sql()


class Prepared:
    """One statement: ``build(model, using, **values)`` compiles it for ``model``.

    ``fields`` names the model field that prepares each value (``"pk"`` for the primary key), or
    is the field itself (a field of another model the statement's rows are found by).
    ``stand_ins`` are the values it is first built with: each must show up among the compiled
    parameters (once or more) and nowhere else. It is built again for a changed setting.
    """

    def __init__(
        self,
        build: Callable[..., Compiled],
        *,
        fields: Mapping[str, str | models.Field],
        stand_ins: dict[str, Any],
    ) -> None:
        self.build, self.fields, self.stand_ins = build, fields, stand_ins
        self._built: dict[tuple[Any, str], tuple[str, list[Any], dict[str, list[int]]]] = {}
        _ALL.append(self)

    def _prepare(self, model: type[models.Model], name: str, value: Any, connection: Any) -> Any:
        named = self.fields[name]
        field: Any = named
        if isinstance(named, str):
            field = model._meta.pk if named == "pk" else model._meta.get_field(named)
        assert isinstance(field, models.Field)
        return field.get_db_prep_value(value, connection, prepared=False)

    def _statement(
        self, model: type[models.Model], using: str
    ) -> tuple[str, list[Any], dict[str, list[int]]]:
        found = self._built.get((model, using))
        if found is None:
            connection = connections[using]
            sql, params = self.build(model, using, **self.stand_ins)
            places: dict[str, list[int]] = {}
            for name, stand_in in self.stand_ins.items():
                prepared = self._prepare(model, name, stand_in, connection)
                places[name] = [i for i, p in enumerate(params) if p == prepared]
                if not places[name]:
                    raise AssertionError(f"{name} is not among the statement's parameters")
            found = self._built[(model, using)] = (sql, list(params), places)
        return found

    def execute(
        self, model: type[models.Model], read: Callable[[Any], Any], write: bool, **values: Any
    ) -> Any:
        """Run the statement for ``model`` with ``values``; ``read(cursor)`` is the result."""
        using = router.db_for_write(model) if write else router.db_for_read(model)
        connection = connections[using]
        sql, params, places = self._statement(model, using)
        bound = list(params)
        for name, value in values.items():
            prepared = self._prepare(model, name, value, connection)
            for index in places[name]:
                bound[index] = prepared
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, bound)
            return read(cursor)

    def exists(self, model: type[models.Model], **values: Any) -> bool:
        return self.execute(model, lambda cursor: cursor.fetchone() is not None, False, **values)

    def first(self, model: type[models.Model], **values: Any) -> Any:
        """The first row as a ``model`` instance (a ``compiled_rows`` statement), or None."""
        using = router.db_for_read(model)
        row = self.execute(model, lambda cursor: cursor.fetchone(), False, **values)
        return None if row is None else instance_from_row(model, using, row)

    def update(self, model: type[models.Model], **values: Any) -> int:
        return int(self.execute(model, lambda cursor: cursor.rowcount, True, **values))

    def forget(self) -> None:
        self._built.clear()


_ALL: list[Prepared] = []


def _forget_all(**kwargs: Any) -> None:
    """A changed setting (a test's override) may change any statement: build them again."""
    for statement in _ALL:
        statement.forget()


setting_changed.connect(_forget_all, dispatch_uid="django_webotp.models.prepared")
