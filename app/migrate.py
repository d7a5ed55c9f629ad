"""Alembic from code: the schema is made only by migrations."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from app.settings import PROJECT_ROOT


class DatabaseBehind(RuntimeError):
    pass


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


@cache
def head_revisions() -> frozenset[str]:
    """The migrations shipped with this code: read once per process (~30 ms each time). The
    script folder does not depend on a database, hence the placeholder URL."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def check_up_to_date(engine: Engine) -> None:
    heads = head_revisions()
    current = current_revisions(engine)
    if current != heads:
        shown = ", ".join(sorted(current)) or "empty (no migrations applied)"
        raise DatabaseBehind(
            f"The database schema is behind the code: database at {shown}, code at "
            f"{', '.join(sorted(heads))}. Run 'ketnoi migrate' (or 'make migrate') first."
        )
