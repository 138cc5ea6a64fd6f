"""Helpers the tests share: import them from here; conftest.py files hold only fixtures."""
