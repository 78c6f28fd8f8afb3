"""Batches that can be corrected: status, the records' own hash, what replaced them and why.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``status``, ``records_sha256``, ``superseded_by``, ``status_reason``, ``status_at``."""
    with op.batch_alter_table("batches") as batch:
        batch.add_column(
            sa.Column("status", sa.String(16), nullable=False, server_default="active")
        )
        batch.add_column(sa.Column("records_sha256", sa.String(64)))
        batch.add_column(sa.Column("superseded_by", sa.String(64)))
        batch.add_column(sa.Column("status_reason", sa.Text))
        batch.add_column(sa.Column("status_at", sa.String(32)))
        batch.create_index("ix_batches_records", ["kind", "records_sha256"])


def downgrade() -> None:
    """Drop the columns."""
    with op.batch_alter_table("batches") as batch:
        batch.drop_index("ix_batches_records")
        for column in ("status_at", "status_reason", "superseded_by", "records_sha256", "status"):
            batch.drop_column(column)
