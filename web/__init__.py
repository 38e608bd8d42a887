"""The composition root: `create_app` wires the domain, the adapters and the transports."""

from .app import create_app

__all__ = ["create_app"]
