"""`heal config [--json]`: the effective configuration and where each value came from."""

from __future__ import annotations

import os

from heal.commands._args import at_most, out, parse


def main(args: list[str]) -> int:
    seen, positional = parse(args, "config", flags={"--json": "json"})
    at_most(positional, 0, "config")
    import json

    from heal import config, paths

    cfg = config.load()
    state = paths.state_dir()
    state_source = "HEAL_HOME" if "HEAL_HOME" in os.environ else "default"
    if seen.get("json"):
        obj = {
            "settings": {k.name: {"value": v, "source": src} for k, v, src in cfg.items()},
            "state_dir": {"value": state, "source": state_source},
            "user_config": paths.user_config_file(),
        }
        out(json.dumps(obj, indent=2))
        return 0
    rows = [(k.name, json.dumps(v), src) for k, v, src in cfg.items()]
    rows.append(("state_dir", state, state_source))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, value, src in rows:
        out(f"{name.ljust(width)} = {value.ljust(vwidth)}  # {src}")
    out(f"# user config file: {paths.user_config_file()}")
    return 0
