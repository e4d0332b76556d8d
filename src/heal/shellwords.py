"""shlex.split, shlex.quote and shlex.join, without importing shlex.

shlex imports re at its top (for quote's test of unsafe characters), and re is ~3 ms of a failing run that
otherwise needs none of it (see heal.rx): `heal diagnose --command "python3 -c 'import x'"` and the Claude
Code hook split quoted command lines on every failure. These give shlex's answers exactly, errors included
(tests/test_shellwords.py compares them on generated input): POSIX mode, whitespace " \\t\\r\\n", quotes '
and ", backslash escapes outside quotes and before \\ or " inside double quotes, "#" starting a comment to
the end of the line when comments=True (also inside a word, as shlex has it).
"""

from __future__ import annotations

_WHITESPACE = " \t\r\n"
# what shlex.quote leaves unquoted: re's \w with re.ASCII, and @%+=:,./-
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")


def split(s: str, comments: bool = False) -> list[str]:
    """shlex.split(s, comments): ValueError("No closing quotation") or ("No escaped character") as it."""
    words = _scan(s, "anywhere" if comments else "", "")
    assert words is not None
    return words


def simple_command(line: str) -> list[str] | None:
    """The words of a simple command as a POSIX shell reads them, or None when the line needs a shell: one of
    the operator characters ();<>|& outside quotes. A "#" that starts a word comments out the rest of the line
    (in a word it is a letter, as in the shell). ValueError for a quote never closed or a trailing backslash."""
    return _scan(line, "word start", "refuse")


def tokens(line: str) -> list[str]:
    """The words of a command line and its operators (runs of ();<>|& outside quotes: `&&`, `2>&1` gives 2, >&,
    1), as shlex.shlex(line, posix=True, punctuation_chars=True) with whitespace_split gives them, except that
    a "#" comments out the rest of the line only at a word's start, as in the shell. ValueError for a quote
    never closed or a trailing backslash."""
    found = _scan(line, "word start", "tokens")
    assert found is not None
    return found


_OPERATORS = frozenset("();<>|&")


def _scan(s: str, comments: str, operators: str) -> list[str] | None:
    """shlex's POSIX splitting (see the module's docstring); comments "" (none), "anywhere" (shlex's: also
    inside a word) or "word start" (the shell's); operators "" (letters like any other), "refuse" (None at the
    first one outside quotes) or "tokens" (each run of them a word of its own)."""
    words: list[str] = []
    word: list[str] = []
    in_word = False  # a word has begun (an empty quoted word counts)
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _WHITESPACE:
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            i += 1
        elif c == "#" and (comments == "anywhere" or comments and not in_word):
            end = s.find("\n", i)
            i = n if end < 0 else end + 1
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
        elif operators and c in _OPERATORS:
            if operators == "refuse":
                return None
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            end = i + 1
            while end < n and s[end] in _OPERATORS:
                end += 1
            words.append(s[i:end])
            i = end
        elif c == "\\":
            if i + 1 >= n:
                raise ValueError("No escaped character")
            word.append(s[i + 1])
            in_word = True
            i += 2
        elif c == "'":
            end = s.find("'", i + 1)
            if end < 0:
                raise ValueError("No closing quotation")
            word.append(s[i + 1:end])
            in_word = True
            i = end + 1
        elif c == '"':
            in_word = True
            i += 1
            while True:
                if i >= n:
                    raise ValueError("No closing quotation")
                c = s[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\":
                    if i + 1 >= n:
                        raise ValueError("No escaped character")
                    following = s[i + 1]
                    word.append(following if following in '\\"' else "\\" + following)
                    i += 2
                else:
                    word.append(c)
                    i += 1
        else:
            word.append(c)
            in_word = True
            i += 1
    if in_word:
        words.append("".join(word))
    return words


def quote(s: str) -> str:
    """shlex.quote(s)."""
    if not s:
        return "''"
    if _SAFE.issuperset(s):
        return s
    return "'" + s.replace("'", "'\"'\"'") + "'"


def join(words: list[str] | tuple[str, ...]) -> str:
    """shlex.join(words)."""
    return " ".join(quote(w) for w in words)
