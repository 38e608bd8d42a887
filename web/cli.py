"""CLI commands: `flask --app web init-db | seed-demo | create-employee | serve`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from matchmaker import demo, profiles, staff
from matchmaker.errors import InvalidInput

from .services import services

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "matchmaker-demo"


def alembic_config(url: str) -> Config:
    """Alembic's config for this repository's migrations and this database."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (Alembic upgrade head)."""
    url = services().settings.database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
    click.echo("database is at the latest schema")


@click.command("seed-demo")
@with_appcontext
@click.option("--password", default=DEMO_PASSWORD, show_default=True,
              help="Password given to every demo login.")
def seed_demo(password: str):
    """Seed the demo company when the database has no employees yet; print the logins."""
    svc = services()
    data = demo.load_demo()
    with svc.transaction() as session:
        if demo.is_empty(session):
            click.echo("seeding the demo company (embedding profiles)...")
            demo.seed_demo_company(session, svc.encoder, data, password, svc.clock())
        else:
            click.echo("employees exist already: demo seed skipped")
    by_access = {}
    for record in data["employees"]:
        by_access.setdefault(record.get("access", "agent"), record["email"])
    click.echo(f"Demo logins (password: {password}):")
    for access, email in sorted(by_access.items()):
        click.echo(f"  {access:<10} {email}")


@click.command("create-employee")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["developer", "sales", "support",
                                                          "management"]))
@click.option("--access", default="agent", type=click.Choice(["agent", "marketing", "admin"]))
@click.option("--title", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_employee(email, name, role, access, title, password):
    """Create (or update) one employee account."""
    svc = services()
    record = {"email": email, "name": name, "role": role, "access": access, "title": title}
    try:
        with svc.transaction() as session:
            employee, changed = staff.upsert_employee(session, record, svc.clock(), password)
            if changed:
                profiles.embed_employees(session, svc.encoder, [employee])
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"employee {email} saved")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int):
    """Serve the app with Socket.IO, the offer sweeper and a warm model."""
    from .runtime import start_sweeper, warm_up

    app = current_app._get_current_object()
    warm_up(app)
    start_sweeper(app)
    click.echo(f"Matchmaker on http://{host}:{port}/ (demo site), /console, /marketing, /admin")
    services().socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                            use_reloader=False, log_output=False)
