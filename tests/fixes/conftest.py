"""Fixtures every planning test here may ask for by name (pytest finds them in a conftest, and an import of
a fixture into each test module reads as unused to pyflakes)."""

from .planning import ran

__all__ = ["ran"]
