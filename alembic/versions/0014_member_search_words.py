"""Word-prefix search for the members directory: a table of each member's search words (with the
member's name and trainer), kept by the database itself.

`member_search_words` holds every space-separated word of `members.search_text` (the folded name's
words, the email, the phone's digits) with its member. "Starts with mar" is then a range of its primary
key (`word >= 'mar' AND word < 'mar' || U+10FFFF`, bytewise), read in order and only as far as a page
or a capped count needs: at a million members, the trigram index had to collect every match of a short
search before the first row came out.

Triggers keep it on both engines, so every writer of `search_text` (the app, CSV import, the demo seed,
COPY, bulk updates) keeps it true without knowing it exists:
- PostgreSQL: one statement-level trigger for inserts (a COPY of a million members splits their words in
  one INSERT ... SELECT, not a million function calls) and a row trigger for changed search texts.
- SQLite: row triggers; the words come from `json_each` over the text made a JSON array (a trigger may
  not hold a recursive CTE). A text that is not valid JSON that way (a control character) gets no words,
  never a failed write: substring search still finds it.
Deleting a member deletes its words (foreign key, ON DELETE CASCADE). A later migration that rebuilds
`members` on SQLite (batch mode) must create the SQLite triggers again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION member_search_words_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_search_words (word, member_id, full_name, assigned_trainer_id)
    SELECT DISTINCT word, added.id, added.full_name, added.assigned_trainer_id
    FROM added, unnest(string_to_array(added.search_text, ' ')) AS word
    WHERE word <> '';
    RETURN NULL;
END $$
""",
    """
CREATE OR REPLACE FUNCTION member_search_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.search_text IS NOT DISTINCT FROM OLD.search_text AND NEW.full_name = OLD.full_name
        AND NEW.assigned_trainer_id IS NOT DISTINCT FROM OLD.assigned_trainer_id THEN
        RETURN NULL;
    END IF;
    DELETE FROM member_search_words WHERE member_id = OLD.id;
    INSERT INTO member_search_words (word, member_id, full_name, assigned_trainer_id)
    SELECT DISTINCT word, NEW.id, NEW.full_name, NEW.assigned_trainer_id
    FROM unnest(string_to_array(NEW.search_text, ' ')) AS word
    -- Deleting a trainer's account sets the trainer to NULL on members that the same statement may
    -- delete (their own account going too): a member gone by now gets no words.
    WHERE word <> '' AND EXISTS (SELECT 1 FROM members WHERE members.id = NEW.id);
    RETURN NULL;
END $$
""",
    """
CREATE TRIGGER member_search_words_added AFTER INSERT ON members
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION member_search_words_added()
""",
    """
CREATE TRIGGER member_search_words_changed
    AFTER UPDATE OF search_text, full_name, assigned_trainer_id ON members
    FOR EACH ROW EXECUTE FUNCTION member_search_words_changed()
""",
)

PG_BACKFILL = """
INSERT INTO member_search_words (word, member_id, full_name, assigned_trainer_id)
SELECT DISTINCT word, members.id, members.full_name, members.assigned_trainer_id
FROM members, unnest(string_to_array(members.search_text, ' ')) AS word
WHERE word <> ''
"""

# The text as a JSON array of its words: backslashes and quotes escaped, each space a separator.
_SQLITE_ARRAY = """'["' || replace(replace(replace({text}, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]'"""


def _sqlite_words(text: str) -> str:
    array = _SQLITE_ARRAY.format(text=text)
    return f"json_each(CASE WHEN json_valid({array}) THEN {array} ELSE '[]' END)"


# NEW_WORDS and MEMBER_WORDS stand for `_sqlite_words` of the new row's and each member's text.
SQLITE_TRIGGERS = (
    """
CREATE TRIGGER member_search_words_added AFTER INSERT ON members BEGIN
    INSERT OR IGNORE INTO member_search_words (word, member_id, full_name, assigned_trainer_id)
    SELECT value, NEW.id, NEW.full_name, NEW.assigned_trainer_id FROM NEW_WORDS WHERE value <> '';
END
""",
    """
CREATE TRIGGER member_search_words_changed
    AFTER UPDATE OF search_text, full_name, assigned_trainer_id ON members
WHEN NEW.search_text IS NOT OLD.search_text OR NEW.full_name IS NOT OLD.full_name
    OR NEW.assigned_trainer_id IS NOT OLD.assigned_trainer_id BEGIN
    DELETE FROM member_search_words WHERE member_id = OLD.id;
    INSERT OR IGNORE INTO member_search_words (word, member_id, full_name, assigned_trainer_id)
    SELECT value, NEW.id, NEW.full_name, NEW.assigned_trainer_id FROM NEW_WORDS
    WHERE value <> '' AND EXISTS (SELECT 1 FROM members WHERE members.id = NEW.id);
END
""",
)

SQLITE_BACKFILL = """
INSERT OR IGNORE INTO member_search_words (word, member_id, full_name, assigned_trainer_id)
SELECT value, members.id, members.full_name, members.assigned_trainer_id
FROM members, MEMBER_WORDS WHERE value <> ''
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    word_type = sa.String(length=400, collation="C") if postgres else sa.String(length=400)
    op.create_table(
        "member_search_words",
        sa.Column("word", word_type, nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("assigned_trainer_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("word", "member_id"),
    )
    op.create_index("member_search_words_member_id_idx", "member_search_words", ["member_id"], unique=False)
    for n in (1, 2, 3):
        group = f"substr((word)::text, 1, {n})" if postgres else f"substr(word, 1, {n})"
        op.create_index(
            f"member_search_words_group{n}_idx",
            "member_search_words",
            [sa.text(group), "full_name", "member_id", "word", "assigned_trainer_id"],
            unique=False,
        )
    if postgres:
        op.execute(PG_BACKFILL)
        for statement in PG_FUNCTIONS:
            op.execute(statement)
    else:
        op.execute(SQLITE_BACKFILL.replace("MEMBER_WORDS", _sqlite_words("members.search_text")))
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger.replace("NEW_WORDS", _sqlite_words("NEW.search_text")))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER member_search_words_changed ON members")
        op.execute("DROP TRIGGER member_search_words_added ON members")
        op.execute("DROP FUNCTION member_search_words_changed()")
        op.execute("DROP FUNCTION member_search_words_added()")
    else:
        op.execute("DROP TRIGGER member_search_words_changed")
        op.execute("DROP TRIGGER member_search_words_added")
    for n in (3, 2, 1):
        op.drop_index(f"member_search_words_group{n}_idx", table_name="member_search_words")
    op.drop_index("member_search_words_member_id_idx", table_name="member_search_words")
    op.drop_table("member_search_words")
