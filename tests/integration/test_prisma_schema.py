"""schema.prisma must declare every table exactly as the SQLAlchemy models (and so the Alembic
migration, see test_store_migrations) create them on PostgreSQL.

Prisma's own schema engine (npm @prisma/prisma-schema-wasm, offline) validates the file and
turns it into its DMMF; both sides are then reduced to the same shape: per table, each column's
PostgreSQL type, nullability and database default, plus primary key, unique and plain indexes
and foreign keys, all with their names.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ForeignKeyConstraint, Table, TextClause, UniqueConstraint
from sqlalchemy.dialects import postgresql

from gql_server.store.tables import Base

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema.prisma"
TOOL = ROOT / "tools" / "prisma-schema-check"
INSTALL_HINT = "run: cd tools/prisma-schema-check && npm ci"

RunEngine = Callable[[str], subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class Column:
    sql_type: str
    nullable: bool
    default: str | None  # what the database fills in; None when it has no default


@dataclass(frozen=True)
class TableShape:
    columns: dict[str, Column]
    primary_key: tuple[str, tuple[str, ...]]
    unique_indexes: frozenset[tuple[str, tuple[str, ...]]]
    indexes: frozenset[tuple[str, tuple[str, ...]]]
    unique_constraints: frozenset[tuple[str, tuple[str, ...]]]  # Prisma makes indexes instead
    foreign_keys: frozenset[tuple[str, tuple[str, ...], str, tuple[str, ...], str, str]]


# --- schema.prisma, through Prisma's engine -------------------------------------------------

# Prisma's PostgreSQL column type for a scalar without a @db attribute.
_PRISMA_DEFAULT_TYPES = {
    "String": "TEXT",
    "Int": "INTEGER",
    "BigInt": "BIGINT",
    "Float": "DOUBLE PRECISION",
    "Boolean": "BOOLEAN",
    "DateTime": "TIMESTAMP(3) WITHOUT TIME ZONE",
    "Json": "JSONB",
    "Decimal": "DECIMAL(65, 30)",
    "Bytes": "BYTEA",
}
# Defaults Prisma Client computes itself; the database holds none.
_CLIENT_SIDE_DEFAULTS = {"uuid", "cuid", "nanoid", "ulid"}
_REFERENTIAL_ACTIONS = {
    "Cascade": "CASCADE",
    "SetNull": "SET NULL",
    "Restrict": "RESTRICT",
    "NoAction": "NO ACTION",
    "SetDefault": "SET DEFAULT",
}


def _native_type(name: str, args: list[str]) -> str:
    if name in ("Timestamptz", "Timestamp"):
        zone = "WITH" if name == "Timestamptz" else "WITHOUT"
        precision = "" if args in ([], ["6"]) else f"({args[0]})"  # 6 is PostgreSQL's default
        return f"TIMESTAMP{precision} {zone} TIME ZONE"
    simple = {
        "Text": "TEXT",
        "Integer": "INTEGER",
        "BigInt": "BIGINT",
        "DoublePrecision": "DOUBLE PRECISION",
        "Boolean": "BOOLEAN",
        "JsonB": "JSONB",
        "Json": "JSON",
        "Uuid": "UUID",
    }
    if name in simple:
        return simple[name]
    if name == "VarChar":
        return f"VARCHAR({args[0]})" if args else "VARCHAR"
    raise AssertionError(f"teach this test the PostgreSQL name of @db.{name}")


def _prisma_type(field: dict[str, Any]) -> str:
    if field["nativeType"]:
        name, args = field["nativeType"]
        return _native_type(name, args)
    return _PRISMA_DEFAULT_TYPES[field["type"]]


def _prisma_default(field: dict[str, Any]) -> str | None:
    if not field["hasDefaultValue"]:
        return None
    default = field["default"]
    if isinstance(default, dict):
        if default["name"] in _CLIENT_SIDE_DEFAULTS:
            return None
        if default["name"] == "dbgenerated":
            return str(default["args"][0])
        return f"{default['name']}()"
    if isinstance(default, bool):
        return "true" if default else "false"
    return str(default)


def _prisma_shapes(dmmf: dict[str, Any]) -> dict[str, TableShape]:
    datamodel = dmmf["datamodel"]
    models = {m["name"]: m for m in datamodel["models"]}
    table_of = {name: m["dbName"] or name for name, m in models.items()}

    def column_of(model: str, field_name: str) -> str:
        field = next(f for f in models[model]["fields"] if f["name"] == field_name)
        return str(field.get("dbName") or field_name)

    shapes: dict[str, TableShape] = {}
    for name, model in models.items():
        table = table_of[name]
        columns = {
            column_of(name, f["name"]): Column(
                _prisma_type(f), not f["isRequired"], _prisma_default(f)
            )
            for f in model["fields"]
            if f["kind"] in ("scalar", "enum")
        }
        primary_key: tuple[str, tuple[str, ...]] = ("", ())
        unique: set[tuple[str, tuple[str, ...]]] = set()
        plain: set[tuple[str, tuple[str, ...]]] = set()
        for index in datamodel["indexes"]:
            if index["model"] != name:
                continue
            cols = tuple(column_of(name, f["name"]) for f in index["fields"])
            joined = "_".join(cols)
            if index["type"] == "id":
                primary_key = (index.get("dbName") or f"{table}_pkey", cols)
            elif index["type"] == "unique":
                unique.add((index.get("dbName") or f"{table}_{joined}_key", cols))
            else:
                plain.add((index.get("dbName") or f"{table}_{joined}_idx", cols))
        foreign_keys = set()
        for f in model["fields"]:
            if f["kind"] != "object" or not f.get("relationFromFields"):
                continue
            cols = tuple(column_of(name, c) for c in f["relationFromFields"])
            refs = tuple(column_of(f["type"], c) for c in f["relationToFields"])
            # Prisma's defaults: SetNull for an optional relation, Restrict for a required one.
            on_delete = f.get("relationOnDelete") or ("Restrict" if f["isRequired"] else "SetNull")
            on_update = f.get("relationOnUpdate") or "Cascade"
            foreign_keys.add(
                (
                    f"{table}_{'_'.join(cols)}_fkey",
                    cols,
                    table_of[f["type"]],
                    refs,
                    _REFERENTIAL_ACTIONS[on_delete],
                    _REFERENTIAL_ACTIONS[on_update],
                )
            )
        shapes[table] = TableShape(
            columns,
            primary_key,
            frozenset(unique),
            frozenset(plain),
            frozenset(),
            frozenset(foreign_keys),
        )
    return shapes


# --- the SQLAlchemy models ------------------------------------------------------------------

# SQLAlchemy's dialect constructors carry no annotations.
_POSTGRES = postgresql.dialect()  # type: ignore[no-untyped-call]


def _sqlalchemy_default(server_default: Any) -> str | None:
    if server_default is None:
        return None
    arg = server_default.arg
    sql = arg.text if isinstance(arg, TextClause) else str(arg)
    if sql.upper() in ("CURRENT_TIMESTAMP", "NOW()"):
        return "now()"
    if len(sql) >= 2 and sql[0] == sql[-1] == "'":
        return sql[1:-1]
    return sql


def _sqlalchemy_shape(table: Table) -> TableShape:
    columns = {
        c.name: Column(
            c.type.compile(dialect=_POSTGRES),
            bool(c.nullable),
            _sqlalchemy_default(c.server_default),
        )
        for c in table.columns
    }
    primary_key = (str(table.primary_key.name), tuple(c.name for c in table.primary_key.columns))

    def named(items: Any) -> frozenset[tuple[str, tuple[str, ...]]]:
        return frozenset((str(i.name), tuple(c.name for c in i.columns)) for i in items)

    foreign_keys = frozenset(
        (
            str(fk.name),
            tuple(c.name for c in fk.columns),
            fk.referred_table.name,
            tuple(e.column.name for e in fk.elements),
            (fk.ondelete or "NO ACTION").upper(),
            (fk.onupdate or "NO ACTION").upper(),
        )
        for fk in table.constraints
        if isinstance(fk, ForeignKeyConstraint)
    )
    return TableShape(
        columns,
        primary_key,
        named(i for i in table.indexes if i.unique),
        named(i for i in table.indexes if not i.unique),
        named(c for c in table.constraints if isinstance(c, UniqueConstraint)),
        foreign_keys,
    )


def _sqlalchemy_shapes() -> dict[str, TableShape]:
    return {table.name: _sqlalchemy_shape(table) for table in Base.metadata.sorted_tables}


# --- comparison -----------------------------------------------------------------------------


def differences(prisma: dict[str, TableShape], models: dict[str, TableShape]) -> list[str]:
    found: list[str] = []
    for table in sorted(prisma.keys() ^ models.keys()):
        side = "schema.prisma" if table in prisma else "the SQLAlchemy models"
        found.append(f"table {table} is only in {side}")
    for table in sorted(prisma.keys() & models.keys()):
        p, m = prisma[table], models[table]
        for column in sorted(p.columns.keys() ^ m.columns.keys()):
            side = "schema.prisma" if column in p.columns else "the SQLAlchemy models"
            found.append(f"{table}.{column} is only in {side}")
        for column in sorted(p.columns.keys() & m.columns.keys()):
            if p.columns[column] != m.columns[column]:
                found.append(
                    f"{table}.{column}: prisma {p.columns[column]} != models {m.columns[column]}"
                )
        for aspect in (
            "primary_key",
            "unique_indexes",
            "indexes",
            "unique_constraints",
            "foreign_keys",
        ):
            if getattr(p, aspect) != getattr(m, aspect):
                found.append(
                    f"{table} {aspect}: prisma {getattr(p, aspect)} != models {getattr(m, aspect)}"
                )
    return found


# --- running Prisma's engine ----------------------------------------------------------------


@pytest.fixture(scope="module")
def dmmf_of(tmp_path_factory: pytest.TempPathFactory) -> RunEngine:
    """Fails (never skips) when node or the npm package is missing: the check must run."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is not installed; it runs Prisma's schema engine ({INSTALL_HINT})")
    if not (TOOL / "node_modules" / "@prisma" / "prisma-schema-wasm").is_dir():
        pytest.fail(f"@prisma/prisma-schema-wasm is not installed; {INSTALL_HINT}")
    directory = tmp_path_factory.mktemp("prisma")

    def run(text: str) -> subprocess.CompletedProcess[str]:
        path = directory / "schema.prisma"
        path.write_text(text)
        return subprocess.run(
            [node, str(TOOL / "dmmf.js"), str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


def _dmmf(dmmf_of: RunEngine, text: str) -> dict[str, Any]:
    result = dmmf_of(text)
    assert result.returncode == 0, f"Prisma rejected the schema:\n{result.stderr}"
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_schema_prisma_matches_the_sqlalchemy_models(dmmf_of: RunEngine) -> None:
    prisma = _prisma_shapes(_dmmf(dmmf_of, SCHEMA.read_text()))
    assert differences(prisma, _sqlalchemy_shapes()) == []
    assert set(prisma) == {
        "LiteLLM_RoutingGroupTable",
        "api_keys",
        "app_secrets",
        "deployments",
        "routing_group_revisions",
        "simulations",
        "teams",
        "request_log",
        "request_log_attempts",
    }


@pytest.mark.parametrize(
    ("original", "altered", "expected"),
    [
        pytest.param(
            "display_name          String?",
            "display_name          String",
            "deployments.display_name",
            id="flipped-nullability",
        ),
        pytest.param(
            "team_alias String   @unique",
            "team_alias String",
            "teams unique_indexes",
            id="dropped-unique",
        ),
        pytest.param(
            'extra_params          Json     @default("{}")',
            'extra_params          Json     @default("[]")',
            "deployments.extra_params",
            id="changed-default",
        ),
        pytest.param(
            "revoked_at DateTime? @db.Timestamptz(6)",
            "revoked_at DateTime?",
            "api_keys.revoked_at",
            id="changed-type",
        ),
        pytest.param(
            "onDelete: Cascade",
            "onDelete: SetNull",
            "api_keys foreign_keys",
            id="changed-on-delete",
        ),
        pytest.param(
            '@@map("simulations")',
            '@@map("simulation_runs")',
            "table simulation_runs is only in schema.prisma",
            id="renamed-table",
        ),
        pytest.param(
            '  @@index([routing_group_id])\n  @@map("simulations")',
            '  @@map("simulations")',
            "simulations indexes",
            id="dropped-index",
        ),
    ],
)
def test_the_comparison_catches_an_altered_schema(
    dmmf_of: RunEngine, original: str, altered: str, expected: str
) -> None:
    text = SCHEMA.read_text()
    assert text.count(original) == 1, f"the alteration no longer applies: {original!r}"
    prisma = _prisma_shapes(_dmmf(dmmf_of, text.replace(original, altered)))

    found = differences(prisma, _sqlalchemy_shapes())

    assert any(expected in line for line in found), found


def test_prisma_rejects_an_invalid_schema(dmmf_of: RunEngine) -> None:
    text = SCHEMA.read_text().replace("team_id    String   @id", "team_id    Strin   @id")

    result = dmmf_of(text)

    assert result.returncode == 1
    assert "Strin" in result.stderr
