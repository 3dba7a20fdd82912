"""catalogue_version: a counter every change to the catalogue bumps; a tag's films in title
order from one index; title search by trigrams

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:00:00

Each API process caches the catalogue's pages and reads this counter every few moments
(cinepass.page_cache): triggers bump it in the transaction that changes `movies` or
`movie_tags`, whoever makes the change (an API replica, the CLI, an operator's SQL), so no
change can be missed. On PostgreSQL one bump per statement; SQLite has row triggers only.

movie_tags.title repeats its film's title (kept so by triggers, whoever writes) so that a tag's
page is one range of the index (tag, title, movie_id), however large the catalogue.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("movies", "movie_tags")
_EVENTS = ("INSERT", "UPDATE", "DELETE")
_SQLITE_TRIGGER = (
    "CREATE TRIGGER bump_catalogue_version_{table}_{event} AFTER {event} ON {table}"
    " FOR EACH ROW BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END"
)


def upgrade() -> None:
    _tag_titles()
    op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
        sa.CheckConstraint("id = 1", name=op.f("ck_catalogue_version_one_row")),
    )
    op.execute("INSERT INTO catalogue_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        for table in _TABLES:
            for event in _EVENTS:
                op.execute(_SQLITE_TRIGGER.format(table=table, event=event))


def _tag_titles() -> None:
    with op.batch_alter_table("movie_tags") as batch:
        batch.add_column(
            sa.Column("title", sa.String(length=80), server_default="", nullable=False)
        )
    op.execute(
        "UPDATE movie_tags SET title ="
        " (SELECT movies.title FROM movies WHERE movies.id = movie_tags.movie_id)"
    )
    op.create_index("ix_movie_tags_tag_title_movie_id", "movie_tags", ["tag", "title", "movie_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION movie_tag_title() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN NEW.title := (SELECT title FROM movies WHERE id = NEW.movie_id);"
            " RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER movie_tag_title BEFORE INSERT OR UPDATE OF movie_id ON movie_tags"
            " FOR EACH ROW EXECUTE FUNCTION movie_tag_title()"
        )
        op.execute(
            "CREATE FUNCTION movie_title_to_tags() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN UPDATE movie_tags SET title = NEW.title WHERE movie_id = NEW.id;"
            " RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER movie_title_to_tags AFTER UPDATE OF title ON movies FOR EACH ROW"
            " WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION movie_title_to_tags()"
        )
    else:
        op.execute(
            "CREATE TRIGGER movie_tag_title AFTER INSERT ON movie_tags FOR EACH ROW BEGIN"
            " UPDATE movie_tags SET title = (SELECT title FROM movies WHERE id = NEW.movie_id)"
            " WHERE movie_id = NEW.movie_id AND tag = NEW.tag; END"
        )
        op.execute(
            "CREATE TRIGGER movie_title_to_tags AFTER UPDATE OF title ON movies FOR EACH ROW"
            " BEGIN UPDATE movie_tags SET title = NEW.title WHERE movie_id = NEW.id; END"
        )


def _postgresql_upgrade() -> None:
    op.execute(
        "CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; RETURN NULL;"
        " END $$"
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER bump_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version()"
        )
    # A rare title fragment is found through trigrams instead of reading every title; pg_trgm
    # ships with PostgreSQL and is trusted (a database owner may create it). Without it search
    # still works, by reading the titles in order.
    try:
        with op.get_bind().begin_nested():
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return
    op.execute("CREATE INDEX ix_movies_title_key_trgm ON movies USING gin (title_key gin_trgm_ops)")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    # The version's triggers first: SQLite remakes movie_tags below, which drops its triggers.
    if postgresql:
        op.execute("DROP INDEX IF EXISTS ix_movies_title_key_trgm")
        for table in _TABLES:
            op.execute(f"DROP TRIGGER bump_catalogue_version ON {table}")
        op.execute("DROP FUNCTION bump_catalogue_version()")
    else:
        for table in _TABLES:
            for event in _EVENTS:
                op.execute(f"DROP TRIGGER bump_catalogue_version_{table}_{event}")
    op.drop_table("catalogue_version")
    op.execute("DROP TRIGGER movie_title_to_tags" + (" ON movies" if postgresql else ""))
    op.execute("DROP TRIGGER movie_tag_title" + (" ON movie_tags" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION movie_title_to_tags()")
        op.execute("DROP FUNCTION movie_tag_title()")
    op.drop_index("ix_movie_tags_tag_title_movie_id", table_name="movie_tags")
    with op.batch_alter_table("movie_tags") as batch:
        batch.drop_column("title")
