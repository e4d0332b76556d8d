"""Hook templates that `heal hooks install` writes (shipped inside the wheel as heal.hooks)."""
