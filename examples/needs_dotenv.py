"""A tiny app with a classic failure: it imports a third-party module that is not installed.

The import name (`dotenv`) is not the name of the package that provides it (`python-dotenv`); the PyPI
package literally called `dotenv` is a different, broken one. A trap heal knows.
"""

import os

from dotenv import dotenv_values

print(dotenv_values(os.path.join(os.path.dirname(__file__), "example.env")))
