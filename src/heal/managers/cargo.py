"""cargo: `cargo add <crate>` in the package that uses it; Cargo.toml and Cargo.lock are all it changes, and
rollback restores them (what it downloaded stays in the shared, read-only registry cache)."""

ADD, DEV, SYNC = ("add",), ("--dev",), ("fetch",)
