"""C and C++: gcc/clang diagnostics (the first error decides: later ones are often fallout), missing
headers, the linker, make, cmake."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.lazyre import lazy

ECOSYSTEM = "c"

_SYNTAX = lazy(r"^(?:expected |stray |missing terminating|unterminated|expected$|extraneous closing|"
               r"invalid preprocessing directive|#endif without #if|unbalanced)", rx.I)


def _compiler(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    msg = facts.pop("msg", "")
    if _SYNTAX.match(msg):
        facts.update(category="syntax", summary=f"C/C++ syntax error: {msg}")
    else:
        facts["summary"] = f"compile error: {msg}"
    if ctx.tool in ("cc", "c++", "gcc", "g++", "clang", "clang++"):
        facts["tool"] = ctx.tool
    return facts


def _header(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts["header"] = facts.get("header") or facts.pop("header2", "")
    facts.pop("header2", None)
    return facts


def _make_target(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    if not m.group("needed"):
        # a target nobody defined: the invocation is wrong, not the build
        facts.update(category="configuration",
                     summary=f"make has no target '{facts['target']}' (a typo, or the wrong directory)")
    return facts


def _find_package(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts["package"] = facts.get("package") or facts.get("package2") or facts.get("package3")
    facts.pop("package2", None)
    facts.pop("package3", None)
    facts["tool"] = "cmake"
    if str(facts.get("file", "")).startswith("/usr/"):
        # the error is raised inside CMake's own module: the call stack names the user's find_package line
        call = rx.search(r"^\s+(?P<file>\S+):(?P<line>\d+) \(find_package\)", ctx.text[m.end():m.end() + 2000], rx.M)
        if call:
            facts.update(file=call.group("file"), line=call.group("line"))
    return facts


_LOC = r"^(?P<file>[^\s:]+\.(?:c|h|cc|cpp|cxx|hpp|hh|hxx|m|mm|cu|ino)):(?P<line>\d+):(?P<column>\d+): "
RULES = (
    Rule("c.missing_header", "dependency", "high",
         _LOC + r"fatal error: (?:(?P<header>[^\s']+\.h(?:pp|h|xx)?): No such file or directory|'(?P<header2>[^']+)' "
         r"file not found)", "header {header} not found: its library's development package is not installed",
         ("fatal error:",), priority=85, first=True, refine=_header),
    Rule("c.compile_error", "build", "high", _LOC + r"(?:fatal )?error: (?P<msg>.*)$", "compile error",
         (": error:",), priority=80, first=True, refine=_compiler),
    Rule("c.undefined_reference", "build", "high",
         r"^.*(?:undefined reference to [`'](?P<symbol>[^'`]+)'|Undefined symbols for architecture \S+:\n\s+\"(?P<sym2>[^\"]+)\")",
         "link error: undefined reference to {symbol}", ("undefined reference", "undefined symbols"), priority=79,
         first=True, refine=lambda ctx, m, f: {**f, "symbol": f.get("symbol") or f.pop("sym2", "")}),
    Rule("c.missing_library", "dependency", "high",
         r"^.*(?:ld|ld\.lld|ld64)(?:: error)?: (?:cannot find|library not found for) -l(?P<library>[\w.+-]+).*$",
         "the linker cannot find library {library}: its development package is not installed",
         ("cannot find -l", "library not found for -l"), priority=84),
    Rule("c.shared_library", "dependency", "high",
         r"^.*error while loading shared libraries: (?P<library>\S+): cannot open shared object file.*$",
         "shared library {library} is missing at run time", ("error while loading shared libraries",), priority=85),
    Rule("make.no_rule", "build", "high",
         r"^make(?:\[\d+\])?: \*\*\* No rule to make target [`'](?P<target>[^']+)'(?P<needed>, needed by [`'][^']+')?"
         r"\.\s+Stop\.", "make: nothing builds {target}", ("no rule to make target",), priority=83,
         facts={"tool": "make"}, refine=_make_target),
    Rule("make.missing_separator", "syntax", "high",
         r"^(?P<file>[^\s:]*[Mm]akefile[^\s:]*):(?P<line>\d+): \*\*\* missing separator.*$",
         "Makefile syntax error (missing separator: a recipe line must start with a tab)", ("missing separator",),
         priority=85, facts={"tool": "make"}),
    Rule("make.recipe_failed", "build", "medium",
         r"^make(?:\[\d+\])?: \*\*\* \[(?:(?P<makefile>[^:\]]+):(?P<makeline>\d+): )?(?P<target>[^\]]+)\] "
         r"(?:Error (?P<status>\d+)|Segmentation fault.*)$", "make target {target} failed",
         ("make", "***"), priority=30, facts={"tool": "make"}),
    Rule("cmake.find_package", "dependency", "high",
         r"CMake Error at (?P<file>[^:\s]+):(?P<line>\d+) \((?P<command>\w+)\):\n(?:.*\n){0,4}?\s*(?:By not providing "
         r"\"Find(?P<package>\w+)\.cmake\"|Could NOT find (?P<package2>\w+)|Could not find a package configuration "
         r"file provided by\s+\"(?P<package3>\w+)\")",
         "CMake cannot find package {package}", ("cmake error",), priority=86,
         refine=lambda ctx, m, f: _find_package(ctx, m, f)),
    Rule("cmake.version_too_old", "dependency", "high",
         r"^.*(?:Detected version of (?P<package>\w+) is too old|Could not find a configuration file for package "
         r"\"(?P<package2>\w+)\" that is compatible with requested version|found unsuitable version).*$",
         "CMake found a dependency too old for the project", ("is too old", "compatible with requested version",
                                                              "unsuitable version"), priority=84,
         facts={"tool": "cmake"}, refine=lambda ctx, m, f: {k: v for k, v in {**f, "package": f.get("package")
                                                                              or f.get("package2")}.items()
                                                            if k != "package2" and v}),
    Rule("cmake.could_not_find", "dependency", "high",
         r"^\s*Could NOT find (?P<package>\w+) \(missing: .*$", "CMake cannot find package {package}",
         ("could not find",), priority=84, facts={"tool": "cmake"}),
    Rule("cmake.parse_error", "syntax", "high",
         r"CMake Error at (?P<file>[^:\s]+):(?P<line>\d+)(?::| \(\w+\):)?\n\s*Parse error",
         "CMake syntax error in {file}", ("parse error",), priority=86, facts={"tool": "cmake"}),
    Rule("cmake.no_cmakelists", "configuration", "high",
         r"does not appear to contain CMakeLists\.txt", "no CMakeLists.txt here: the wrong directory?",
         ("does not appear to contain cmakelists.txt",), priority=86, facts={"tool": "cmake"}),
    Rule("cmake.error", "configuration", "medium",
         r"^CMake Error(?: at (?P<file>[^:\s]+):(?P<line>\d+))?.*$", "CMake configuration failed",
         ("cmake error",), priority=45, facts={"tool": "cmake"}),
)
