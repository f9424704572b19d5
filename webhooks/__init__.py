"""HTTP adapters (FastAPI) for Telegram, WhatsApp (Twilio) and the web chat, with health and metrics."""

from webhooks.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
