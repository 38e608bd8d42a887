"""Security headers on every response, Socket.IO's included: the middleware wraps the whole WSGI
app (outside Flask-SocketIO), so nothing leaves without them. Each kind of page gets its own
Content-Security-Policy; only the widget frame and the team page may be framed, by
the sites allowed to."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .config import Settings

# Our pages load scripts, styles, images and sockets from this origin only; no inline script.
_PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
                "form-action 'self'")


# The widget frame, and the team page whose buttons open it (a company embeds both).
_FRAMEABLE = frozenset({"/widget", "/team"})


def _ancestors(widget_origins: str) -> str:
    """Who may frame those pages: the sites allowed to, and this server's own pages (the team
    page frames the widget) when the sites are named rather than any."""
    return widget_origins if widget_origins.strip() == "*" else f"'self' {widget_origins}"


def policy_for(path: str, widget_origins: str) -> tuple[str, bool]:
    """(Content-Security-Policy, whether the page may be framed) for a request path."""
    if path in _FRAMEABLE:
        return f"{_PAGE_POLICY}; frame-ancestors {_ancestors(widget_origins)}", True
    if path == "/widget.js":  # a script other sites include: it needs no page policy
        return "default-src 'none'; frame-ancestors 'none'", False
    return f"{_PAGE_POLICY}; frame-ancestors 'none'", False


class SecurityHeaders:
    """WSGI middleware adding the headers every response must carry (those a view set stay)."""

    def __init__(self, app: Callable, settings: Settings):
        self.app, self.settings = app, settings

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        policy, frameable = policy_for(environ.get("PATH_INFO", ""), self.settings.widget_origins)
        extra = [("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"),
                 ("Referrer-Policy", "strict-origin-when-cross-origin"),
                 ("Cross-Origin-Opener-Policy", "same-origin")]
        if not frameable:
            extra.append(("X-Frame-Options", "DENY"))
        if self.settings.secure_cookies:  # served over HTTPS only: say so for a year
            extra.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

        def with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers = list(headers) + [(k, v) for k, v in extra if k.lower() not in present]
            return start_response(status, headers, exc_info) if exc_info else start_response(
                status, headers)

        return self.app(environ, with_headers)
