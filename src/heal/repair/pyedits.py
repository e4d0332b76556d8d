"""Candidate edits around a Python syntax error, each with a cost: the search (heal.repair.pysearch) tries them
cheapest first and keeps those that compile.

This module holds what every edit needs: the `Site` of an error (its text, tokens, brackets), the priors, and the
generic token edits near the error (delete a token, insert or replace one from a small vocabulary); a table of priors
makes the tokens real fixes use most (`)`, `:`, `,`) cheaper, and each step away from the error costs more. The
family rules keyed on the interpreter's message live in heal.repair.pyrules, on the same cost scale (about 1.0 per
changed token).

Kept valid on Python 3.8 (see heal.repair).
"""

from __future__ import annotations

import re
from typing import Iterator, List, NamedTuple, Optional, Tuple

from heal.repair.lexer import CLOSERS, KEYWORDS, OPENERS, Token, line_starts, tokenize

Part = Tuple[int, int, str]  # replace text[start:end] with the string


class Cand(NamedTuple):
    cost: float
    parts: Tuple[Part, ...]  # non-overlapping, sorted by start
    note: str = ""


# Priors: what a token edit costs before the distance from the error is added. Real fixes mostly insert `)`, `:`,
# `,` and `(`, delete stray closers and markdown/REPL debris, and swap `=` for `==` (research/syntax-repair.md §2).
INSERT = {")": .8, "]": .9, "}": .95, ":": .8, ",": .85, "(": .95, "[": 1.15, "{": 1.25, ".": 1.0, "=": .95,
          "==": 1.05, "+": 1.1, "-": 1.2, "*": 1.2, "/": 1.3, "%": 1.3, "<": 1.2, ">": 1.15, "!=": 1.3, "**": 1.35,
          "and": 1.15, "or": 1.2, "not": 1.2, "in": 1.1, "is": 1.35, "def": 1.1, "class": 1.3, "for": 1.25,
          "if": 1.25, "while": 1.35, "with": 1.2, "import": 1.15, "from": 1.35, "as": 1.2, "return": 1.25,
          "pass": 1.35, "else": 1.4, "lambda": 1.5, "yield": 1.5, "del": 1.5, "elif": 1.45}
DELETE_OP = {")": .85, "]": .9, "}": .95, ":": .85, ",": .9, "**": .75, ";": .8, "`": .7, "$": .7, "?": .75,
             "!": .8, "(": .95, ".": .9, "=": .9, "...": .85, ">>": .9, ">": .95, "*": .9, "<": .95, "&": .95,
             "|": .95}
REPLACE = {("=", "=="): .5, ("==", "="): .7, (";", ","): .7, (",", ":"): .75, (":", ","): .8, ("=", ":"): .8,
           ("(", "["): .85, (")", "]"): .85, ("[", "("): .85, ("]", ")"): .85, ("{", "["): .9, ("}", "]"): .9,
           ("<>", "!="): .3, ("!", "not"): .5, ("&&", "and"): .4, ("||", "or"): .4, ("=>", ":"): .7,
           ("===", "=="): .5, ("!==", "!="): .5, ("=>", ">="): .3, ("=<", "<="): .3, ("->", "."): .8, (".", ","): .85,
           (",", "."): .9}
KEYWORD_SWAPS = {("else", "elif"): .45, ("elif", "else"): .55, ("for", "while"): .8, ("as", "import"): .7,
                 ("if", "elif"): .75, ("import", "from"): .9, ("from", "import"): .9, ("is", "=="): .8,
                 ("and", "&"): 1.0, ("or", "|"): 1.0}
# Words people write for a keyword (other languages, capitals, common slips).
KEYWORD_ALIASES = {"catch": "except", "exception": "except", "Except": "except", "elsif": "elif",
                   "elseif": "elif", "function": "def", "func": "def", "fun": "def", "fn": "def", "true": "True",
                   "false": "False", "null": "None", "none": "None", "nil": "None", "AND": "and", "OR": "or",
                   "NOT": "not", "foreach": "for", "then": ":", "imports": "import", "Import": "import",
                   "include": "import", "switch": "match", "throw": "raise", "this": "self"}
ATTACH_LEFT = frozenset(") ] } : , ; .".split())
INVISIBLE = {"\u00a0": " ", "\u200b": "", "\ufeff": "", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
             "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00d7": "*", "\u2026": "..."}
DIST_STEP = 0.04  # cost of each token between the edit and the error
WINDOW_BEFORE, WINDOW_AFTER = 12, 6


class Site:
    """The text around one error, tokenized once for every rule."""

    def __init__(self, text: str, msg: str, lineno: int | None, offset: int | None, end_lineno: int | None,
                 end_offset: int | None) -> None:
        self.text = text
        self.msg = msg or ""
        self.starts = line_starts(text)
        self.lines = text.split("\n")
        self.tokens = tokenize(text)
        self.code = [t for t in self.tokens if t.kind not in ("newline", "comment")]
        self.err = self.offset_of(lineno, offset)
        end = self.offset_of(end_lineno, end_offset) if end_lineno else None
        self.err_end = max(self.err, end if end is not None and end >= self.err else self.err)
        self.line = self.text.count("\n", 0, self.err)
        self.ei = self._token_at(self.err)
        self.enclosing = _enclosing(self.code)

    def offset_of(self, lineno: int | None, col: int | None) -> int:
        return offset_in(self.text, lineno, col, self.starts)

    def _token_at(self, off: int) -> int:
        for i, t in enumerate(self.code):
            if t.end > off:
                return i
        return max(len(self.code) - 1, 0)

    def indent(self, line: int) -> str:
        s = self.lines[line]
        return s[:len(s) - len(s.lstrip(" \t"))]

    def is_code_line(self, line: int) -> bool:
        s = self.lines[line].strip()
        return bool(s) and not s.startswith("#")

    def line_end(self, line: int) -> int:
        """Offset after the last code token of a line (before a comment and trailing blanks)."""
        last = None
        for t in self.code:
            if t.line == line or (t.kind == "string" and t.line <= line and self.text.count("\n", 0, t.end) == line):
                last = t
            elif t.line > line:
                break
        if last is not None and self.text.count("\n", 0, last.end) == line:
            return last.end
        start = self.starts[line]
        return start + len(self.lines[line].rstrip())

    def line_tokens(self, line: int) -> List[Token]:
        return [t for t in self.code if t.line == line]

    def closer_of(self, j: int) -> int:
        """Index of the token closing the opener at code index j, or -1."""
        depth = 0
        for i in range(j, len(self.code)):
            t = self.code[i].text
            if t in OPENERS:
                depth += 1
            elif t in CLOSERS:
                depth -= 1
                if depth == 0:
                    return i
        return -1

    def line_head(self, i: int) -> int:
        """Index of the first code token on the line of code token i."""
        line = self.code[i].line
        while i > 0 and self.code[i - 1].line == line:
            i -= 1
        return i


BLOCK_KEYWORDS = frozenset("if elif else for while def class with try except finally async match case lambda".split())


def _enclosing(code: List[Token]) -> List[int]:
    """For each code token, the index of the innermost bracket still open before it (-1: none)."""
    stack: List[int] = []
    out: List[int] = []
    for i, t in enumerate(code):
        out.append(stack[-1] if stack else -1)
        if t.text in OPENERS:
            stack.append(i)
        elif t.text in CLOSERS and stack:
            stack.pop()
    return out


def offset_in(text: str, lineno: int | None, col: int | None, starts: List[int] | None = None) -> int:
    """The offset of a 1-based (line, column) in text; past the end for an error at the end of the file."""
    if not lineno:
        return len(text)
    if starts is None:
        start, n = 0, 1
        while n < lineno:
            nl = text.find("\n", start)
            if nl < 0:
                return len(text)
            start, n = nl + 1, n + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
    else:
        if lineno > len(starts):
            return len(text)
        start = starts[lineno - 1]
        end = starts[lineno] - 1 if lineno < len(starts) else len(text)
    return min(start + max((col or 1) - 1, 0), end)


# --- generic token edits ---------------------------------------------------------------------------------


def generic(site: Site) -> Iterator[Cand]:
    code, ei = site.code, site.ei
    if not code:
        return
    lines = range(max(site.line - 1, 0), site.text.count("\n", 0, site.err_end) + 1)
    window = [i for i in range(max(ei - WINDOW_BEFORE, 0), min(ei + WINDOW_AFTER, len(code)))
              if code[i].line in lines and (code[i].line >= site.line or _last_on_line(code, i))]
    span = [i for i in range(len(code)) if site.err <= code[i].start < site.err_end]
    window = sorted(set(window) | set(span[:30]))
    for i in window:
        tok = code[i]
        d = token_distance(site, i)
        if not _load_bearing(site, i) and tok.kind != "string":  # a literal's content is the author's, not debris
            yield Cand(_delete_cost(tok) + _delete_context(site, i) + d, (delete_part(site, i),))
        if tok.is_keyword and tok.text not in ("True", "False", "None", "await", "yield", "lambda", "not", "async") \
                and i + 1 < len(code) and code[i + 1].text == "=":
            # a keyword used as a name: `pass = 1` -> `pass_` (PEP 8's trailing underscore)
            yield Cand(0.7 + d, ((tok.start, tok.end, tok.text + "_"),))
        for new, cost in _replacements(tok):
            cost += _insert_context(site, i + 1, new, replacing=True)
            yield Cand(cost + d, (replace_part(site, tok, new),))
    bounds = sorted({i for i in window} | {window[-1] + 1} if window else set())
    for b in bounds:
        d = token_distance(site, b) if b < len(code) else token_distance(site, b - 1) + DIST_STEP
        for word, cost in INSERT.items():
            part = _insert(site, b, word)
            if part:
                yield Cand(cost + _insert_context(site, b, word) + d, (part,))


BINARY = frozenset("+ - * / % ** // < > == != <= >= and or in is & | ^ << >> @".split())


def _insert_context(site: Site, b: int, word: str, replacing: bool = False) -> float:
    """What the surroundings say about putting word before code token b (or in place of token b-1)."""
    code = site.code
    pi = b - 2 if replacing else b - 1
    prev = code[pi] if pi >= 0 else None
    nxt = code[b] if b < len(code) else None
    at_end = nxt is None or (prev is not None and nxt.line != prev.line)
    inside = site.enclosing[b] if b < len(code) else (site.enclosing[-1] if code else -1)
    if replacing and b - 1 < len(code):
        inside = site.enclosing[b - 1]
    cost = 0.0
    if word == ",":
        head = code[site.line_head(pi)].text if pi >= 0 else ""
        if at_end and inside < 0:
            cost += 0.5  # a statement ending in a comma is a tuple nobody meant
        elif inside < 0 and head not in ("return", "yield", "for", "import", "del", "global", "nonlocal", "except",
                                         "with", "print", "assert") and not any(
                t.text == "=" for t in code[site.line_head(pi):b]):
            cost += 0.3  # nor is an expression statement that became a tuple
        elif at_end and inside >= 0 and not replacing:
            cost -= 0.2  # the comma missing at the end of a line inside a list/call/dict
    if word == ":" and replacing and prev is not None and code[pi + 1].text == "=" and not (
            inside >= 0 and code[inside].text == "{"):
        cost += 0.6  # `f(x=1)` -> `f(x:1)` turns a default into an annotation
    if word == ":" and prev is not None and inside < 0:
        head = site.line_head(pi)
        if code[head].text not in BLOCK_KEYWORDS and not any(t.text == "lambda" for t in code[head:b]):
            cost += 0.4  # `name: value` is an annotation, rarely what was meant
    if prev is not None and nxt is not None and not replacing and prev.line == nxt.line:
        gap = site.text[prev.end:nxt.start]
        if len(gap) >= 2 and word in BINARY | {"=", "=="}:
            # two spaces and nothing between: a `<`, `>` or `%` eaten on the way (HTML, markdown)
            cost -= {">": 0.45, "<": 0.4, "%": 0.35}.get(word, 0.2)
        if word == "=" and prev.kind == "name" and not prev.is_keyword and site.line_head(pi) == pi \
                and inside < 0 and len(gap) == 1 and (nxt.text in ("[", "(", "{") or nxt.kind == "name" and b + 1 < len(
                    code) and code[b + 1].text in ("(", ".", "[")):
            cost -= 0.2  # `total sum(x)`: the `=` of an assignment
        if word in BINARY and ends_atom(prev) and starts_atom(nxt) and any(
                t.text == word for t in code[site.line_head(pi):pi]):
            cost -= 0.35  # `"a" + b "c"`: the operator the line already uses between its terms
        if word == "." and prev.text in (")", "]") and nxt.kind == "name" and not gap:
            cost -= 0.3  # `f(x)method()`: the dot of a method call
    return cost


def _delete_context(site: Site, i: int) -> float:
    code, tok = site.code, site.code[i]
    nxt = code[i + 1] if i + 1 < len(code) else None
    prev = code[i - 1] if i > 0 else None
    at_end = nxt is None or nxt.line != tok.line
    cost = 0.0
    if (tok.text in BINARY or tok.text == ".") and (at_end or nxt.text in CLOSERS or nxt.text in (",", ":")):
        cost -= 0.3  # a dangling operator
    elif tok.text == "." and nxt is not None and nxt.kind != "name":
        cost -= 0.3
    if tok.text == ":" and at_end and site.enclosing[i] < 0 and site.code[site.line_head(i)].text not in BLOCK_KEYWORDS:
        nxt_line = nxt.line if nxt is not None else None
        if nxt_line is None or len(site.indent(nxt_line).expandtabs()) <= len(site.indent(tok.line).expandtabs()):
            cost -= 0.4  # `f(x):` with no block after it
    if prev is not None and nxt is not None and prev.kind == nxt.kind == "string" and tok.kind != "string":
        cost += 0.4  # two strings side by side concatenate silently
    return cost


STATEMENT_KEYWORDS = BLOCK_KEYWORDS | {"import", "from", "return", "raise", "del", "global", "nonlocal", "assert",
                                      "yield", "pass", "break", "continue"}


def _load_bearing(site: Site, i: int) -> bool:
    """Deleting it would delete the statement rather than repair it: the keyword a line starts with, or the only
    token of a line."""
    tok = site.code[i]
    head = site.line_head(i) == i
    if tok.is_keyword and tok.text not in ("True", "False", "None"):
        # `await`, `return`, `not`... gone is another program; only a doubled one (`import import`) is a slip
        doubled = any(0 <= k < len(site.code) and site.code[k].text == tok.text for k in (i - 1, i + 1))
        return not doubled
    return head and (tok.text in STATEMENT_KEYWORDS or _last_on_line(site.code, i))


def _last_on_line(code: List[Token], i: int) -> bool:
    return i + 1 >= len(code) or code[i + 1].line != code[i].line


def token_distance(site: Site, i: int) -> float:
    return DIST_STEP * min(abs(i - site.ei), 15)


def _delete_cost(tok: Token) -> float:
    if tok.kind == "op":
        return DELETE_OP.get(tok.text, 1.0)
    if tok.kind == "err":
        return 0.6
    if tok.kind == "cont":
        return 0.9
    # a name carries meaning: deleting one is the last resort (prose and debris have their own rules)
    return {"name": 1.3 if tok.is_keyword else 1.6, "number": 1.15, "string": 1.3}[tok.kind]


def _replacements(tok: Token) -> Iterator[Tuple[str, float]]:
    if tok.kind == "name" or tok.kind == "op":
        alias = KEYWORD_ALIASES.get(tok.text) or KEYWORD_ALIASES.get(tok.text.lower())
        if alias:
            yield alias, 0.45
    if tok.is_keyword:
        for (old, new), cost in KEYWORD_SWAPS.items():
            if old == tok.text:
                yield new, cost
    elif tok.kind == "name":
        low = tok.text.lower()
        for kw in KEYWORDS:
            if kw == tok.text:
                continue
            if kw.lower() == low:
                yield kw, 0.45  # While, IF, Def
            elif len(low) >= 3 and one_slip(low, kw.lower()):
                yield kw, 0.7  # retrun, esle, improt
    elif tok.kind == "op":
        seen = set()
        for (old, new), cost in REPLACE.items():
            if old == tok.text:
                seen.add(new)
                yield new, cost
        for new in ("(", ")", "[", "]", ":", ",", ".", "=", "==", "+", "-", "*", "in"):
            if new != tok.text and new not in seen:
                # a comma that becomes an operator regroups the whole expression
                extra = 0.4 if tok.text == "," and new in ("==", "+", "-", "*", "in", "=") else 0.0
                yield new, 1.0 + (INSERT.get(new, 1.2) - 0.8) * 0.5 + extra
    elif tok.kind == "err":
        for new in (",", ":", ".", "(", ")"):
            yield new, 1.0


def one_slip(a: str, b: str) -> bool:
    """Levenshtein distance 1, or one transposition: the slips that make a keyword unrecognisable."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                   and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _is_word(s: str) -> bool:
    return bool(s) and (s[0].isalnum() or s[0] == "_")


def _spaced(site: Site, start: int, end: int, new: str) -> str:
    """new, with the spaces that keep it from fusing with its neighbours."""
    text = site.text
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if _is_word(new):
        if before.isalnum() or before in "_)]}'\"":
            new = " " + new
        if after.isalnum() or after in "_([{'\"":
            new = new + " "
    return new


def replace_part(site: Site, tok: Token, new: str) -> Part:
    """tok -> new; `,` and `:` sit against what comes before them (`"a" = 1` -> `"a": 1`), and a comma gets the
    space after it that the line's other commas have."""
    start = tok.start
    text = site.text
    if new in (",", ":") and not (new == ":" and _in_slice(site, tok)):
        while start > 0 and text[start - 1] in " \t" and text[site.starts[tok.line]:start].strip():
            start -= 1
        if new == "," and text[tok.end:tok.end + 1] not in (" ", "\n", ")", "]", "}", "") and _spaced_commas(site, tok):
            new = ", "
        return (start, tok.end, new)
    return (start, tok.end, _spaced(site, tok.start, tok.end, new))


def _in_slice(site: Site, tok: Token) -> bool:
    i = site.code.index(tok)
    j = site.enclosing[i]
    return j >= 0 and site.code[j].text == "["


def _spaced_commas(site: Site, tok: Token) -> bool:
    """Whether this line writes `a, b` (or has no other comma to say otherwise)."""
    line = site.lines[tok.line]
    return not re.search(r",[^\s)\]}]", line.replace(tok.text, "", 1) if tok.text == "," else line)


def _insert(site: Site, b: int, word: str) -> Optional[Part]:
    """Insert word at the boundary before code token b (b == len: after the last token), the way a person
    would type it there."""
    code, text = site.code, site.text
    prev = code[b - 1] if b > 0 else None
    nxt = code[b] if b < len(code) else None
    if prev is not None and nxt is not None and nxt.line != prev.line:
        # a line break: the word goes at the end of prev's line, or at the start of nxt's
        if word in ATTACH_LEFT or word in ("(", "[", "{"):
            return (prev.end, prev.end, word) if word in ATTACH_LEFT else None
        return (nxt.start, nxt.start, word + " ")
    if prev is None or (nxt is not None and prev.line != nxt.line):
        return (nxt.start, nxt.start, word + (" " if _is_word(word) else "")) if nxt else None
    gap = text[prev.end:nxt.start] if nxt else ""
    if word == "," and nxt is not None and not gap and nxt.text not in CLOSERS and _spaced_commas(site, prev):
        return (prev.end, prev.end, ", ")
    if word in ATTACH_LEFT or nxt is None:
        return (prev.end, prev.end, word if not _is_word(word) else " " + word)
    if word in ("(", "[", "{"):
        if prev.kind == "name" and not prev.is_keyword or prev.text in (")", "]", "}"):
            return (prev.end, nxt.start, word)  # a call or subscript: `range 10)` -> `range(10)`
        return (nxt.start, nxt.start, word)
    if gap:
        return (prev.end, nxt.start, " " + word + " ")
    return (prev.end, prev.end, _spaced(site, prev.end, prev.end, word))


def delete_part(site: Site, i: int) -> Part:
    tok, text = site.code[i], site.text
    end = tok.end
    line_start = site.starts[tok.line]
    if 0 < tok.start and end < len(text) and _is_word(text[tok.start - 1]) and _is_word(text[end]):
        return (tok.start, end, " ")  # `x=1` -> `x 1`, never `x1`: a deletion must not fuse two names
    if site.line_head(i) == i and _last_on_line(site.code, i) and not text[end:text.find("\n", end) if "\n" in
                                                                           text[end:] else len(text)].strip():
        nl = text.find("\n", end)
        return (line_start, len(text) if nl < 0 else nl + 1, "")  # alone on its line: the line goes
    if _last_on_line(site.code, i) and not site.text[site.starts[tok.line]:tok.start].strip() == "":
        start = tok.start
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        return (start, end, "")  # `x = 1 +` -> `x = 1`, no blank left at the end of the line
    line_start = site.starts[tok.line]
    at_line_start = not text[line_start:tok.start].strip()
    after_opener = tok.start > 0 and text[tok.start - 1] in "([{"
    rest = text[end:].lstrip(" \t")
    if rest[:1] in (",", ")", "]", "}", ":") and tok.start > 0 and text[tok.start - 1] in " \t" and not at_line_start:
        start = tok.start
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        return (start, end + (len(text) - end - len(rest)), "")  # `id =, x` -> `id, x`
    if end < len(text) and text[end] in " \t" and (at_line_start or after_opener
                                                    or (tok.start > 0 and text[tok.start - 1] in " \t")):
        while end < len(text) and text[end] in " \t":
            end += 1
        if end < len(text) and text[end] == "\n" and not at_line_start:
            end = tok.end
    return (tok.start, end, "")


def ends_atom(t: Token) -> bool:
    return t.kind in ("name", "number", "string") and t.text not in KEYWORDS - {"True", "False", "None"} \
        or t.text in CLOSERS


def starts_atom(t: Token) -> bool:
    return t.kind in ("name", "number", "string") and t.text not in KEYWORDS - {"True", "False", "None", "not",
                                                                                "lambda"} or t.text in OPENERS
