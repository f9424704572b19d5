"""HTTP adapters (FastAPI) for Telegram, WhatsApp and the web chat; built in the server issue."""
