"""pdm: `pdm add` / `pdm sync` into the environment pdm keeps for the project; rollback restores
pyproject.toml and pdm.lock, then `pdm sync --clean` (exact)."""

ADD, DEV, SYNC, ASK_PYTHON, RESYNC = ("add",), ("--dev",), ("sync",), ("info", "--python"), (("sync", "--clean"),)
