"""`create_app`: a pure factory. No migrations, sleeps or network calls in here."""

from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from embeddings.language import shared_detector
from embeddings.multilingual import make_encoder
from embeddings.names import shared_names
from matchmaker.db import make_engine, make_one_statement, make_statement, make_transaction
from matchmaker.impact import ImpactReader
from matchmaker.models import utcnow
from matchmaker.ports import Encoder, LanguageDetector, LexicalIndex, NameFinder, ProfileIndex
from matchmaker.story_finder import PassageReadings
from matchmaker.values import Policy

from . import (
    admin,
    api,
    apidocs,
    attachments,
    auth,
    cli,
    consent_page,
    console,
    customer_events,
    employee_events,
    errors,
    i18n,
    limits,
    mail,
    marketing,
    overview,
    pages,
    privacy,
    redaction,
    snippets,
    stories,
    story_console,
    story_exports,
    story_search,
    team,
)
from .attachment_files import ContentInspector
from .attachment_stores import make_store
from .config import INSTANCE_DIR, load_settings
from .headers import SecurityHeaders
from .runtime import cpu_runner, offloaded
from .schemas import IdConverter
from .services import Services, make_matcher
from .sessions import EventSessionInterface
from .streams import StreamManager
from .websocket import WithoutCompression


def create_app(
    overrides: dict | None = None, *, encoder: Encoder | None = None,
    index: ProfileIndex | None = None, lexical: LexicalIndex | None = None, clock=utcnow,
    detector: LanguageDetector | None = None, names: NameFinder | None = None,
) -> Flask:
    """Build the app: config from the environment (then overrides), services, routes, events."""
    settings = load_settings(overrides)
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.session_interface = EventSessionInterface()  # no cookie decoded per Socket.IO event
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=settings.max_payload_bytes,
        WTF_CSRF_TIME_LIMIT=None,
    )
    socketio = SocketIO(
        app,
        async_mode=settings.async_mode,
        # Several processes share emits through a Redis stream (web/streams.py): an event
        # published while Redis restarts is sent when it is back, not dropped.
        client_manager=StreamManager(settings.redis_url) if settings.redis_url else None,
        max_http_buffer_size=settings.max_payload_bytes,
        cors_allowed_origins=None,  # same origin only: the widget runs in our own iframe
        async_handlers=settings.async_mode != "threading",
        # Only the namespaces with handlers (no anonymous default namespace); the browser
        # clients speak websocket only, so no long-polling bodies to bound or wait for.
        namespaces=["/customer", "/employee"], transports=["websocket"],
        json=errors.PacketJSON,
        ping_interval=settings.ping_interval, ping_timeout=settings.ping_timeout,
    )
    errors.guard_socketio(socketio)
    engine = make_engine(settings.database_url, settings.db_pool_size)
    encoder = offloaded(encoder or make_encoder(settings.model), settings.async_mode)
    detector = detector or shared_detector(tuple(settings.languages.split()))
    fixed_min_fit = settings.min_score or None  # 0: the model's calibration
    app.extensions["matchmaker"] = Services(
        settings=settings,
        engine=engine,
        transaction=make_transaction(engine),
        statement=make_statement(engine),
        one_statement=make_one_statement(engine),
        encoder=encoder,
        run_cpu=cpu_runner(settings.async_mode),
        detector=detector,
        matcher=make_matcher(encoder, index, lexical, detector=detector, min_fit=fixed_min_fit),
        policy=Policy(offer_timeout_s=settings.offer_timeout, offer_ack_s=settings.offer_ack_timeout,
                      presence_ttl_s=settings.presence_ttl, widget_ttl_s=settings.widget_ttl,
                      rejoin_grace_s=settings.rejoin_grace,
                      min_fit=settings.min_score or 0.3, working_hours=settings.working_hours,
                      max_question_chars=settings.max_question_chars,
                      max_message_chars=settings.max_message_chars,
                      mail_enabled=bool(settings.smtp_host), mail_delay_s=settings.mail_delay),
        socketio=socketio,
        clock=clock,
        attachment_store=make_store(settings),
        file_inspector=ContentInspector(),
        names=names or shared_names(),
        story_readings=PassageReadings(ImpactReader(encoder)),
    )
    mail.init_app(app, settings)
    limits.init_app(app, settings)
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # the widget API authenticates by token, never by cookie
    auth.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    app.url_map.converters["id"] = IdConverter
    for blueprint in (auth.bp, api.bp, apidocs.bp, pages.bp, console.bp, marketing.bp, admin.bp,
                      i18n.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(snippets.bp)
    app.register_blueprint(snippets.console_bp)
    app.register_blueprint(team.bp)  # the team page, /api/team and "My public profile"
    app.register_blueprint(story_search.bp)  # marketing's story candidates
    app.register_blueprint(story_search.api_bp)
    app.register_blueprint(overview.bp)  # marketing's charts
    app.register_blueprint(privacy.bp)  # export and erasure on request, the audit log
    app.register_blueprint(story_exports.bp)  # stories as Markdown, JSON, CSV (consented only)
    app.register_blueprint(story_exports.share_bp)  # the share kit in the console
    app.register_blueprint(redaction.bp)  # marketing's preview of a redacted quote
    app.register_blueprint(attachments.bp)  # upload by key, download by signed link
    app.register_blueprint(attachments.console_bp)  # upload from the console (CSRF checked in it)
    app.register_blueprint(stories.bp)  # marketing's proof stories (docs/stories.md)
    app.register_blueprint(story_console.bp)  # "My stories" in the console
    app.register_blueprint(consent_page.bp)  # the customer's consent link for story quotes
    csrf.exempt(attachments.bp)
    csrf.exempt(attachments.console_bp)
    app.cli.add_command(cli.init_db)
    app.cli.add_command(cli.seed_demo)
    app.cli.add_command(cli.create_employee)
    app.cli.add_command(cli.serve)
    app.cli.add_command(cli.import_employees_command)
    app.cli.add_command(cli.eval_routing)
    app.cli.add_command(cli.eval_handover)
    app.cli.add_command(cli.eval_redaction)
    app.cli.add_command(cli.eval_impact)
    app.cli.add_command(cli.reembed)
    socketio.on_namespace(customer_events.CustomerNamespace("/customer"))
    socketio.on_namespace(employee_events.EmployeeNamespace("/employee"))
    if settings.trusted_proxies:  # the client's address, as the proxies in front saw it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,
                                x_proto=settings.trusted_proxies)
    if not settings.websocket_compression:
        app.wsgi_app = WithoutCompression(app.wsgi_app)
    app.wsgi_app = SecurityHeaders(app.wsgi_app, settings)  # outermost: Socket.IO's too
    return app


