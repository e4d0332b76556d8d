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
    except (StopIteration, SystemError):
        # not a JSON value here: json says where, in its own words. (The scanner's other errors name
        # json.decoder.JSONDecodeError, which it only finds once json is imported: before, CPython 3.11 gives
        # SystemError, "returned NULL without setting an exception".)
        return _slow(text)
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


def dumps(obj: object, *, sort_keys: bool = False, separators: tuple[str, str] | None = None,
          ensure_ascii: bool = False, indent: int | str | None = None) -> str:
    """json.dumps(obj, ensure_ascii=ensure_ascii, sort_keys=sort_keys, separators=separators, indent=indent),
    the same text. ensure_ascii (the journal's records) is written by json's own C encoder, which needs no
    regex; otherwise heal's small values (a fix, the last failure) are written here, in Python, without
    importing `_json` (a shared library in many Pythons: 0.2 ms): dicts with str keys, lists, tuples, str,
    int, float, bool and None. Anything else goes to json.dumps, which answers it or raises as it always does."""
    if separators is None:
        separators = (", ", ": ") if indent is None else (",", ": ")
    if ensure_ascii and indent is None:
        encoder = _c_encoder(sort_keys, separators)
        if encoder is not None:
            return "".join(encoder(obj, 0))
    out: list[str] = []
    try:
        quote = _ascii_quote() if ensure_ascii else _quote
        _encode(obj, out, sort_keys, separators[0], separators[1], quote,
                " " * indent if isinstance(indent, int) else indent, 0)
    except (_Unusual, RecursionError):
        import json

        return json.dumps(obj, ensure_ascii=ensure_ascii, sort_keys=sort_keys, separators=separators,
                          indent=indent)
    return "".join(out)


def ascii_line(obj: object, **options: object) -> bytes:
    """dumps(obj, ensure_ascii=True, **options) and a newline, as bytes: what heal's journal and lock files
    hold (a path that is not UTF-8, a lone surrogate, can only be written as an escape)."""
    return (dumps(obj, ensure_ascii=True, **options) + "\n").encode()  # type: ignore[arg-type]


def _not_json(obj: object) -> object:
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


def _c_encoder(sort_keys: bool, separators: tuple[str, str]):  # noqa: ANN202 - _json's encoder type
    """json.dumps's own C encoder for these options (what JSONEncoder.iterencode builds), or None."""
    try:
        from _json import encode_basestring_ascii, make_encoder

        return make_encoder({}, _not_json, encode_basestring_ascii, None, separators[1], separators[0], sort_keys,
                            False, True)
    except (ImportError, TypeError):  # pragma: no cover - no C accelerator, or another signature
        return None


def _ascii_quote():  # noqa: ANN202
    try:
        from _json import encode_basestring_ascii
    except ImportError:  # pragma: no cover - a Python without the C accelerator
        raise _Unusual from None
    return encode_basestring_ascii


def _quote(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


class _Unusual(Exception):
    """A value _encode leaves to json."""


# what json's encoder (ensure_ascii=False) escapes in a string: the quote, the backslash, control characters
_ESCAPES = {i: f"\\u{i:04x}" for i in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
                 ord("\b"): "\\b", ord("\f"): "\\f"})
_FLOATS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


def _encode(obj: object, out: list[str], sort_keys: bool, item_sep: str, key_sep: str, quote, indent: str | None,
            level: int) -> None:
    kind = type(obj)
    if kind is str:
        out.append(quote(obj))
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
    elif kind is list or kind is tuple or kind is dict:
        if kind is dict and any(type(k) is not str for k in obj):  # type: ignore[attr-defined]
            raise _Unusual  # json converts numbers, booleans and None to keys (or refuses others)
        if not obj:
            out.append("{}" if kind is dict else "[]")
            return
        # json's layout: with an indent, each item on its own line, one level deeper than its brackets
        sep = item_sep if indent is None else item_sep + "\n" + indent * (level + 1)
        out.append("{" if kind is dict else "[")
        if indent is not None:
            out.append("\n" + indent * (level + 1))
        if kind is dict:
            items = obj.items()  # type: ignore[attr-defined]
            for i, (key, value) in enumerate(sorted(items) if sort_keys else items):
                if i:
                    out.append(sep)
                out.append(quote(key) + key_sep)
                _encode(value, out, sort_keys, item_sep, key_sep, quote, indent, level + 1)
        else:
            for i, item in enumerate(obj):  # type: ignore[arg-type]
                if i:
                    out.append(sep)
                _encode(item, out, sort_keys, item_sep, key_sep, quote, indent, level + 1)
        if indent is not None:
            out.append("\n" + indent * level)
        out.append("}" if kind is dict else "]")
    else:
        raise _Unusual
