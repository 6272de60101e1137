"""Web stage: `storycheck serve`, pages and a JSON API over the store (FastAPI, Jinja2)."""

from ._app import CSP, MAX_BODY, WebOptions, create_app, serve

__all__ = ["CSP", "MAX_BODY", "WebOptions", "create_app", "serve"]
