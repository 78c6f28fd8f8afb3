"""Create the event history of the single write path and the user factor releases.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``events`` and ``factor_releases``."""
    op.create_table(
        "events",
        sa.Column("entry", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False, index=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "factor_releases",
        sa.Column("release_id", sa.String(128), primary_key=True),
        sa.Column("publisher", sa.Text, nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("licence", sa.Text, nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("factor_releases")
    op.drop_table("events")
