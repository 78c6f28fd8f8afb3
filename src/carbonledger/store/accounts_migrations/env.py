"""Alembic environment of the server's accounts database (its own version table)."""

from __future__ import annotations

from alembic import context

from carbonledger.store.account_models import AccountBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=AccountBase.metadata,
    render_as_batch=True,
    version_table=context.config.attributes["version_table"],
)
with context.begin_transaction():
    context.run_migrations()
