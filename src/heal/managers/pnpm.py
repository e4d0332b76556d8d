"""pnpm: `pnpm add <pkg>` (or `pnpm install` for what package.json declares); rollback runs `pnpm remove` for what
the install added, then restores package.json and the lockfile."""

NAME = "pnpm"
ECOSYSTEM = "node"
LOCKFILES = ("pnpm-lock.yaml",)
MANIFESTS = ("package.json", "pnpm-lock.yaml")
ADD, DEV, SYNC, REMOVE = ("add",), ("-D",), ("install",), ("remove",)
