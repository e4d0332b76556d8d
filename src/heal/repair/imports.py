"""A missing import for `NameError: name 'X' is not defined`: added with libcst after the docstring and
`__future__` imports, merged into the existing import block, idempotent.

X is imported only when heal knows what it is without running anything: a standard-library module, a well-known
standard-library name (`defaultdict`, `Path`...), a well-known alias (`np`, `pd`, `plt`) that the project already
imports elsewhere, or a name the project already imports in another file (found statically with `ast`; project code
is never imported). Two different meanings for X in the project: nothing is added.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from heal.repair.model import REPAIRED, Edit, Repair


@dataclass(frozen=True)
class ImportSpec:
    """`import module [as alias]` (name None) or `from module import name [as alias]`."""

    module: str
    name: str | None = None
    alias: str | None = None

    @property
    def binds(self) -> str:
        return self.alias or (self.name if self.name else self.module.split(".")[0])

    def statement(self) -> str:
        tail = f" as {self.alias}" if self.alias and self.alias != (self.name or self.module) else ""
        return f"from {self.module} import {self.name}{tail}" if self.name else f"import {self.module}{tail}"


# Aliases whose meaning is universal, used only when the project already imports them that way.
ALIASES = {"np": ImportSpec("numpy", alias="np"), "pd": ImportSpec("pandas", alias="pd"),
           "plt": ImportSpec("matplotlib.pyplot", alias="plt"), "sns": ImportSpec("seaborn", alias="sns"),
           "tf": ImportSpec("tensorflow", alias="tf"), "nx": ImportSpec("networkx", alias="nx")}
# Standard-library names people use without their module.
STDLIB_NAMES = {
    **{n: ImportSpec("collections", n) for n in ("defaultdict", "OrderedDict", "namedtuple", "Counter", "deque",
                                                 "ChainMap")},
    **{n: ImportSpec("typing", n) for n in ("Any", "Optional", "Union", "List", "Dict", "Tuple", "Set", "Callable",
                                            "Iterable", "Iterator", "TypeVar", "Generic", "Protocol", "cast",
                                            "overload", "TYPE_CHECKING", "ClassVar", "Literal", "Final")},
    "Path": ImportSpec("pathlib", "Path"), "dataclass": ImportSpec("dataclasses", "dataclass"),
    "field": ImportSpec("dataclasses", "field"), "partial": ImportSpec("functools", "partial"),
    "reduce": ImportSpec("functools", "reduce"), "wraps": ImportSpec("functools", "wraps"),
    "lru_cache": ImportSpec("functools", "lru_cache"), "Enum": ImportSpec("enum", "Enum"),
    "ABC": ImportSpec("abc", "ABC"), "abstractmethod": ImportSpec("abc", "abstractmethod"),
    "contextmanager": ImportSpec("contextlib", "contextmanager"), "Decimal": ImportSpec("decimal", "Decimal"),
    "Fraction": ImportSpec("fractions", "Fraction"), "pprint": ImportSpec("pprint", "pprint"),
    "sleep": ImportSpec("time", "sleep"), "deepcopy": ImportSpec("copy", "deepcopy"),
    "timedelta": ImportSpec("datetime", "timedelta"),
}


def resolve(name: str, project_imports: Mapping[str, Iterable[ImportSpec]]) -> ImportSpec | None:
    """What `name` should be imported as, or None when heal cannot be sure."""
    seen = {spec for spec in project_imports.get(name, ()) if spec.binds == name}
    if name in ALIASES:
        return ALIASES[name] if ALIASES[name] in seen else None
    if len(seen) == 1:
        return next(iter(seen))
    if len(seen) > 1:
        return None  # the project uses the name for two things
    if name in sys.stdlib_module_names and not name.startswith("_"):
        return ImportSpec(name)
    return STDLIB_NAMES.get(name)


def add_missing_import(source: bytes, name: str,
                       project_imports: Mapping[str, Iterable[ImportSpec]]) -> Repair | None:
    """The file with `name` imported, or None when heal does not know what it is, or it is bound already."""
    from heal.repair.textfile import DecodeError, decode_python, drop_added_blank_lines

    spec = resolve(name, project_imports)
    if spec is None:
        return None
    try:
        f = decode_python(source)
        tree = ast.parse(f.text)
    except (DecodeError, SyntaxError, ValueError):
        return None
    if _bound_at_module_level(tree, name) or _uses_dynamic_names(tree):
        return None
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    ctx = CodemodContext()
    if spec.name:
        AddImportsVisitor.add_needed_import(ctx, spec.module, spec.name, spec.alias if spec.alias != spec.name
                                            else None)
    else:
        AddImportsVisitor.add_needed_import(ctx, spec.module, asname=spec.alias if spec.alias != spec.module
                                            else None)
    new = drop_added_blank_lines(f.text, AddImportsVisitor(ctx).transform_module(cst.parse_module(f.text)).code)
    if new == f.text:
        return None
    line = next((n for n, (a, b) in enumerate(zip(f.text.split("\n"), new.split("\n")), 1) if a != b), 1)
    return Repair(REPAIRED, new=f.encode(new), edits=(Edit(line, 1, "", spec.statement(), f"add {spec.statement()}"),))


def _bound_at_module_level(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == name or alias.name == "*":
                    return True
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
                return True
    return False


def _uses_dynamic_names(tree: ast.Module) -> bool:
    """exec() or globals() writes may define anything: do not guess there."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("exec", "globals")
               for n in ast.walk(tree))


def project_imports(root: str, *, limit: int = 5000) -> dict[str, set[ImportSpec]]:
    """Every name the project's own .py files import at any level, and from where (statically, with ast)."""
    from heal.project import SKIP_DIRS, is_virtualenv

    found: dict[str, set[ImportSpec]] = {}
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                       and not is_virtualenv(os.path.join(dirpath, d))]
        for fn in filenames:
            if not fn.endswith(".py"):
                continue
            count += 1
            if count > limit:
                return found
            try:
                with open(os.path.join(dirpath, fn), "rb") as fh:
                    tree = ast.parse(fh.read())
            except (OSError, SyntaxError, ValueError):
                continue
            for spec in _imports_of(tree):
                found.setdefault(spec.binds, set()).add(spec)
    return found


def _imports_of(tree: ast.AST) -> Iterable[ImportSpec]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield ImportSpec(a.name, alias=a.asname)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name != "*":
                    yield ImportSpec(node.module, a.name, a.asname)
