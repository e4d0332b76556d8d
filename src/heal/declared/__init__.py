"""How the project declares its environment, read statically the way its developers read it:
pyproject.toml ([project], PEP 735 [dependency-groups], poetry, pdm, uv, hatch, setuptools), setup.cfg,
setup.py (parsed with ast, never run), requirements files (-r/-c, `-e .`), Pipfile, tox.ini; and for
Node, package.json with its lockfiles. Fix planners ask it where a dependency is declared, whether a
module is the project's own, and which one command installs the test environment."""

from heal.declared.model import (Declaration, Declarations, Group, NodeDeclarations, NodeDependency, Note,
                                 classify)
from heal.declared.node import find_node, node_declarations, node_sync
from heal.declared.python import (PROJECT, describe, expand, find, import_guesses, install_project,
                                  is_project_module, marker_environment_of, pip_version_of, python_declarations,
                                  test_environment, test_groups)

__all__ = [
    "PROJECT", "Declaration", "Declarations", "Group", "NodeDeclarations", "NodeDependency", "Note", "classify",
    "describe", "expand", "find", "find_node", "import_guesses", "install_project", "is_project_module",
    "marker_environment_of", "node_declarations", "node_sync", "pip_version_of", "python_declarations",
    "test_environment", "test_groups",
]
