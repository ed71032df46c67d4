"""Reflex configuration, derived from THRUST's settings (see thrust/core/settings.py)."""

import os
import sys

import reflex as rx

# npm, not bun (bun cannot be downloaded on our boxes); no telemetry.
os.environ.setdefault("REFLEX_USE_NPM", "1")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

from thrust.core.settings import SettingsError, get_settings
from thrust.ui import styles

try:
    settings = get_settings()
except SettingsError as error:
    # One clear line naming the variable, not a traceback.
    print(f"THRUST cannot start: {error}", file=sys.stderr)
    sys.exit(2)

config = rx.Config(
    app_name="thrust",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Origins come from settings, never "*": with cookies, "*" would allow cross-site socket hijacking.
    cors_allowed_origins=settings.allowed_origins,
    redis_url=settings.redis_url,
    api_url=settings.public_url,
    deploy_url=settings.public_url,
    frontend_port=settings.port,
    backend_port=settings.port,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color=styles.ACCENT, gray_color=styles.GRAY, radius=styles.RADIUS)
        )
    ],
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
)
