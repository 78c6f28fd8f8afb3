"""Alembic environment: runs migrations on the connection the workspace hands over."""

from __future__ import annotations

from alembic import context

from carbonledger.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    version_table=context.config.attributes.get("version_table", "alembic_version"),
)
with context.begin_transaction():
    context.run_migrations()
