"""heal: run a command exactly as the shell would; when it fails, diagnose and fix it."""

# Kept as a literal (not importlib.metadata) so `heal --version` and the run fast path stay cheap.
__version__ = "0.1.0"
