"""Benchmarks for labor-bot components (run them with `python -m bench.<name>`)."""
