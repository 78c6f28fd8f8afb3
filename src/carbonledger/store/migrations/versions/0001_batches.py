"""Create the batches table.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``batches``."""
    op.create_table(
        "batches",
        sa.Column("batch_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False, index=True),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(32)),
        sa.Column("sheet", sa.String(255)),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("parquet_path", sa.Text, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("kind", "source_sha256", name="uq_batches_kind_source"),
    )


def downgrade() -> None:
    """Drop ``batches``."""
    op.drop_table("batches")
