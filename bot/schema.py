"""The history schema's version: upgrading it (Alembic) and checking it before the bot starts."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

UPGRADE_COMMAND = "draft-review db upgrade"
FIRST_REVISION = "0001"  # the schema the bot created itself before it had migrations


class SchemaOutOfDate(RuntimeError):
    """The database holds history in an older schema; the message says what to run."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str
    empty: bool


def _alembic(connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("bot").joinpath("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _state(connection: Connection) -> SchemaState:
    current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory.from_config(_alembic()).get_current_head()
    tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    return SchemaState(current, str(head), empty=not tables)


async def state(engine: AsyncEngine) -> SchemaState:
    async with engine.connect() as connection:
        return await connection.run_sync(_state)


async def upgrade(engine: AsyncEngine) -> SchemaState:
    """Bring the schema to the newest revision (what `draft-review db upgrade` runs). A database
    made before migrations existed (tables, no version) is recognised as the first revision."""
    return await upgrade_to(engine, "head")


async def upgrade_to(engine: AsyncEngine, revision: str) -> SchemaState:
    """Bring the schema to `revision` (tests build older databases with it)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)
    return await state(engine)


def _upgrade(connection: Connection, revision: str) -> None:
    found = _state(connection)
    config = _alembic(connection)
    if found.current is None and not found.empty:
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, revision)


async def ensure_current(engine: AsyncEngine) -> None:
    """At start-up: create the schema in an empty database; refuse an out-of-date one, since
    migrating existing history is a deliberate step (take a backup first)."""
    found = await state(engine)
    if found.current == found.head:
        return
    if found.empty:
        await upgrade(engine)
        return
    raise SchemaOutOfDate(
        f"数据库结构版本为 {found.current or '未标记'}，最新为 {found.head}。"
        f"请先备份数据库，再运行：{UPGRADE_COMMAND}"
    )
