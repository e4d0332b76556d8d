"""JSON through CPython's C accelerator (`_json`), without importing json: the success path of `heal hook claude-code` runs after every Bash
command an agent runs, and `import json` imports `re` (and with it enum, functools, collections): 6 ms of a
20 ms hook. CPython's own C scanner (`_json.make_scanner`, the one json.loads uses) parses the payload; it
needs no regex. Same answers as json.loads (strict strings, NaN and Infinity accepted, the last of duplicate
keys wins); anything unusual (another encoding, a BOM, no C scanner) goes to json.loads itself. string()
is json.dumps(text, ensure_ascii=False) for a str, which the hook's one-field answer needs, and dumps()
json.dumps(value, ensure_ascii=False) through the C encoder json.dumps itself uses (`heal diagnose --json`).
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


def dumps(value: object) -> str:
    """json.dumps(value, ensure_ascii=False), byte for byte (default separators, no sorting, NaN and Infinity
    written as json writes them); TypeError for a value JSON cannot hold, ValueError for a circular one."""
    try:
        from _json import encode_basestring, make_encoder
    except ImportError:  # pragma: no cover - a Python without the C accelerator
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return encode_basestring(value)  # json.dumps writes a lone string without the encoder
    # json.JSONEncoder.iterencode(_one_shot=True)'s call: circular check on, indent None, no key sorting
    encoder = make_encoder({}, _unserialisable, encode_basestring, None, ": ", ", ", False, False, True)
    return "".join(encoder(value, 0))


def _unserialisable(value: object) -> object:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
