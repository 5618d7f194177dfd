"""Sentences of the shared corpus documents, searchable in PostgreSQL (CORPUS_BACKEND=postgres).

On PostgreSQL: the pg_trgm extension, the table, and a trigram (GIN) index on the compare keys.
On SQLite: the same table without extension or index (the postgres backend needs PostgreSQL;
the table keeps the schema and the write path the same everywhere). Documents already in
corpus_documents are split here with the code that splits them when they are added
(bot/pg_corpus.py `sentence_rows`): unlike 0003, this migration imports it on purpose, because
the stored keys must be those of the engine that runs after the upgrade.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TRIGRAM_INDEX = "ix_corpus_sentences_key_trgm"  # bot/pg_corpus.py checks it at start-up


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        available = op.get_bind().scalar(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        )
        if available is None:
            raise RuntimeError(
                "PostgreSQL 服务器缺少扩展 pg_trgm：请安装 PostgreSQL 的 contrib 模块"
                "（Debian/Ubuntu：postgresql-contrib），再运行 draft-review db upgrade"
            )
        # Trusted since PostgreSQL 13: the database's owner (CREATE privilege) may install it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "corpus_sentences",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("corpus_documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
    )
    op.create_index("ix_corpus_sentences_document_id", "corpus_sentences", ["document_id"])
    _fill()
    if postgres:  # after the rows: one index build is faster than growing it row by row
        op.create_index(
            TRIGRAM_INDEX,
            "corpus_sentences",
            ["key"],
            postgresql_using="gin",
            postgresql_ops={"key": "gin_trgm_ops"},
        )


def _fill() -> None:
    """The sentences of every document stored before this revision."""
    from bot.pg_corpus import sentence_rows

    bind = op.get_bind()
    documents = sa.table("corpus_documents", sa.column("id", sa.Integer), sa.column("text"))
    sentences = sa.table(
        "corpus_sentences",
        sa.column("document_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("key", sa.Text),
    )
    rows = bind.execute(sa.select(documents.c.id, documents.c.text).order_by(documents.c.id))
    for document_id, body in rows.all():
        found = [
            {"document_id": document_id, "position": position, "text": sentence, "key": key}
            for position, sentence, key in sentence_rows(body)
        ]
        if found:
            bind.execute(sa.insert(sentences), found)


def downgrade() -> None:
    op.drop_table("corpus_sentences")  # the extension stays: other schemas may use it
