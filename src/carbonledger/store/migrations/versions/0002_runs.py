"""Create the runs table (calculation runs and their ledgers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``runs``."""
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16)),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("gwp_set", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("ledger_sha256", sa.String(64), nullable=False),
        sa.Column("ledger_path", sa.Text, nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop ``runs``."""
    op.drop_table("runs")
