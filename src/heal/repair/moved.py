"""Standard-library APIs that were removed or moved, rewritten to their current names: conservative codemods
(libcst, on code that compiles; `asyncio.async`, a syntax error since 3.7, by tokens). Each rewrite keeps what the
code means; when it cannot be sure (a 4-tuple unpacked from `getargspec`, `from cgi import escape`), it reports
instead. distutils is only ever a suggestion.

`fix_moved_api(source, apis=...)` takes the API a diagnosis named (`"time.clock"`, `"collections.Mapping"`),
or every API removed by a given Python version (`removed_in=(3, 11)`: what `heal repair` uses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from heal.repair.model import OK, REPAIRED, Edit, Repair


@dataclass(frozen=True)
class Moved:
    module: str
    name: str
    new_module: str
    new_name: str
    removed: tuple[int, int]  # the Python version without it


_ABCS = ("Awaitable Coroutine AsyncIterable AsyncIterator AsyncGenerator Hashable Iterable Iterator Generator "
         "Reversible Sized Container Callable Collection Set MutableSet Mapping MutableMapping MappingView KeysView "
         "ItemsView ValuesView Sequence MutableSequence ByteString").split()
TABLE = (
    *(Moved("collections", n, "collections.abc", n, (3, 10)) for n in _ABCS),
    Moved("inspect", "getargspec", "inspect", "getfullargspec", (3, 11)),
    Moved("time", "clock", "time", "perf_counter", (3, 8)),
    Moved("base64", "encodestring", "base64", "encodebytes", (3, 9)),
    Moved("base64", "decodestring", "base64", "decodebytes", (3, 9)),
    Moved("cgi", "escape", "html", "escape", (3, 8)),
    Moved("imp", "reload", "importlib", "reload", (3, 12)),
    Moved("logging", "warn", "logging", "warning", (3, 13)),
)
# unittest.TestCase's old aliases (removed in 3.12), called as self.<alias>(...)
UNITTEST = {"assertEquals": "assertEqual", "assertNotEquals": "assertNotEqual", "assert_": "assertTrue",
            "failUnless": "assertTrue", "failIf": "assertFalse", "failUnlessEqual": "assertEqual",
            "failIfEqual": "assertNotEqual", "assertAlmostEquals": "assertAlmostEqual",
            "assertNotAlmostEquals": "assertNotAlmostEqual", "failUnlessAlmostEqual": "assertAlmostEqual",
            "failIfAlmostEqual": "assertNotAlmostEqual", "failUnlessRaises": "assertRaises",
            "assertRegexpMatches": "assertRegex", "assertNotRegexpMatches": "assertNotRegex",
            "assertRaisesRegexp": "assertRaisesRegex"}
UNITTEST_REMOVED = (3, 12)
ASYNCIO_ASYNC_REMOVED = (3, 7)
DISTUTILS_REMOVED = (3, 12)
_WHOLE_MODULE_GONE = {"imp", "cgi"}  # removed in 3.12 / 3.13 altogether
DISTUTILS_NOTE = ("distutils was removed in Python 3.12: use setuptools (`from setuptools import setup`, "
                  "`setuptools.Extension`), or packaging / shutil / sysconfig for its helpers")

_ABC_NAMES = "|".join(_ABCS).encode()
_MENTION = re.compile(
    rb"collections\s*\.\s*(?:" + _ABC_NAMES + rb")\b|from\s+collections\s+import\s*\(?[\w\s,\\]*?\b(?:" + _ABC_NAMES
    + rb")\b|getargspec|time\s*\.\s*clock\b|\bimport\b[^\n]*\bclock\b|encodestring|decodestring|"
    rb"cgi\s*\.\s*escape|from\s+cgi\s+import|imp\s*\.\s*reload|from\s+imp\s+import|logging\s*\.\s*warn\b|"
    rb"asyncio\s*\.\s*async\b|distutils|\b(?:" + "|".join(UNITTEST).encode() + rb")\b")


def mentions_moved_api(source: bytes) -> bool:
    """A cheap look at the bytes: could any rewrite here apply? (False: libcst need not be imported.) A mention in
    a string or a comment does not count."""
    if _MENTION.search(source) is None:
        return False
    import io
    import tokenize

    try:
        code = b" ".join(tok.string.encode() for tok in tokenize.tokenize(io.BytesIO(source).readline)
                         if tok.type in (tokenize.NAME, tokenize.OP, tokenize.NEWLINE))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return True
    return _MENTION.search(code.replace(b" . ", b".")) is not None


def api_for(module: str, name: str) -> str | None:
    """The key fix_moved_api takes, for a diagnosis's module and name (`cannot import name 'Mapping' from
    'collections'`, `module 'time' has no attribute 'clock'`); None if heal knows no move for it."""
    for m in TABLE:
        if (m.module, m.name) == (module, name):
            return f"{module}.{name}"
    if module == "asyncio" and name == "async":
        return "asyncio.async"
    if name in UNITTEST:
        return f"unittest.{name}"
    return None


def fix_moved_api(source: bytes, *, apis: Iterable[str] | None = None,
                  removed_in: tuple[int, int] | None = None) -> Repair:
    """Rewrite the given APIs (keys from api_for), or all those removed by Python `removed_in`."""
    from heal.repair.textfile import DecodeError, decode_python, drop_added_blank_lines

    try:
        f = decode_python(source)
    except DecodeError as exc:
        return Repair(OK, reason=str(exc))
    wanted = set(apis or ())

    def chosen(key: str, removed: tuple[int, int]) -> bool:
        return key in wanted or (removed_in is not None and removed_in >= removed)

    text, edits = f.text, []
    if chosen("asyncio.async", ASYNCIO_ASYNC_REMOVED):
        text, edits = _asyncio_async(text)
    notes = []
    if removed_in is not None and removed_in >= DISTUTILS_REMOVED and re.search(
            r"^\s*(from\s+distutils\b|import\s+distutils\b)", text, re.M):
        notes.append(DISTUTILS_NOTE)
    table = [m for m in TABLE if chosen(f"{m.module}.{m.name}", m.removed)]
    unittest = {k: v for k, v in UNITTEST.items() if chosen(f"unittest.{k}", UNITTEST_REMOVED)}
    if (table or unittest) and _could_apply(text, table, unittest):
        new, more, skipped = _codemod(text, table, unittest)
        text = drop_added_blank_lines(text, new)
        edits.extend(more)
        notes.extend(skipped)
    if text == f.text:
        return Repair(OK, notes=tuple(notes))
    return Repair(REPAIRED, new=f.encode(text), edits=tuple(edits), notes=tuple(notes))


def _could_apply(text: str, table: list[Moved], unittest: dict[str, str]) -> bool:
    names = {m.name for m in table} | set(unittest)
    return any(re.search(r"\b" + re.escape(n) + r"\b", text) for n in names)


def _asyncio_async(text: str) -> tuple[str, list[Edit]]:
    from heal.repair.lexer import tokenize

    code = [t for t in tokenize(text) if t.kind not in ("newline", "comment")]
    spots = [code[i + 2] for i in range(len(code) - 2)
             if code[i].text == "asyncio" and code[i + 1].text == "." and code[i + 2].text == "async"]
    edits = []
    for t in reversed(spots):
        text = text[:t.start] + "ensure_future" + text[t.end:]
        edits.append(Edit(t.line + 1, t.col + 1, "asyncio.async", "asyncio.ensure_future"))
    return text, edits[::-1]


def _codemod(text: str, table: list[Moved], unittest: dict[str, str]) -> tuple[str, list[Edit], list[str]]:
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return text, [], []
    wrapper = cst.MetadataWrapper(module)
    ctx = CodemodContext()
    rewriter = _Rewriter(table, unittest, ctx)
    new = wrapper.visit(rewriter)
    for mod in sorted(rewriter.needs):
        AddImportsVisitor.add_needed_import(ctx, mod)
    if rewriter.needs or rewriter.add_imports:
        new = AddImportsVisitor(ctx).transform_module(new)
    gone = {m.module for m in table if m.module in _WHOLE_MODULE_GONE} & rewriter.rewrote
    if gone:
        # `import imp` itself fails where imp is gone: drop it once nothing uses it
        from libcst.codemod.visitors import RemoveImportsVisitor

        for mod in gone:
            RemoveImportsVisitor.remove_unused_import(ctx, mod)
        new = RemoveImportsVisitor(ctx).transform_module(new)
    return new.code, rewriter.edits, rewriter.skipped


def _dotted(node) -> str | None:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = _dotted(node.value)
        return f"{left}.{node.attr.value}" if left else None
    return None


def _expr(dotted: str):
    import libcst as cst

    parts = dotted.split(".")
    node = cst.Name(parts[0])
    for p in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(p))
    return node


def _make_rewriter():
    import libcst as cst
    from libcst.metadata import PositionProvider

    class Rewriter(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self, table, unittest, ctx) -> None:
            super().__init__()
            self.by_attr = {(m.module, m.name): m for m in table}
            self.unittest = unittest
            self.ctx = ctx
            self.modules: dict[str, str] = {}  # local name -> module, from `import x` / `import x as y`
            self.needs: set[str] = set()
            self.edits: list[Edit] = []
            self.skipped: list[str] = []
            self.unsafe_getargspec = False
            self.add_imports = False
            self.rewrote: set[str] = set()  # modules whose uses were rewritten

        def _at(self, node) -> tuple[int, int]:
            pos = self.get_metadata(PositionProvider, node)
            return pos.start.line, pos.start.column + 1

        def visit_Import(self, node) -> None:
            for alias in node.names:
                name = _dotted(alias.name)
                if name:
                    local = alias.asname.name.value if alias.asname else name.split(".")[0]
                    self.modules[local] = name if alias.asname else local

        def visit_Assign(self, node) -> None:
            # args, varargs, keywords, defaults = inspect.getargspec(f): getfullargspec returns 7 fields
            call = node.value
            if isinstance(call, cst.Call) and (_dotted(call.func) or "").endswith("getargspec") and any(
                    isinstance(t.target, (cst.Tuple, cst.List)) for t in node.targets):
                self.unsafe_getargspec = True

        def leave_Attribute(self, original, updated):
            base = _dotted(updated.value)
            if base is None:
                return updated
            if base == "self" and updated.attr.value in self.unittest:
                new = self.unittest[updated.attr.value]
                self.edits.append(Edit(*self._at(original), f"self.{updated.attr.value}", f"self.{new}"))
                return updated.with_changes(attr=cst.Name(new))
            module = self.modules.get(base)
            m = self.by_attr.get((module, updated.attr.value)) if module else None
            if m is None:
                return updated
            if m.name == "getargspec" and self.unsafe_getargspec:
                self._skip("inspect.getargspec is unpacked into a tuple; getfullargspec returns 7 fields: "
                           "rewrite it by hand")
                return updated
            self.rewrote.add(m.module)
            if m.new_module == m.module:
                new_expr = updated.with_changes(attr=cst.Name(m.new_name))
            else:
                self.needs.add(m.new_module)
                new_expr = _expr(f"{m.new_module}.{m.new_name}")
            self.edits.append(Edit(*self._at(original), f"{base}.{m.name}", f"{_dotted(new_expr)}"))
            return new_expr

        def leave_Call(self, original, updated):
            # cgi.escape(s) did not escape quotes; html.escape(s) does unless told not to
            if _dotted(updated.func) == "html.escape" and _dotted(original.func) != "html.escape":
                if len(updated.args) == 1 and updated.args[0].keyword is None:
                    return updated.with_changes(args=[updated.args[0].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                        cst.Arg(keyword=cst.Name("quote"), value=cst.Name("False"),
                                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                      whitespace_after=cst.SimpleWhitespace("")))])
                if len(updated.args) == 2 and updated.args[1].keyword is None:
                    return updated.with_changes(args=[updated.args[0], updated.args[1].with_changes(
                        keyword=cst.Name("quote"), equal=cst.AssignEqual(
                            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))])
            return updated

        def leave_ImportFrom(self, original, updated):
            module = _dotted(updated.module) if updated.module and not updated.relative else None
            if module is None or isinstance(updated.names, cst.ImportStar):
                return updated
            keep, moved = [], []
            for alias in updated.names:
                name = alias.name.value if isinstance(alias.name, cst.Name) else None
                m = self.by_attr.get((module, name)) if name else None
                if m is None or (m.name == "getargspec" and self.unsafe_getargspec):
                    keep.append(alias)
                elif m.module == "cgi":
                    self._skip("`from cgi import escape`: html.escape also escapes quotes by default; "
                               "use html.escape(s, quote=False)")
                    keep.append(alias)
                elif m.new_module == m.module:
                    # same module, new name: keep the old name bound, so no use site changes
                    local = alias.asname.name.value if alias.asname else m.name
                    keep.append(alias.with_changes(name=cst.Name(m.new_name), asname=cst.AsName(name=cst.Name(local))
                                                   if local != m.new_name else None))
                    self.edits.append(Edit(*self._at(original), f"from {module} import {m.name}",
                                           f"from {module} import {m.new_name}"))
                else:
                    moved.append((m, alias))
            if not moved and keep == list(updated.names):
                return updated
            for m, alias in moved:
                self.edits.append(Edit(*self._at(original), f"from {module} import {m.name}",
                                       f"from {m.new_module} import {m.new_name}"))
            if not keep:
                # every name moved to one new module: rename the module, keep the names and their layout
                targets = {m.new_module for m, _ in moved}
                if len(targets) == 1:
                    return updated.with_changes(module=_expr(targets.pop()))
            from libcst.codemod.visitors import AddImportsVisitor

            for m, alias in moved:
                asname = alias.asname.name.value if alias.asname else None
                AddImportsVisitor.add_needed_import(self.ctx, m.new_module, m.new_name, asname)
                self.add_imports = True
            if not keep:
                return cst.RemoveFromParent()
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(names=keep)

        def _skip(self, why: str) -> None:
            if why not in self.skipped:
                self.skipped.append(why)

    return Rewriter


def _Rewriter(table, unittest, ctx):  # noqa: N802 - libcst's base class may only exist once libcst is imported
    return _make_rewriter()(table, unittest, ctx)
