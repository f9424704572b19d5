"""Shared pytest fixtures."""
pytest_plugins = ["tests.redis_server", "tests.fakes.browser", "tests.redis_cluster"]
