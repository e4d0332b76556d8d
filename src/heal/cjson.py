"""JSON without importing json: the success path of `heal hook claude-code` runs after every Bash command
an agent runs, and `import json` imports `re` (and with it enum, functools, collections): 6 ms of a 20 ms
hook. CPython's own C scanner (`_json.make_scanner`, the one json.loads uses) parses the payload; it needs
no regex. Same answers as json.loads (strict strings, NaN and Infinity accepted, the last of duplicate keys
wins); anything unusual (another encoding, a BOM, no C scanner) goes to json.loads itself. string() is
json.dumps(text, ensure_ascii=False) for a str, which the hook's one-field answer needs; dumps() is
json.dumps(obj, ensure_ascii=False), the same text, written in Python for the small values heal writes on a
failure (the pattern store's fixes and last failure, `heal diagnose --json`'s answer), where `import json`
cost 1.5 ms.
"""

from __future__ import annotations

_WHITESPACE = " \t\n\r"
_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}


class _Context:
    """The attributes the C scanner reads from a json.JSONDecoder."""

    __slots__ = ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant",
                 "memo")

    def __init__(self) -> None:
        self.strict = True
        self.object_hook = None
        self.object_pairs_hook = None
        self.parse_float = float
        self.parse_int = int
        self.parse_constant = _CONSTANTS.__getitem__
        self.memo: dict = {}


def loads(data: bytes | str) -> object:
    """json.loads(data). Raises ValueError (json.JSONDecodeError) on anything that is not one JSON value."""
    if isinstance(data, (bytes, bytearray)):
        if data[:3] == b"\xef\xbb\xbf" or b"\x00" in data[:4]:
            return _slow(data)  # a BOM, UTF-16 or UTF-32: json's own detection
        text = bytes(data).decode("utf-8", "surrogatepass")
    else:
        text = data
    try:
        from _json import make_scanner
    except ImportError:  # pragma: no cover - a Python without the C accelerator
        return _slow(text)
    start, end = 0, len(text)
    while start < end and text[start] in _WHITESPACE:
        start += 1
    try:
        value, stop = make_scanner(_Context())(text, start)
    except StopIteration:
        return _slow(text)  # not a JSON value here: json says where, in its own words
    while stop < end and text[stop] in _WHITESPACE:
        stop += 1
    if stop != end:
        return _slow(text)  # extra data after the value
    return value


def _slow(data: bytes | str) -> object:
    import json

    return json.loads(data)


def string(text: str) -> str:
    """json.dumps(text, ensure_ascii=False): the JSON string literal of text."""
    try:
        from _json import encode_basestring
    except ImportError:  # pragma: no cover - a Python without the C accelerator
        import json

        return json.dumps(text, ensure_ascii=False)
    return encode_basestring(text)


def dumps(obj: object, *, sort_keys: bool = False, separators: tuple[str, str] = (", ", ": ")) -> str:
    """json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, separators=separators), the same text, for the
    small values heal writes on a failure (a fix, the last failure): dicts with str keys, lists, tuples,
    str, int, float, bool and None, written here without importing `_json` (a shared library in many
    Pythons: 0.2 ms). Anything else goes to json.dumps, which answers it or raises as it always does."""
    out: list[str] = []
    try:
        _encode(obj, out, sort_keys, separators[0], separators[1])
    except (_Unusual, RecursionError):
        import json

        return json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, separators=separators)
    return "".join(out)


class _Unusual(Exception):
    """A value _encode leaves to json."""


# what json's encoder (ensure_ascii=False) escapes in a string: the quote, the backslash, control characters
_ESCAPES = {i: f"\\u{i:04x}" for i in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
                 ord("\b"): "\\b", ord("\f"): "\\f"})
_FLOATS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


def _encode(obj: object, out: list[str], sort_keys: bool, item_sep: str, key_sep: str) -> None:
    kind = type(obj)
    if kind is str:
        out.append('"' + obj.translate(_ESCAPES) + '"')  # type: ignore[attr-defined]
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif kind is int:
        out.append(repr(obj))
    elif kind is float:
        special = obj != obj or obj in _FLOATS  # NaN, or an infinity: JavaScript's names, as json writes them
        out.append(_FLOATS.get(obj, "NaN") if special else repr(obj))  # type: ignore[call-overload]
    elif kind is list or kind is tuple:
        out.append("[")
        for i, item in enumerate(obj):  # type: ignore[arg-type]
            if i:
                out.append(item_sep)
            _encode(item, out, sort_keys, item_sep, key_sep)
        out.append("]")
    elif kind is dict:
        items = obj.items()  # type: ignore[attr-defined]
        if any(type(k) is not str for k in obj):  # type: ignore[attr-defined]
            raise _Unusual  # json converts numbers, booleans and None to keys (or refuses others)
        out.append("{")
        for i, (key, value) in enumerate(sorted(items) if sort_keys else items):
            if i:
                out.append(item_sep)
            out.append('"' + key.translate(_ESCAPES) + '"' + key_sep)
            _encode(value, out, sort_keys, item_sep, key_sep)
        out.append("}")
    else:
        raise _Unusual
