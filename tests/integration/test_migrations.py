"""Alembic: upgrade an empty database to head, and the models agree with the migrations."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from matchmaker.models import Base
from web.cli import alembic_config


def test_head_matches_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(database_url):
    config = alembic_config(database_url)
    command.downgrade(config, "base")
    engine = create_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert {"employees", "conversations", "messages", "offers", "history_items"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()
