"""bun: `bun add <pkg>` (or `bun install` for what package.json declares); rollback runs `bun remove` for what
the install added, then restores package.json and the lockfile."""

NAME = "bun"
ECOSYSTEM = "node"
LOCKFILES = ("bun.lock", "bun.lockb")
MANIFESTS = ("package.json", "bun.lock", "bun.lockb")
ADD, DEV, SYNC, REMOVE = ("add",), ("-d",), ("install",), ("remove",)
