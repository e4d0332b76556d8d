"""How the project declares its environment, read statically the way its developers read it:
pyproject.toml ([project], PEP 735 [dependency-groups], poetry, pdm, uv, hatch, setuptools), setup.cfg,
setup.py (parsed with ast, never run), requirements files (-r/-c, `-e .`), Pipfile, tox.ini; and for
Node, package.json with its lockfiles. Fix planners ask it where a dependency is declared, whether a
module is the project's own, and which one command installs the test environment."""

import sys

# Attribute -> the submodule that defines it, imported on first use (PEP 562): planning a Python install
# needs heal.declared.python, never the Node readers, and a Node install the other way round.
_EXPORTS = {
    **dict.fromkeys(("Declaration", "Declarations", "Group", "NodeDeclarations", "NodeDependency", "Note", "classify"),
                    "model"),
    **dict.fromkeys(("find_node", "node_declarations", "node_sync"), "node"),
    **dict.fromkeys(("PROJECT", "describe", "expand", "find", "import_guesses", "install_project", "is_project_module",
                     "marker_environment_of", "pip_version_of", "python_declarations", "test_environment",
                     "test_groups"), "python"),
}

__all__ = [
    "PROJECT", "Declaration", "Declarations", "Group", "NodeDeclarations", "NodeDependency", "Note", "classify",
    "describe", "expand", "find", "find_node", "import_guesses", "install_project", "is_project_module",
    "marker_environment_of", "node_declarations", "node_sync", "pip_version_of", "python_declarations",
    "test_environment", "test_groups",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'heal.declared' has no attribute {name!r}")
    path = f"heal.declared.{module}"
    __import__(path)  # not importlib: a hook's interpreter has not loaded it
    return getattr(sys.modules[path], name)
