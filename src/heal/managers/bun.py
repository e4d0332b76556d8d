"""bun: `bun add <pkg>` (or `bun install` for what package.json declares); rollback runs `bun remove` for what
the install added, then restores package.json and the lockfile."""

ADD, DEV, SYNC, REMOVE = ("add",), ("-d",), ("install",), ("remove",)
