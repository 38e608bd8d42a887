"""Alembic environment: the URL comes from the caller or MATCHMAKER_DATABASE_URL."""

import os

from alembic import context
from sqlalchemy import create_engine

from matchmaker.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get(
    "MATCHMAKER_DATABASE_URL", "sqlite:///instance/matchmaker.db"
)


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
