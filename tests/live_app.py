"""Run the real server for tests: `python -m tests.live_app --port N --database-url URL`.

The same factory, migrations, seed and serve command as production; only the encoder can be
the deterministic fake (the default) so routing in live tests is predictable and fast."""

from __future__ import annotations

import argparse
import json
import sys

from alembic import command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--real-model", action="store_true")
    parser.add_argument("--seed", choices=["demo", "none"], default="demo")
    parser.add_argument("--settings", default="{}", help="JSON overrides for create_app")
    parser.add_argument("--catch-mail", action="store_true",
                        help="run the loopback SMTP catcher (settings give its port and folder)")
    args = parser.parse_args()

    from tests.fakes import HashingEncoder
    from web import create_app
    from web.cli import alembic_config, seed_demo, serve

    overrides = {"database_url": args.database_url, "secret_key": "live-test-secret",
                 "public_url": f"http://127.0.0.1:{args.port}", **json.loads(args.settings)}
    app = create_app(overrides, encoder=None if args.real_model else HashingEncoder())
    command.upgrade(alembic_config(args.database_url), "head")
    runner = app.test_cli_runner()
    if args.seed == "demo":
        result = runner.invoke(seed_demo, [])
        if result.exit_code:
            print(result.output, file=sys.stderr)
            raise SystemExit(1)
    with app.app_context():
        serve.callback.__wrapped__(host="127.0.0.1", port=args.port, catch_mail=args.catch_mail)


if __name__ == "__main__":
    main()
