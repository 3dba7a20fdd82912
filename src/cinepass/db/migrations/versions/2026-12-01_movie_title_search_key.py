"""movies.title_key: the case- and accent-free title that search compares

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cinepass.text import search_key

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_key", sa.String(length=240), nullable=True))
    conn = op.get_bind()
    movies = sa.table(
        "movies",
        sa.column("id", sa.String),
        sa.column("title", sa.String),
        sa.column("title_key", sa.String),
    )
    rows = conn.execute(sa.select(movies.c.id, movies.c.title)).all()
    update = (
        sa.update(movies)
        .where(movies.c.id == sa.bindparam("movie_id"))
        .values(title_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        conn.execute(update, [{"movie_id": r.id, "key": search_key(r.title)} for r in batch])
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.alter_column("title_key", existing_type=sa.String(length=240), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.drop_column("title_key")
