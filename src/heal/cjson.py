"""JSON through CPython's C accelerator (`_json`), without importing json: the success path of `heal hook claude-code` runs after every Bash
command an agent runs, and `import json` imports `re` (and with it enum, functools, collections): 6 ms of a
20 ms hook. CPython's own C scanner (`_json.make_scanner`, the one json.loads uses) parses the payload; it
needs no regex. Same answers as json.loads (strict strings, NaN and Infinity accepted, the last of duplicate
keys wins); anything unusual (another encoding, a BOM, no C scanner) goes to json.loads itself. string()
is json.dumps(text, ensure_ascii=False) for a str, which the hook's one-field answer needs; dumps() is
json.dumps(obj, ensure_ascii=False) through the C encoder json.dumps itself uses (the pattern store writes
its fixes and the last failure with it on every failure heal knows, where `import json` cost 1.5 ms).
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
    """json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, separators=separators), the same text: the C
    encoder json.dumps calls for a one-shot dump without indent. Raises TypeError (or ValueError for a
    circular structure) as json.dumps does."""
    try:
        from _json import encode_basestring, make_encoder
    except ImportError:  # pragma: no cover - a Python without the C accelerator
        return _slow_dumps(obj, sort_keys, separators)
    item_separator, key_separator = separators
    try:
        # json.JSONEncoder.iterencode's arguments: markers, default, string encoder, indent, separators,
        # sort_keys, skipkeys, allow_nan
        encode = make_encoder({}, _unserializable, encode_basestring, None, key_separator, item_separator,
                              sort_keys, False, True)
    except TypeError:  # pragma: no cover - another CPython's encoder signature
        return _slow_dumps(obj, sort_keys, separators)
    return "".join(encode(obj, 0))


def _unserializable(obj: object) -> object:
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


def _slow_dumps(obj: object, sort_keys: bool, separators: tuple[str, str]) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, separators=separators)
