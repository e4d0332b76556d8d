"""The one place secrets are masked: everything heal persists (the journal, reports) and everything a
diagnosis keeps goes through `redact` (free text) or `redact_argv` (a command line, element by element
with the context of the element before it: `--password X` has its secret in the next argument).

Masking errs on the side of masking: a value after a key that looks secret is replaced even when it is
harmless (`PASSWORD_MIN_LENGTH=8`), while placeholders (`${PASSWORD}`, `$TOKEN`, `<password>`) and plain
words (`tokenizer`, `password` on its own) are kept, since they carry no secret and help the reader.
Stdlib only: it is imported on the journal path.
"""

from __future__ import annotations

from _collections_abc import Callable, Iterable  # collections.abc's, without importing collections

from heal import rx
from heal.lazyre import lazy

MASK = "***"

# Words that, as a component of a key name, make its value a secret: DB_PASSWORD, GITHUB_TOKEN,
# AWS_SECRET_ACCESS_KEY, client_secret, apiKey, x-api-key, "authorization".
_KEYWORDS = (r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
             r"account[_-]?key|shared[_-]?access[_-]?key|auth|authorization|credentials?|session[_-]?id|"
             r"_authtoken|auth[_-]?token")
# The keyword starts a component (after a separator, at the start, or at a camelCase hump) and ends one
# (a separator, a camelCase hump or the end of the key follows): `tokenizer` and `author` are not secrets.
# A key that ends in password/secret/token is one whatever comes before (PGPASSWORD, csrftoken).
# (`PWD`, the working directory, is the one bare keyword that is no secret.)
_KEY = (r"(?<![A-Za-z0-9_.-])(?!PWD\b)[A-Za-z0-9_.-]*?"
        rf"(?:(?:(?<![A-Za-z0-9])|(?<=[a-z])(?=[A-Z]))(?i:{_KEYWORDS})(?:(?:[_.-]|(?=[A-Z]))[A-Za-z0-9_.-]*)?"
        r"|(?i:password|passwd|passphrase|secret|token|apikey))(?![A-Za-z0-9])")
# What is not a secret but a reference to one: ${X}, $X, $(cmd), %(x)s, {{ x }}, <x>, an already masked value.
_PLACEHOLDER = r"(?:\$\{|\$\(|\$[A-Za-z_]|%\(|\{\{|<[^>\s]*>|\*\*\*|\*+(?![^\s\"',;&]))"

def _kept(groups: int, mask: str) -> Callable[[rx.Match[str]], str]:
    """The replacement `\\1...\\N` + mask as a function: a template string (with a backslash) makes
    Pattern.sub import re to parse it, ~3 ms of a failing run that otherwise needs no re."""
    def replace(m: rx.Match[str]) -> str:
        return "".join([m.group(i) or "" for i in range(1, groups + 1)]) + mask

    return replace


# Each secret's pattern, its replacement, and strings one of which the text must hold for the pattern to
# match (in the text's lower case when the last element is True): most text holds none, and a pattern whose
# strings are absent is neither compiled nor run. redact() is on the failure path (every line of evidence).
_SECRETS: tuple[tuple[rx.Pattern[str], object, tuple[str, ...], bool], ...] = (
    # private keys, PEM or PGP, whole block; a block cut off before its END line is masked to the end
    (lazy(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
          r"|.*\Z)", rx.S), MASK, ("-----BEGIN ",), False),
    # user:password@ in URLs (any scheme)
    (lazy(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@", rx.I), _kept(1, MASK + "@"), ("://",), False),
    # a token as the whole user part (https://TOKEN@host, as package indexes and git hosts take it): a long word,
    # or one of 8+ characters with a digit in it; a plain user name (git@, deploy@) stays
    (lazy(r"(\b[a-z][a-z0-9+.-]*://)(?:[A-Za-z0-9_.~%-]{20,}|(?=[A-Za-z_.~%-]*\d)[A-Za-z0-9_.~%-]{8,})@", rx.I),
     _kept(1, MASK + "@"), ("://",), False),
    # HTTP headers that carry credentials: the whole value
    (lazy(r"(?im)(\b(?:proxy-)?authorization:[ \t]*)[^\r\n]+"), _kept(1, MASK), ("authorization:",), True),
    (lazy(r"(?im)(\b(?:set-)?cookie:[ \t]*)[^\r\n]+"), _kept(1, MASK), ("cookie:",), True),
    (lazy(r"(?im)(\bx-[a-z0-9-]*(?:api-?key|token|auth|secret)[a-z0-9-]*:[ \t]*)[^\r\n]+"), _kept(1, MASK), ("x-",),
     True),
    # a credential after its scheme: a word with a digit, or a long one (not "Basic authentication failed")
    (lazy(r"\b(Bearer|Basic)(\s+)(?:(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}|[A-Za-z0-9._~+/=-]{20,})"),
     _kept(2, MASK), ("Bearer", "Basic"), False),
    # tokens recognisable by their shape, wherever they are
    (lazy(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), MASK,
     ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), False),
    (lazy(r"\bgl(?:pat|dt|rt|ptt|cbt|imt|soat|ffct|agent|oas)-[A-Za-z0-9_-]{20,}"), MASK, ("gl",), False),
    (lazy(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), MASK, ("AKIA", "ASIA"), False),
    (lazy(r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}"), MASK, ("xox", "xapp-"), False),
    (lazy(r"\bhooks\.slack\.com/services/[A-Za-z0-9/_-]+"), f"hooks.slack.com/services/{MASK}",
     ("hooks.slack.com/services/",), False),
    (lazy(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9]{16,}"), MASK,
     ("_live_", "_test_", "whsec_"), False),
    (lazy(r"\bsk-(?:proj-|svcacct-|admin-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}"), MASK, ("sk-",), False),
    (lazy(r"\bnpm_[A-Za-z0-9]{30,}"), MASK, ("npm_",), False),
    (lazy(r"\bpypi-[A-Za-z0-9_-]{40,}"), MASK, ("pypi-",), False),
    (lazy(r"\bhf_[A-Za-z0-9]{30,}"), MASK, ("hf_",), False),
    (lazy(r"\bAIza[0-9A-Za-z_-]{35}"), MASK, ("AIza",), False),
    (lazy(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"), MASK, ("eyJ",), False),
    # curl -u user:password, --user=user:password (numeric uid:gid, as docker -u 1000:1000, is no secret)
    (lazy(r"(?<!\S)((?:-u|--user)(?:[ \t]+|=)[^\s:]+:)(?!\d+(?!\S))(?!" + _PLACEHOLDER + r")[^\s\"']+"),
     _kept(1, MASK), ("-u",), False),
    # --password X, --password=X, --token X ... (an option whose value is a secret)
    (lazy(r"(?<!\S)(--?(?i:password|passwd|pass|token|secret|api-?key|auth-token|access-token|client-secret)"
          r"(?:[ \t]+|=))(?!-)(?!" + _PLACEHOLDER + r")[^\s\"']+"), _kept(1, MASK), ("pass", "token", "secret", "api"),
     True),
    # KEY=value, KEY: value, "key": "value", 'key': 'value' (JSON, YAML, env, query strings); every keyword of
    # _KEY holds one of the guard strings
    (lazy(r"(?P<k>[\"']?" + _KEY + r"[\"']?[ \t]*[:=][ \t]*)(?!" + _PLACEHOLDER + r")"
          r"(?:(?P<q>[\"'])(?!" + _PLACEHOLDER + r")[^\"'\r\n]{3,}?(?P=q)|[^\s\"',;&<>]{3,})"),
     lambda m: m.group("k") + (m.group("q") + MASK + m.group("q") if m.group("q") else MASK),
     ("pass", "pwd", "secret", "token", "key", "auth", "credential", "session"), True),
)

# mysql -pSECRET (the password glued to -p): only for the MySQL family, where -p means password
_MYSQL = lazy(r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb|mariadb-dump)\b[^\n]*")
_GLUED_P = lazy(r"(?<!\S)(-p|--password=)(?!" + _PLACEHOLDER + r")(?!\s)[^\s\"']+")

# argv options whose next element is a secret; -p only for the MySQL family (elsewhere it is a port)
_SECRET_OPTIONS = frozenset({
    "--password", "--passwd", "--pass", "--token", "--secret", "--api-key", "--apikey", "--auth-token",
    "--access-token", "--client-secret", "--private-key", "--secret-key", "--access-key", "--oauth-token",
    "--bearer", "--otp"})
_USER_OPTIONS = frozenset({"-u", "--user", "--proxy-user", "-U"})  # curl: user:password
_HEADER_OPTIONS = frozenset({"-H", "--header", "--proxy-header"})
_MYSQL_TOOLS = frozenset({"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow", "mysqlcheck", "mariadb",
                          "mariadb-dump"})


def redact(text: str) -> str:
    """text with every secret heal recognises replaced by ***."""
    if not text:
        return text
    for pattern, replacement, needles, folded in _SECRETS:
        # case-insensitive patterns also match a few non-ASCII letters (the Kelvin sign for k): only an
        # ASCII text's lower case proves that their strings are absent
        haystack = (text.lower() if text.isascii() else None) if folded else text
        if haystack is None or any(n in haystack for n in needles):
            text = pattern.sub(replacement, text)  # type: ignore[call-overload]
    if "-p" in text or "--password=" in text:
        text = _MYSQL.sub(lambda m: _GLUED_P.sub(_kept(1, MASK), m.group(0)), text)
    return text


def redact_argv(argv: Iterable[str]) -> list[str]:
    """A command line with its secrets masked, element by element, knowing the element before: the
    value after `--password` is masked whatever it looks like."""
    args = [str(a) for a in argv]
    mysql = any(a.rsplit("/", 1)[-1] in _MYSQL_TOOLS for a in args[:3])
    out: list[str] = []
    for i, arg in enumerate(args):
        prev = args[i - 1] if i else ""
        if prev in _SECRET_OPTIONS or prev == "-p" and mysql:
            out.append(arg if _is_placeholder(arg) else MASK)
        elif prev in _USER_OPTIONS and ":" in arg:
            user, _, secret = arg.partition(":")
            out.append(arg if _is_placeholder(secret) or secret.isdigit() else f"{user}:{MASK}")
        elif prev in _HEADER_OPTIONS and ":" in arg and rx.match(r"(?i)\s*[\w-]*(?:auth|token|key|secret|cookie)",
                                                                   arg):
            name, _, value = arg.partition(":")
            out.append(arg if _is_placeholder(value.strip()) else f"{name}: {MASK}")
        elif mysql and arg.startswith("-p") and len(arg) > 2 and not arg.startswith("--"):
            out.append(arg if _is_placeholder(arg[2:]) else f"-p{MASK}")
        else:
            out.append(redact(arg))
    return out


def redact_json(obj: object) -> object:
    """A JSON-able value with every string redacted; lists of strings as command lines (redact_argv)."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        return {k: redact_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if obj and all(isinstance(v, str) for v in obj):
            return redact_argv(obj)
        return [redact_json(v) for v in obj]
    return obj


def _is_placeholder(value: str) -> bool:
    return bool(rx.match(_PLACEHOLDER, value))
