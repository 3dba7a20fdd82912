"""Applies the Alembic migrations shipped inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from cinepass.config import Settings


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", "cinepass:db/migrations")
    config.set_main_option("sqlalchemy.url", settings.database.url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database to `revision`; safe to run on every start."""
    path = settings.database.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
