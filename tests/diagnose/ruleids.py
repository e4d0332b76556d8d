"""Every rule id diagnosis can report: the pattern rules' ids, and the ids function rules give their
findings, read from the rule modules' source (`finding(ctx, "go.panic", ...)`, `Finding(f"process.{name}", ...)`).
An id built at run time keeps its literal parts and shows each interpolated part as `*`
(`python.*` is every `python.<ExceptionName>` a traceback can produce)."""

from __future__ import annotations

import ast
import inspect
import re
from functools import lru_cache

from heal.diagnose.rules import MODULES, PATTERN_RULES

# the helpers a function rule reports through, and which argument is the rule id
_ID_ARG = {"finding": 1, "tests_failed": 1, "Finding": 0}


def pattern_rule_ids() -> list[str]:
    return [r.id for r in PATTERN_RULES]


def _id_of(node: ast.expr, where: str) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    raise AssertionError(f"{where}: a function rule's id is neither a string nor an f-string "
                         f"({ast.unparse(node)}): make it one, so the rule-id snapshot can see it")


@lru_cache(maxsize=None)
def function_rule_ids() -> tuple[str, ...]:
    ids: list[str] = []
    for module in MODULES:
        path = inspect.getsourcefile(module)
        assert path is not None
        tree = ast.parse(open(path, encoding="utf-8").read(), path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name not in _ID_ARG:
                continue
            index = _ID_ARG[name]
            arg = node.args[index] if len(node.args) > index else \
                next((k.value for k in node.keywords if k.arg == "rule"), None)
            assert arg is not None, f"{path}:{node.lineno}: {name}() without a rule id"
            ids.append(_id_of(arg, f"{path}:{node.lineno}"))
    return tuple(ids)


def all_rule_ids() -> list[str]:
    """Sorted, without duplicates: what tests/diagnose/rule_ids.txt holds."""
    return sorted(set(pattern_rule_ids()) | set(function_rule_ids()))


def id_pattern(rule_id: str) -> re.Pattern[str]:
    """The concrete ids a (possibly templated) rule id stands for: `python.*` matches `python.KeyError`."""
    return re.compile("^" + ".+".join(re.escape(part) for part in rule_id.split("*")) + "$")
