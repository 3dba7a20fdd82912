"""title words (PostgreSQL): each film's title words in title order, and every word seen

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:00:00

A title search is a fragment of the title (`title_key LIKE '%q%'`), shown in title order. A
trigram index finds the matches but not in order: a common word meant sorting thousands of
them for a page of 20. A fragment without a space lies inside one word of the title (words are
what lies between spaces of `title_key`), so:

- `title_words` holds every word ever seen in a title (never pruned: a word no film has any
  more finds nothing), with a trigram index: the words holding a fragment, at once;
- `movie_title_words` holds (word, title, movie_id) per film: each such word's first films
  after the cursor are one range of its primary key, however large the catalogue.

Statement triggers keep both, whoever writes (an API replica, the CLI, COPY, an operator's
SQL). SQLite has neither table: its catalogues are small, and it searches as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each film's words, of the films `films` (a table or a subquery of id, title, title_key):
# what lies between the spaces of title_key.
_WORDS_OF = (
    "SELECT DISTINCT w.word, f.title, f.id FROM {films} f"
    " CROSS JOIN LATERAL regexp_split_to_table(f.title_key, ' ') AS w(word) WHERE w.word <> ''"
)
_ADD_WORDS = "INSERT INTO movie_title_words (word, title, movie_id) " + _WORDS_OF
# In one order: two transactions adding the same new words wait for each other in turn instead
# of each holding one the other wants (a deadlock).
_ADD_VOCABULARY = (
    "INSERT INTO title_words (word) SELECT DISTINCT word FROM ("  # noqa: S608 (constants only)
    + _WORDS_OF
    + ") AS new(word) ORDER BY word"
    " ON CONFLICT DO NOTHING"
)
_ADD = _ADD_WORDS + "; " + _ADD_VOCABULARY + ";"
_REMOVE = (
    "DELETE FROM movie_title_words t USING ("  # noqa: S608 (constants only)
    + _WORDS_OF
    + ") AS gone(word, title, movie_id)"
    " WHERE t.word = gone.word AND t.title = gone.title AND t.movie_id = gone.movie_id;"
)
# The films an UPDATE gave another title (or id): the old rows' words go, the new rows' come.
_CHANGED = "(SELECT id, title, title_key FROM {0} EXCEPT SELECT id, title, title_key FROM {1})"
_FUNCTIONS = {
    "movie_title_words_added": _ADD.format(films="added"),
    "movie_title_words_removed": _REMOVE.format(films="removed"),
    "movie_title_words_changed": _REMOVE.format(films=_CHANGED.format("removed", "added"))
    + _ADD.format(films=_CHANGED.format("added", "removed")),
}
_TRIGGERS = {
    "movie_title_words_added": "INSERT ON movies REFERENCING NEW TABLE AS added",
    "movie_title_words_removed": "DELETE ON movies REFERENCING OLD TABLE AS removed",
    "movie_title_words_changed": (
        "UPDATE ON movies REFERENCING OLD TABLE AS removed NEW TABLE AS added"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "title_words",
        sa.Column("word", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_title_words")),
    )
    op.create_table(
        "movie_title_words",
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("movie_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("word", "title", "movie_id", name=op.f("pk_movie_title_words")),
    )
    for name, body in _FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER {_TRIGGERS[name]} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION {name}()"
        )
    op.execute(
        "CREATE FUNCTION movie_title_words_truncated() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN TRUNCATE movie_title_words; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER movie_title_words_truncated AFTER TRUNCATE ON movies"
        " FOR EACH STATEMENT EXECUTE FUNCTION movie_title_words_truncated()"
    )
    op.execute(_ADD_WORDS.format(films="movies"))
    op.execute(_ADD_VOCABULARY.format(films="movies"))
    # Made by 0009 when it could be (pg_trgm); without it the words are read in full, and
    # there are few of them.
    trigrams = op.get_bind().execute(
        sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    if trigrams.first() is not None:
        op.execute(
            "CREATE INDEX ix_title_words_word_trgm ON title_words USING gin (word gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in (*_FUNCTIONS, "movie_title_words_truncated"):
        op.execute(f"DROP TRIGGER {name} ON movies")
        op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("movie_title_words")
    op.drop_table("title_words")
