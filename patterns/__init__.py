"""Built-in playbooks and curated data (import map, command map), shipped inside the wheel."""
