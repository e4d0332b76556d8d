"""pnpm: `pnpm add <pkg>` (or `pnpm install` for what package.json declares); rollback runs `pnpm remove` for what
the install added, then restores package.json and the lockfile."""

ADD, DEV, SYNC, REMOVE = ("add",), ("-D",), ("install",), ("remove",)
