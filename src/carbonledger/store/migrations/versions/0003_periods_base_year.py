"""Create the period-lock history and the base-year versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``period_versions`` and ``base_year_versions``."""
    op.create_table(
        "period_versions",
        sa.Column("entry", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(16), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_id", sa.String(64)),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_table(
        "base_year_versions",
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("base_year", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("base_year_versions")
    op.drop_table("period_versions")
