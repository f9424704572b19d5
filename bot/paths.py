"""Where the shipped folders are: `flows/` (conversations and their data) and `locales/`."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOWS_DIR = ROOT / "flows"
DATA_DIR = FLOWS_DIR / "data"
LOCALES_DIR = ROOT / "locales"
