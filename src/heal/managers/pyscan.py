"""What a Python environment has installed, read the way importlib.metadata.distributions() finds it, and
which of some modules it cannot import: run inside the target interpreter as `python -c <this file> MODULE...`.

importlib.metadata itself costs the target interpreter 4-5x its own start-up (email, zipfile, csv, pathlib);
this reads the same directories with os alone. heal lists an environment before and after every install, and
checks the installed modules import, on the way from a fix to the rerun: one lean process does all of it.

The rules are importlib.metadata's (Python 3.8-3.13), for what it finds on sys.path: in each entry ("" is
the working directory), the `*.dist-info` and `*.egg-info` children in directory order, grouped by their
normalised name; the `EGG-INFO` of an entry that is itself an `.egg`; the name and version of METADATA, else
PKG-INFO, else the egg-info file itself; the requirements of `Requires-Dist`, else of `requires.txt` (whose
extra sections are optional dependencies). A later distribution of the same name wins, as it did when heal
read importlib.metadata into a dict. Zip files on sys.path are not read (nothing installs into one).
tests/managers/test_pyscan.py checks it against importlib.metadata.

The answer also says what decided sys.path (see scan()): heal keeps the sys.path a run reported and, as long
as that signature is unchanged, lists the same directories itself (heal.managers.base.python_listing)
instead of starting the interpreter again.

No f-strings, annotations or walrus: the target interpreter may be older than heal's.
"""

import os
import sys


def norm(name):
    """PEP 503's normalised name, without re (a tenth of this script's cost)."""
    out = []
    dash = False
    for c in name.lower():
        if c in "-_.":
            if not dash:
                out.append("-")
            dash = True
        else:
            out.append(c)
            dash = False
    return "".join(out)


def _group_key(child):
    # importlib.metadata's Lookup: the part before the first "-" of the name without its suffix, normalised
    name = child.lower().rpartition(".")[0].partition("-")[0]
    return norm(name).replace("-", "_")


def _read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "surrogateescape")
    except (OSError, ValueError):
        return None


def _headers(text):
    """{lower-cased name: [values]} of the header block, by email's rules (compat32, as importlib.metadata reads
    it): up to the first empty line or the first line that is neither a header nor a continuation; a value
    loses its leading blanks, keeps its trailing ones, and a folded line is joined with its newline."""
    found = {}
    last = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line[:1] in (" ", "\t"):
            if last is not None:
                found[last][-1] += "\n" + line
            continue
        name, sep, value = line.partition(":")
        if not sep or not all("!" <= c <= "~" for c in name):
            break  # an empty line, or the body
        last = name.lower()
        found.setdefault(last, []).append(value.lstrip(" \t"))
    return found


def _egg_requires(text):
    """requires.txt as importlib.metadata converts it: a section [extra] or [extra:marker] holds optional
    dependencies (dropped here, as heal drops every `extra ==` requirement); [:marker] and the top are kept."""
    section = None
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section and not section.startswith(":"):
            continue
        out.append(line)
    return out


def _requirement_name(req):
    req = req.lstrip()
    if not req or not req[0].isalnum() or not req[0].isascii():
        return None
    end = 1
    while end < len(req) and (req[end].isascii() and (req[end].isalnum() or req[end] in "._-")):
        end += 1
    return req[:end]


def _distribution(path):
    """(name, version, requirement names) of one distribution directory or egg-info file, or None."""
    text = _read(os.path.join(path, "METADATA")) or _read(os.path.join(path, "PKG-INFO"))
    if not text and not os.path.isdir(path):
        text = _read(path)
    headers = _headers(text or "")
    name = (headers.get("name") or [""])[0]
    if not name:
        return None
    version = (headers.get("version") or [None])[0]
    reqs = headers.get("requires-dist")
    if not reqs:
        egg = _read(os.path.join(path, "requires.txt"))
        reqs = _egg_requires(egg) if egg else []
    deps = set()
    for r in reqs:
        if "extra ==" in r.replace("extra==", "extra =="):
            continue  # an optional dependency
        dep = _requirement_name(r)
        if dep:
            deps.add(norm(dep))
    return name, version, sorted(deps)


def listing(paths):
    """({normalised name: version}, {normalised name: [dependency names]}) of what importlib.metadata finds on
    paths."""
    return scan(paths, [])[:2]


# What decides an interpreter's sys.path under -I (no environment variables, no user site unless enabled):
# the interpreter itself (its binary, pyvenv.cfg and a `._pth` beside it, which heal checks on its side), the
# site directories that exist, the `.pth` files in them (their path lines count only when the path exists;
# their import lines run code), and a sitecustomize or usercustomize module. The signature holds the rest:
#   D  which site directories exist;
#   P  the bytes of every `.pth`, sitecustomize and usercustomize entry in any sys.path directory (more than
#      site reads, never less; a package's __init__.py);
#   E  whether each path a `.pth` line names exists;
#   M  the size and mtime of every module file the interpreter had loaded when the listing began: the code a
#      `.pth` import line or a sitecustomize ran, which may add to sys.path itself.

def scan(paths, site_dirs, module_files=(), imports=None):
    """listing(paths), and the signature of what decides the sys.path of an interpreter with these paths, site
    directories and module files loaded at its start. `imports` (a list) gets the top-level modules the `.pth`
    files' import lines name."""
    packages, requires = {}, {}
    decides = ["D" + d + "\x02" + ("1" if os.path.isdir(d) else "0") for d in site_dirs]
    for path in module_files:
        decides.append("M" + path + "\x02" + _stat(path))
    for entry in paths:
        root = entry or "."
        try:
            children = os.listdir(root)
        except Exception:  # not a directory (a zip, a missing entry): nothing importlib.metadata reads either
            continue
        groups = {}
        eggs = []
        base_is_egg = os.path.basename(entry).lower().endswith(".egg")
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                groups.setdefault(_group_key(child), []).append(os.path.join(entry, child))
            elif base_is_egg and low == "egg-info":
                eggs.append(os.path.join(entry, child))
            elif low.endswith(".pth") or low.startswith(("sitecustomize", "usercustomize")):
                path = os.path.join(root, child)
                text = _read(path)
                if text is None and os.path.isdir(path):
                    text = _read(os.path.join(path, "__init__.py"))
                decides.append("P" + path + "\x02" + ("\x01" if text is None else text.replace("\0", "\\0")))
                if low.endswith(".pth") and text:
                    decides += _pth_paths(root, text, imports)
        for path in [p for group in groups.values() for p in group] + eggs:
            dist = _distribution(path)
            if dist is not None:
                packages[norm(dist[0])] = dist[1]
                requires[norm(dist[0])] = dist[2]
    decides.sort()
    return packages, requires, "\x03".join(decides)


def _pth_paths(directory, text, imports=None):
    """E items: the paths a `.pth` file's lines name, as site reads them (site.addpackage), and whether each
    exists (site adds it only then). A leading BOM counts both ways: Python 3.13 strips it, earlier ones keep it.
    The modules its import lines import go to `imports`."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(("import ", "import\t")):
            if imports is not None:
                statement = line[len("import"):].split(";")[0]
                imports.extend(part.split()[0].split(".")[0] for part in statement.split(",") if part.split())
            continue
        for variant in ([line, line[1:]] if i == 0 and line.startswith("\ufeff") else [line]):
            path = os.path.abspath(os.path.join(directory, variant.rstrip()))
            out.append("E" + path + "\x02" + ("1" if os.path.exists(path) else "0"))
    return out


def _stat(path):
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return "-"
    return str(st.st_size) + ":" + str(st.st_mtime_ns)


def loaded_files():
    """The files of the modules loaded so far (at the start of main: the interpreter's start-up and site's)."""
    files = set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            files.add(name)
    return sorted(files)


def site_dirs():
    """The directories site reads `.pth` files from, whether they exist or not (one that appears later would
    be on a new interpreter's sys.path); None when this site module cannot say (an old virtualenv's own)."""
    try:
        import site

        dirs = list(site.getsitepackages())
        if getattr(site, "ENABLE_USER_SITE", False):
            dirs.append(site.getusersitepackages())
    except Exception:
        return None
    return dirs


def missing(modules):
    """The top-level modules importlib.util.find_spec would not find (without importing importlib.util)."""
    out = []
    for name in modules:
        if not name:
            continue
        if name in sys.modules:
            if sys.modules[name] is None:
                out.append(name)
            continue
        if "." in name:
            import importlib.util

            try:
                found = importlib.util.find_spec(name) is not None
            except Exception:  # a parent package that is missing or fails to import
                found = False
            if not found:
                out.append(name)
            continue
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if find is not None and find(name, None, None) is not None:
                break
        else:
            out.append(name)
    return out


def main(argv):
    """NUL-separated: a format tag, sys.prefix, the signature of what decided sys.path ("\x01": none known),
    the number of site directories and the directories, the number of sys.path entries and the entries, the
    number of module files loaded at the start and the files, the number of distributions, then name, version
    and space-separated dependency names of each, then the modules that do not import (NUL never occurs in a
    path or a name, and is escaped in the signature)."""
    loaded = loaded_files()
    modules = [m for m in argv if m]
    paths = list(sys.path)
    sites = site_dirs()
    imports = []
    packages, requires, decides = scan(paths, sites or [], loaded, imports)
    # a `.pth` import that failed at start-up may succeed later, with code no signature item holds: not kept
    known = sites is not None and all(name in sys.modules for name in imports)
    fields = ["heal-pyscan-3", sys.prefix, decides if known else "\x01", str(len(sites or ()))]
    fields += sites or []
    fields.append(str(len(paths)))
    fields += paths
    fields.append(str(len(loaded)))
    fields += loaded
    fields.append(str(len(packages)))
    for name in packages:
        version = packages[name]
        fields += [name, "\x01" if version is None else version, " ".join(requires[name])]
    fields += missing(modules)
    sys.stdout.buffer.write("\0".join(fields).encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main(sys.argv[1:])
