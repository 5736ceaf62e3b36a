"""``kind: sql``: a table or query of an agency database, read by dlt's ``sql_table`` as Arrow batches.

The table (or the query's result) is reflected once up front, so an unreachable server, a missing table, a
declared column or cursor the source lacks all fail before anything moves, naming the dataset and the URL
without its password. dlt then streams the rows with the pyarrow backend; with ``incremental`` it adds a
``WHERE cursor >= last value`` (dlt drops the rows it already loaded at that value) and keeps the cursor in
its state, which lives in the warehouse. A transformer named after the dataset applies the registry's
names and types to every batch: undeclared NUMERIC columns become floats and timestamps without an offset
are taken as local time (Asia/Ho_Chi_Minh) and stored as UTC instants, as for every other source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import dlt
import pyarrow as pa
import sqlalchemy as sa

from pipelines.envsubst import expand
from pipelines.errors import SourceError
from pipelines.model import Dataset, SqlSource
from pipelines.readers.columns import check_declared, declared_columns, header_key, renamed, target_names
from pipelines.settings import IngestSettings
from pipelines.types import REJECTED_TABLE, Rejects, arrow_type, cast_column
from pipelines.urls import redact_url

CHUNK_ROWS = 50_000
_MYSQL = ("mysql", "mariadb")


def sql_resource(dataset: Dataset, env: Mapping[str, str], settings: IngestSettings):
    """The dataset's dlt resource: its table or query as Arrow batches with the registry's names and types."""
    from dlt.sources.sql_database import sql_table

    src: SqlSource = dataset.source  # type: ignore[assignment]
    written = expand(src.url, env, where=f"dataset '{dataset.id}' source.url")
    public = redact_url(written)
    url = _engine_url(written, dataset, public)
    table = _reflect(url, src, dataset, public)
    columns = [c.name for c in table.columns]
    check_declared([header_key(c) for c in columns], dataset, public)
    cursor = _cursor(dataset, columns, public) if dataset.incremental else None
    rows = sql_table(
        credentials=url.render_as_string(hide_password=False), table=table.name, metadata=table.metadata,
        backend="pyarrow", chunk_size=CHUNK_ROWS, reflection_level="minimal" if src.query else "full",
        table_adapter_callback=_query_adapter(src.query) if src.query else None,
        incremental=dlt.sources.incremental(cursor, initial_value=dataset.incremental.initial_value) if cursor else None,
    )
    # named apart from the transformer (a table may be named like the dataset); dlt keys the cursor by this name
    return rows.with_name(f"{dataset.id}__sql") | _registry_batches(dataset, columns)


def _cursor(dataset: Dataset, columns: list[str], public: str) -> str:
    """The source column of ``incremental.cursor``, given as the database's column name or its curated name."""
    cursor = dataset.incremental.cursor
    if cursor in columns:
        return cursor
    curated = dict(zip(target_names([header_key(c) for c in columns], dataset), columns))
    if cursor in curated:
        return curated[cursor]
    raise SourceError(dataset.id, f"incremental cursor '{cursor}' is not a column of the source; it has {columns}", url=public)


def _engine_url(written: str, dataset: Dataset, public: str) -> sa.URL:
    """The SQLAlchemy URL; MariaDB/MySQL connections get ``charset=utf8mb4`` unless the URL names one."""
    try:
        url = sa.make_url(written)
    except sa.exc.ArgumentError:
        raise SourceError(dataset.id, "source.url is not a SQLAlchemy database URL", url=public) from None
    if url.get_backend_name() in _MYSQL and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def _reflect(url: sa.URL, src: SqlSource, dataset: Dataset, public: str) -> sa.Table:
    """The source table as SQLAlchemy reflects it, or a table holding the query's result columns."""
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise SourceError(dataset.id, f"cannot use this database URL: {_scrub(exc, url)}", url=public) from None
    try:
        with engine.connect() as conn:
            return _query_table(conn, src.query, dataset.id) if src.query else _table(conn, src.table)
    except sa.exc.NoSuchTableError:
        raise SourceError(dataset.id, f"table '{src.table}' not found; {_tables_of(engine, src.table)}", url=public) from None
    except sa.exc.SQLAlchemyError as exc:
        what = "query failed" if src.query else "cannot read the database"
        raise SourceError(dataset.id, f"{what}: {_scrub(exc, url)}", url=public) from None
    finally:
        engine.dispose()


def _split(table: str) -> tuple[str | None, str]:
    """``public.co_so_y_te`` → (``public``, ``co_so_y_te``); a bare name has no schema."""
    schema, _, name = table.rpartition(".")
    return schema or None, name


def _table(conn: sa.Connection, table: str) -> sa.Table:
    schema, name = _split(table)
    return sa.Table(name, sa.MetaData(schema=schema), autoload_with=conn)


def _query_table(conn: sa.Connection, query: str, dataset_id: str) -> sa.Table:
    """A stand-in table named ``<id>_query`` with the query's result columns (read with a no-row probe)."""
    alias = f"{dataset_id}_query"
    probe = sa.select(sa.text("*")).select_from(_query_adapter(query)(sa.table(alias))).where(sa.false())
    names = list(conn.execute(probe).keys())
    return sa.Table(alias, sa.MetaData(), *(sa.Column(name) for name in names))


def _query_adapter(query: str):
    """dlt table adapter: select from the registry's query (as a subquery) instead of the stand-in table.

    dlt builds its SELECT, incremental WHERE and ORDER BY on the subquery's columns. Colons are escaped so
    that text like ``'13:15'`` or ``::date`` is not taken for a bind parameter.
    """
    body = query.strip().rstrip(";").replace(":", r"\:")

    def adapt(table: sa.TableClause):
        return sa.text(body).columns(*(sa.column(c.name) for c in table.columns)).subquery(table.name)

    return adapt


def _tables_of(engine: sa.Engine, table: str) -> str:
    schema, _ = _split(table)
    try:
        inspector = sa.inspect(engine)
        names = sorted(inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema))
    except sa.exc.SQLAlchemyError:
        return "the schema could not be listed"
    return f"schema '{schema}' has {names}" if schema else f"the database has {names}"


def _scrub(exc: BaseException, url: sa.URL) -> str:
    """The driver's first message line, with the password masked should the driver have echoed it."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line.replace(url.password, "***") if url.password else line


def _registry_batches(dataset: Dataset, columns: list[str]):
    """dlt transformer named after the dataset: each Arrow table from sql_table as registry-typed batches."""
    headers = [header_key(c) for c in columns]
    names = target_names(headers, dataset)
    declared = {h for h, column in declared_columns(dataset).items() if column.type}
    seen = {"rows": 0}

    # no static table_name: values that do not parse go to their own table (REJECTED_TABLE)
    @dlt.transformer(name=dataset.id, write_disposition="append")
    def registry_batches(table: pa.Table) -> Iterator[pa.RecordBatch]:
        """Rows of the agency database with the registry's column names and types."""
        for batch in table.to_batches():
            if batch.num_rows == 0:
                continue
            arrays = [_column(batch, column, dataset.id, header in declared) for column, header in zip(columns, headers)]
            aligned = pa.RecordBatch.from_arrays(arrays, names=headers)
            rejects = Rejects()
            yield renamed(aligned, headers, names, dataset, first_row=seen["rows"] + 1, row_label="row",
                          rejects=rejects)
            if rejects.rows:
                yield dlt.mark.with_table_name(rejects.table(), REJECTED_TABLE)
            seen["rows"] += batch.num_rows

    return registry_batches


def _column(batch: pa.RecordBatch, name: str, dataset_id: str, declared: bool) -> pa.Array:
    """One source column (all-null when dlt left it out); undeclared ones in regionlink's own types."""
    index = batch.schema.get_field_index(name)
    values = batch.column(index) if index >= 0 else pa.nulls(batch.num_rows)
    if declared:
        return values
    if pa.types.is_decimal(values.type):
        return values.cast(arrow_type("float"))
    if pa.types.is_timestamp(values.type):
        return cast_column(values, arrow_type("timestamp"), dataset=dataset_id, column=name)
    if pa.types.is_null(values.type):
        return values.cast(arrow_type("string"))
    return values
