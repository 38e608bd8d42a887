"""Production entry point: `gunicorn --worker-class gevent --workers 1 web.wsgi:app`.

One gevent worker per process; run several processes (or `--workers N`: the clients speak
websocket only, so a connection stays on the process that accepted it) sharing PostgreSQL and
Redis (see README, "Production")."""

from web import create_app
from web.runtime import start_mailer, start_presence_keeper, start_sweeper, warm_up

app = create_app()
warm_up(app)
start_sweeper(app)
start_presence_keeper(app)
start_mailer(app)
