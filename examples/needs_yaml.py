"""A tiny app with a classic failure: it imports a third-party module that is not installed.

The import name (yaml) is not the name of the package that provides it (PyYAML): a trap heal knows.
"""

import yaml

print(yaml.safe_dump({"healed": True}))
