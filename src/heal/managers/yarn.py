"""yarn: `yarn add <pkg>` (or `yarn install` for what package.json declares); rollback runs `yarn remove` for what
the install added, then restores package.json and the lockfile."""

ADD, DEV, SYNC, REMOVE = ("add",), ("-D",), ("install",), ("remove",)
