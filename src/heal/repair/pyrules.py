"""The family rules of the Python syntax search: for each interpreter message (`expected ':'`, `'(' was never
closed`, print statements, indentation...), the edit it points at, cheaply, and the larger edits the token search
cannot reach in one step (wrap a print statement's arguments, re-indent a block, close a string); plus the debris
every message may hide (REPL prompts, markdown, HTML, prose). `candidates()` joins them with the generic token edits
of heal.repair.pyedits.

Kept valid on Python 3.8 (see heal.repair).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from heal.repair.lexer import CLOSERS, KEYWORDS, OPENERS, Token
from heal.repair.pyedits import (INVISIBLE, KEYWORD_ALIASES, Cand, Part, Site, delete_part, ends_atom, generic,
                                 one_slip, replace_part, starts_atom, token_distance)


# --- family rules, keyed on the message ------------------------------------------------------------------


def rules(site: Site) -> Iterator[Cand]:
    for pattern, rule in RULES:
        if pattern.search(site.msg):
            yield from rule(site)
    yield from always(site)


def _at_error_token(site: Site) -> Optional[Token]:
    return site.code[site.ei] if site.code else None


def expected_colon(site: Site) -> Iterator[Cand]:
    at = site.err
    while at > 0 and site.text[at - 1] in " \t":
        at -= 1  # right after the header's last token, not before its comment
    yield Cand(0.2, ((at, at, ":"),))
    end = site.line_end(site.line)
    if end != site.err:
        yield Cand(0.35, ((end, end, ":"),))


def _dict_key_position(site: Site, i: int) -> bool:
    j = site.enclosing[i]
    if j < 0 or site.code[j].text != "{":
        return False
    for t in reversed(site.code[j + 1:i]):
        if t.text == "," and site.enclosing[site.code.index(t)] == j:
            return True
        if t.text == ":":
            return False
    return True


def forgot_comma(site: Site) -> Iterator[Cand]:
    """Two expressions side by side: the comma (or the operator used around them) goes between the two."""
    code = site.code
    inside = [i for i in range(1, len(code)) if site.err < code[i].start <= site.err_end
              and ends_atom(code[i - 1]) and starts_atom(code[i]) and code[i - 1].line == code[i].line]
    near = {t.text for t in code if site.err - 40 <= t.start <= site.err_end + 40 and t.kind == "op"}
    for n, i in enumerate(inside):
        prev = code[i - 1]
        d = 0.03 * n
        gap = site.text[prev.end:code[i].start]
        if prev.kind == "number" and prev.text.endswith(".") and gap:
            yield Cand(0.28 + d, ((prev.end - 1, prev.end, ","),))  # `[1, 4. 5]`: a comma typed as a period
        if "+" in near and (prev.kind == "string" or code[i].kind == "string"):
            yield Cand(0.28 + d, ((prev.end, code[i].start, " + " if gap else "+"),))  # "a" + b "c": the + is missing
        # two spaces between: an operator was eaten on the way (HTML took a `<` or `>`), not a comma
        yield Cand(0.3 + d + (0.4 if len(gap) >= 2 else 0), ((prev.end, prev.end, ","),))
        if len(gap) >= 2:
            for op, c in ((">", .45), ("<", .5), ("%", .55), ("==", .6)):
                yield Cand(c + d, ((prev.end, code[i].start, f" {op} "),))
        # `{'a' 1}` says "comma" too: in braces with no `:` since the last comma, a dict's colon is likelier
        yield Cand((0.25 if _dict_key_position(site, i) else 0.7) + d, ((prev.end, prev.end, ":"),))
        for op, c in (("+", .8), ("=", .85), (".", .9), ("*", .95)):
            yield Cand(c + d, ((prev.end, code[i].start, f" {op} " if gap else op),))


def maybe_equals(site: Site) -> Iterator[Cand]:
    for i, t in enumerate(site.code):
        # the `=` inside the reported span, or the first one after it on the line (the span is the target)
        if t.text == "=" and site.err <= t.start and (t.start < site.err_end or t.line == site.line):
            j = site.enclosing[i]
            if j >= 0 and site.code[j].text == "{":
                yield Cand(0.2, (replace_part(site, t, ":"),))  # `{"a" = 1}`: a dict written as keyword arguments
            yield Cand(0.25, ((t.start, t.end, "=="),))
            yield Cand(0.6, ((t.start, t.end, ":="),))
            break
    tok = _at_error_token(site)
    if tok is not None and tok.text == "=":
        yield Cand(0.25, ((tok.start, tok.end, "=="),))


def never_closed(site: Site) -> Iterator[Cand]:
    if site.code:
        yield from _close_bracket(site, site.code[site.ei], 0.0)


def _close_bracket(site: Site, opener: Token, extra: float) -> Iterator[Cand]:
    """Close opener at the end of its line or of a later line of the same statement; the end of the statement's
    last continuation line (lines indented deeper than the opener's) is the likeliest place."""
    closer = OPENERS.get(opener.text, ")")
    first = opener.line
    base_indent = len(site.indent(first).expandtabs())
    lines = []
    for line in range(first, min(first + 40, len(site.lines))):
        if not site.is_code_line(line):
            continue
        if line > first and len(site.indent(line).expandtabs()) <= base_indent and _starts_statement(site, line):
            break  # a new statement at the opener's level: the bracket closes before it
        lines.append(line)
    last = lines[-1] if lines else first
    for line in lines:
        end = site.line_end(line)
        cost = extra + 0.4 + 0.05 * (last - line) + (0.02 * (line - first) if line != last else 0)
        yield Cand(cost, ((end, end, closer),))
        if site.text[end - 1:end] == ":":
            yield Cand(cost - 0.05, ((end - 1, end - 1, closer),))
        if site.text[end - 1:end] in (",", ";"):
            yield Cand(cost + 0.05, ((end - 1, end, closer),))
    # inside the opener's line, before a later token
    toks = [t for t in site.code if t.line == first and t.start > opener.start]
    for n, t in enumerate(toks):
        yield Cand(extra + 0.75 + 0.03 * (len(toks) - n), ((t.start, t.start, closer),))


def _starts_statement(site: Site, line: int) -> bool:
    toks = site.line_tokens(line)
    if not toks:
        return False
    first = toks[0]
    # called for lines at the opener's indentation or less: a comprehension's `for`/`if` would be deeper
    if first.text in CLOSERS or first.text in (".", ",", "+", "-", "*", "/", "and", "or", "in", "not", "is", "%"):
        return False
    return first.is_keyword or first.kind == "name" and any(t.text in ("=", "(", ".") for t in toks[1:3]) or \
        first.text == "@"


def unmatched(site: Site) -> Iterator[Cand]:
    tok = _at_error_token(site)
    if tok is None or tok.text not in CLOSERS:
        return
    yield Cand(0.35, (delete_part(site, site.ei),))
    code = site.code
    head = site.line_head(site.ei)
    # a closer earlier in the statement closed its call too soon: the first one that brings the depth back to
    # zero while the statement goes on
    depth = 0
    for i in range(head, site.ei):
        if code[i].text in OPENERS:
            depth += 1
        elif code[i].text in CLOSERS:
            depth -= 1
            if depth == 0 and code[i].text == tok.text and i + 1 < site.ei and code[i + 1].text not in (".", "[", "("):
                yield Cand(0.45, (delete_part(site, i),))
                break
    # or an opener is missing earlier on the line: after a name that is being called, or at the expression start
    for n, t in enumerate(code[head:site.ei]):
        i = head + n
        if t.kind == "name" and not t.is_keyword and i + 1 < site.ei:
            nxt = code[i + 1]
            if nxt.text not in ("(", "[", "."):
                gap = site.text[t.end:nxt.start]
                yield Cand(0.6 + 0.02 * n, ((t.end, nxt.start, CLOSERS[tok.text]) if gap else
                                            (t.end, t.end, CLOSERS[tok.text]),))
        if t.text in ("=", "return", "(", ",") and i + 1 < site.ei:
            nxt = code[i + 1]
            yield Cand(0.65 + 0.02 * n, ((nxt.start, nxt.start, CLOSERS[tok.text]),))


def mismatched(site: Site) -> Iterator[Cand]:
    m = re.search(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'", site.msg)
    tok = _at_error_token(site)
    if not m or tok is None or tok.text != m.group(1):
        return
    want = OPENERS.get(m.group(2), ")")
    yield Cand(0.35, ((tok.start, tok.end, want),))
    yield Cand(0.45, ((tok.start, tok.start, want),))  # `[f(x]` -> `[f(x)]`
    yield Cand(0.55, (delete_part(site, site.ei),))
    # the inner bracket closes earlier: `f(['a', 'b', x=1)` -> `f(['a', 'b'], x=1)`
    j = site.enclosing[site.ei]
    if j >= 0:
        for n, i in enumerate(range(site.ei - 1, j, -1)):
            t = site.code[i]
            if t.text == "," and site.enclosing[i] == j:
                yield Cand(0.5 + 0.03 * n, ((t.start, t.start, want),))
    # or the opener was the wrong one: find it and swap it
    depth = 0
    for t in reversed([t for t in site.code if t.start < tok.start]):
        if t.text in CLOSERS:
            depth += 1
        elif t.text in OPENERS:
            if depth == 0:
                if t.text == m.group(2):
                    yield Cand(0.5, ((t.start, t.end, CLOSERS[tok.text]),))
                break
            depth -= 1


def print_statement(site: Site) -> Iterator[Cand]:
    m = re.search(r"Missing parentheses in call to '(\w+)'", site.msg)
    name = m.group(1) if m else "print"
    for t in site.code:
        if t.text == name and t.start >= site.starts[site.line] and t.line <= site.text.count("\n", 0, site.err_end):
            i = site.code.index(t)
            if i + 1 >= len(site.code):
                return
            first = site.code[i + 1]
            end = _statement_end(site, i + 1)
            args = site.text[first.start:end]
            part_open = (t.end, first.start, "(")
            if args.startswith(">>"):
                # print >>f, x, y  ->  print(x, y, file=f)
                m2 = re.match(r">>\s*([^,]+?)\s*,\s*(.*)$", args, re.S)
                if m2:
                    yield Cand(0.3, ((t.end, end, f"({m2.group(2)}, file={m2.group(1)})"),))
                continue
            if args.rstrip().endswith(","):
                # Python 2's trailing comma: no newline after it
                stripped = args.rstrip()[:-1].rstrip()
                yield Cand(0.15, ((t.end, end, f"({stripped}, end=' ')"),))
            yield Cand(0.2, (part_open, (end, end, ")")))
            return


def _statement_end(site: Site, i: int) -> int:
    """Offset after the last token of the simple statement starting at code token i: the end of its logical
    line (brackets followed across lines), before a `;` at depth 0."""
    depth, end = 0, site.code[i].end
    line = site.code[i].line
    for t in site.code[i:]:
        if depth == 0 and t.line != line and site.text.count("\n", 0, t.start) != site.text.count("\n", 0, end):
            if not site.text[end:t.start].strip().startswith("\\"):
                break
        if depth == 0 and t.text == ";":
            break
        if t.text in OPENERS:
            depth += 1
        elif t.text in CLOSERS:
            depth = max(depth - 1, 0)
        end = t.end
        line = site.text.count("\n", 0, t.end)
    return end


def multiple_exceptions(site: Site) -> Iterator[Cand]:
    # except A, e:  ->  except A as e:   (Python 2)
    for t in site.line_tokens(site.line):
        if t.text == ",":
            yield Cand(0.25, ((t.start, t.end + (1 if site.text[t.end:t.end + 1] == " " else 0), " as "),))
            return


def leading_zeros(site: Site) -> Iterator[Cand]:
    tok = _at_error_token(site)
    for t in site.line_tokens(site.line):
        if t.kind == "number" and re.fullmatch(r"0+\d+", t.text) and (tok is None or t.start >= tok.start
                                                                       or t is tok):
            digits = t.text.lstrip("0") or "0"
            octal = len(t.text) >= 3 and all(c in "01234567" for c in t.text)
            yield Cand(0.3 if octal else 0.4, ((t.start, t.end, "0o" + digits),))
            yield Cand(0.4 if octal else 0.3, ((t.start, t.end, digits),))
            return


def invalid_literal(site: Site) -> Iterator[Cand]:
    tok = None
    for t in site.code:
        if t.kind == "number" and t.start <= site.err < t.end + 1 and t.line == site.line:
            tok = t
    if tok is None:
        return
    m = re.fullmatch(r"(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d+)[lL]", tok.text)
    if m:
        yield Cand(0.25, ((tok.start, tok.end, m.group(1)),))  # Python 2 long
        return
    m = re.fullmatch(r"((?!0[xXoObB])[\d.]+)([A-Za-z_]\w*)", tok.text)
    if m:  # 2x -> 2*x, 2 x
        yield Cand(0.6, ((tok.start, tok.end, f"{m.group(1)}*{m.group(2)}"),))
        yield Cand(0.9, ((tok.start, tok.end, f"{m.group(1)} {m.group(2)}"),))


def unicode_escape(site: Site) -> Iterator[Cand]:
    for t in site.line_tokens(site.line):
        if t.kind == "string" and "\\" in t.text and not re.match(r"(?i)[bfu]?r", t.text):
            yield Cand(0.3, ((t.start, t.start, "r"),))


def invalid_character(site: Site) -> Iterator[Cand]:
    start = site.starts[site.line]
    end = site.starts[site.line + 1] - 1 if site.line + 1 < len(site.starts) else len(site.text)
    parts = tuple((i, i + 1, INVISIBLE[c]) for i, c in enumerate(site.text[start:end], start) if c in INVISIBLE)
    if parts:
        yield Cand(0.3, parts, "replace look-alike characters")


def unterminated_string(site: Site) -> Iterator[Cand]:
    for t in site.tokens:
        if t.kind == "string" and not t.closed and t.line == site.line:
            quote = re.match(r"[A-Za-z]*('''|\"\"\"|'|\")", t.text).group(1)
            if len(quote) == 3:
                yield from _close_triple(site, t, quote)
                return
            body_end = t.start + len(t.text.rstrip())
            yield Cand(0.3, ((body_end, body_end, quote),))
            # the quote is missing before the closing brackets/comma/colon the string swallowed
            tail = t.text.rstrip()
            k = len(tail)
            n = 0
            while k > 0 and tail[k - 1] in ")]},:; ":
                k -= 1
                n += 1
                if tail[k] != " ":
                    yield Cand(0.3 + 0.02 * n, ((t.start + k, t.start + k, quote),))
            return


def _close_triple(site: Site, t: Token, quote: str) -> Iterator[Cand]:
    first = t.line
    last = len(site.lines) - 1
    for k, line in enumerate(range(first, last + 1)):
        end = site.starts[line] + len(site.lines[line].rstrip())
        if line == first and end <= t.start + len(quote):
            continue
        nxt = line + 1
        # a docstring ends where code at its own level or lower starts again
        good = nxt > last or (site.is_code_line(nxt) and len(site.indent(nxt).expandtabs())
                              <= len(site.indent(first).expandtabs()))
        yield Cand((0.3 if good else 0.8) + 0.01 * k, ((end, end, quote),))


def expected_indented_block(site: Site) -> Iterator[Cand]:
    m = re.search(r"on line (\d+)", site.msg)
    header = int(m.group(1)) - 1 if m else site.line - 1
    if header < 0 or header >= len(site.lines):
        return
    unit = _indent_unit(site)
    head_indent = site.indent(header)
    want = head_indent + unit
    body = [ln for ln in range(header + 1, len(site.lines)) if site.is_code_line(ln)]
    if body:
        first = body[0]
        cur = site.indent(first)
        if len(cur.expandtabs()) <= len(head_indent.expandtabs()):
            # indent the first line only; or the whole run of lines at its level (what the author meant as body)
            yield Cand(0.35, (_set_indent(site, first, want),))
            run = [first]
            for ln in body[1:]:
                ind = site.indent(ln)
                if len(ind.expandtabs()) < len(cur.expandtabs()) or (ind == cur and _dedent_keyword(site, ln)):
                    break
                run.append(ln)
            if len(run) > 1:
                shift = len(want.expandtabs()) - len(cur.expandtabs())
                yield Cand(0.3 + 0.12 * len(run), tuple(_shift_indent(site, ln, shift, unit) for ln in run),
                           f"indent lines {run[0] + 1}-{run[-1] + 1}")
    end = site.starts[header] + len(site.lines[header].rstrip())
    yield Cand(0.8, ((end, end, "\n" + want + "pass"),), "add pass")
    if site.text[end - 1:end] == ":":  # `match(...):` was a call, not a block
        yield Cand(0.9, ((end - 1, end, ""),))


def _dedent_keyword(site: Site, line: int) -> bool:
    toks = site.line_tokens(line)
    return bool(toks) and toks[0].text in ("elif", "else", "except", "finally")


def unexpected_indent(site: Site) -> Iterator[Cand]:
    line = site.line
    prev = [ln for ln in range(line - 1, -1, -1) if site.is_code_line(ln)]
    target = site.indent(prev[0]) if prev else ""
    cur = site.indent(line)
    yield Cand(0.35, (_set_indent(site, line, target),))
    # the whole block that came with it (a pasted, over-indented snippet)
    shift = len(target.expandtabs()) - len(cur.expandtabs())
    run = [line]
    for ln in range(line + 1, len(site.lines)):
        if not site.is_code_line(ln):
            continue
        if len(site.indent(ln).expandtabs()) < len(cur.expandtabs()):
            break
        run.append(ln)
    if len(run) > 1:
        unit = _indent_unit(site)
        yield Cand(0.3 + 0.12 * len(run), tuple(_shift_indent(site, ln, shift, unit) for ln in run),
                   f"dedent lines {run[0] + 1}-{run[-1] + 1}")
    # the previous line wanted to open a block: its `:` is missing
    if prev:
        end = site.line_end(prev[0])
        if site.text[end - 1:end] != ":":
            yield Cand(0.7, ((end, end, ":"),))


def unindent_mismatch(site: Site) -> Iterator[Cand]:
    line = site.line
    cur = len(site.indent(line).expandtabs())
    levels = []
    for ln in range(line - 1, -1, -1):
        if site.is_code_line(ln):
            ind = site.indent(ln)
            if ind not in levels:
                levels.append(ind)
    for k, ind in enumerate(sorted(levels, key=lambda s: abs(len(s.expandtabs()) - cur))):
        yield Cand(0.35 + 0.05 * k, (_set_indent(site, line, ind),))
        if k > 3:
            break


def tab_error(site: Site) -> Iterator[Cand]:
    """Tabs and spaces mixed: indent the odd lines the way most of the file is indented, at the width Python
    gives them (tabs to 8 columns); or read the tabs as 4 columns, as the author's editor may have."""
    uses_tabs = sum(1 for ln in site.lines if ln.startswith("\t"))
    uses_spaces = sum(1 for ln in site.lines if ln.startswith(" "))
    style = "\t" if uses_tabs > uses_spaces else " "
    parts = []
    for ln in range(len(site.lines)):
        ind = site.indent(ln)
        if site.is_code_line(ln) and ("\t" in ind if style == " " else " " in ind):
            w = len(ind.expandtabs(8))
            parts.append(_set_indent(site, ln, " " * w if style == " " else "\t" * (w // 8) + " " * (w % 8)))
    if parts:
        yield Cand(0.3 + 0.05 * len(parts), tuple(parts), "indent with " + ("spaces" if style == " " else "tabs"))
    if style == " ":
        for w in (4, 8):
            parts = [_set_indent(site, ln, site.indent(ln).expandtabs(w)) for ln in range(len(site.lines))
                     if "\t" in site.indent(ln) and site.is_code_line(ln)]
            if parts:
                yield Cand(0.35 + 0.05 * len(parts) + (0.02 if w == 8 else 0), tuple(parts), f"tabs -> {w} spaces")


def _indent_unit(site: Site) -> str:
    widths = []
    for ln in range(len(site.lines)):
        ind = site.indent(ln)
        if site.is_code_line(ln) and ind:
            if ind.startswith("\t"):
                return "\t"
            widths.append(len(ind))
    if not widths:
        return "    "
    w = min(widths)
    return " " * (w if w in (2, 3, 4, 8) else 4)


def _set_indent(site: Site, line: int, new: str) -> Part:
    start = site.starts[line]
    return (start, start + len(site.indent(line)), new)


def _shift_indent(site: Site, line: int, shift: int, unit: str) -> Part:
    cur = site.indent(line)
    width = max(len(cur.expandtabs()) + shift, 0)
    new = "\t" * (width // 8) + " " * (width % 8) if unit == "\t" else " " * width
    return _set_indent(site, line, new)


def expected_except(site: Site) -> Iterator[Cand]:
    tok = _at_error_token(site)
    if tok is None:
        return
    if tok.kind == "name" and tok.line == site.line:
        alias = KEYWORD_ALIASES.get(tok.text) or ("except" if tok.text in ("else", "catch", "exception", "elif")
                                                  else None)
        if alias == "except" or one_slip(tok.text.lower(), "except"):
            yield Cand(0.3, ((tok.start, tok.end, "except"),))
    # a handler that is missing altogether is not added: `except Exception: pass` would hide every error there


def parenthesized_params(site: Site) -> Iterator[Cand]:
    """`lambda(x): ...` and `def f(a, (b, c))`: Python 2's tuple parameters lose their parentheses."""
    code = site.code
    for i in range(max(site.ei - 1, 0), min(site.ei + 2, len(code))):
        if code[i].text == "(":
            k = site.closer_of(i)
            if k > i:
                lam = i > 0 and code[i - 1].text == "lambda" and code[i - 1].end == code[i].start
                yield Cand(0.3, ((code[i].start, code[i].end, " " if lam else ""), (code[k].start, code[k].end, "")),
                           "remove the parameters' parentheses")
                return


def fstring_brace(site: Site) -> Iterator[Cand]:
    """`f"{x!r"`: the replacement field's `}` is missing before the closing quote."""
    for t in site.line_tokens(site.line):
        m = _FSTRING.match(t.text)
        if t.kind == "string" and m and t.closed and t.text.count("{") > t.text.count("}"):
            at = t.end - len(m.group(1))
            yield Cand(0.3, ((at, at, "}"),), "close the f-string's field")


def star_twice(site: Site) -> Iterator[Cand]:
    tok = _at_error_token(site)
    if tok is not None and tok.text == "*":
        yield Cand(0.3, ((tok.start, tok.end, "**"),))  # `*args, *kwargs` -> `**kwargs`


def else_after_if(site: Site) -> Iterator[Cand]:
    end = site.line_end(site.line)
    yield Cand(0.6, ((end, end, " else None"),))


PROSE_KEYWORDS = frozenset("and or not in is for if as with from else".split())  # words of a sentence too


def always(site: Site) -> Iterator[Cand]:
    """Debris and slips whatever the message: REPL prompts, two names that were one, prose in code."""
    text = site.text
    prompts = [m for m in re.finditer(r"(?m)^([ \t]*)(>>>|\.\.\.)( |$)", text)]
    if prompts and any(m.group(2) == ">>>" for m in prompts):
        yield Cand(0.3 + 0.05 * len(prompts), tuple((m.start(2), m.end(3), "") for m in prompts),
                   "remove the interpreter prompts")
    code, ei = site.code, site.ei
    for i in range(max(ei - 2, 1), min(ei + 2, len(code))):
        a, b = code[i - 1], code[i]
        if not (a.kind == b.kind == "name" and not a.is_keyword and not b.is_keyword and a.line == b.line):
            continue
        head = code[site.line_head(i)].text
        if head in ("except", "import", "with") or (head == "from" and any(
                t.text == "import" for t in code[site.line_head(i):i])):
            yield Cand(0.3 + token_distance(site, i), ((a.end, b.start, " as "),), "insert as")  # `except E e`
        elif head in KEYWORDS:
            continue
        if text[a.end:b.start] == " ":
            joined = f"{a.text}_{b.text}"
            known = re.search(r"(?<![\w.])" + re.escape(joined) + r"\b", text) is not None
            called = i + 1 < len(code) and code[i + 1].text in ("(", ".", "[") and code[i + 1].start == b.end
            cost = 0.2 if known else 0.9 if called else 0.75  # `old word = 1` is one name; `total sum(x)` is not
            yield Cand(cost + token_distance(site, i), ((a.end, b.start, "_"),), f"join {a.text} {b.text}")
    if ei >= 2 and code[ei].text == "async" and code[ei - 1].text == "." and code[ei - 2].text == "asyncio":
        yield Cand(0.2, ((code[ei].start, code[ei].end, "ensure_future"),), "asyncio.async -> asyncio.ensure_future")
    yield from _swap_brackets(site)
    yield from _html_debris(site)
    yield from _missing_def(site)
    yield from _unclosed_before(site)
    yield from _double_tokens(site)
    yield from _markdown_emphasis(site)
    yield from _inner_quotes(site)
    yield from _python2_raise(site)
    yield from _backticks(site)
    line_toks = site.line_tokens(site.line)
    words = [t for t in line_toks if t.kind == "name" and not t.is_keyword]
    if line_toks and len(words) >= 2 and all((t.kind == "name" and (not t.is_keyword or t.text in PROSE_KEYWORDS))
                                             or t.text in ".,!?:'" for t in line_toks):
        start = line_toks[0].start
        yield Cand(1.2, ((start, start, "# "),), "comment out prose")
    if line_toks and all(t.is_keyword for t in line_toks) and len(line_toks) == 1 and line_toks[0].text in (
            "or", "and", "else", "then", "not"):
        yield Cand(1.4, ((line_toks[0].start, line_toks[0].start, "# "),), "comment out prose")
    # trailing prose after a complete statement: `x = f()  some words`, `f()enter code here`
    for i in range(1, len(line_toks)):
        rest = line_toks[i:]
        if len(rest) >= 2 and all(t.kind == "name" and not t.is_keyword for t in rest) \
                and (line_toks[i - 1].text in (")", "]", "}") or line_toks[i - 1].kind in ("string", "number")):
            gap = text[line_toks[i - 1].end:rest[0].start]
            yield Cand(1.1, ((rest[0].start, rest[0].start, "# " if gap else "  # "),), "comment out prose")
            break
    # `//` comments from other languages
    for i in range(len(line_toks) - 1):
        if line_toks[i].text == "//" and (i == 0 or line_toks[i - 1].text in (":", ")", "]")):
            yield Cand(0.6, ((line_toks[i].start, line_toks[i].end, "#"),), "// comment -> #")
            break


def _swap_brackets(site: Site) -> Iterator[Cand]:
    """`[k: v for ...]` -> `{...}`, `sum[x for x in y]` -> `sum(...)`: the pair around the error was the wrong kind."""
    if not site.code:
        return
    j = site.enclosing[site.ei]
    if j < 0:
        return
    k = site.closer_of(j)
    if k < 0 or CLOSERS.get(site.code[k].text) != site.code[j].text:
        return
    o, c = site.code[j], site.code[k]
    for new in "([{":
        if new != o.text:
            direct_colon = any(site.code[m].text == ":" and site.enclosing[m] == j for m in range(j + 1, k))
            called = j > 0 and site.code[j - 1].kind == "name" and not site.code[j - 1].is_keyword \
                and site.code[j - 1].end == o.start  # `f[x for x in y]`; `lines [x ...]` is not a call
            prior = 0.6 if (new == "(" and called)\
                or (new == "{" and site.code[site.ei].text == ":") or (new == "[" and direct_colon) else 0.9
            yield Cand(prior, ((o.start, o.end, new), (c.start, c.end, OPENERS[new])), f"{o.text}...{c.text} -> "
                                                                                          f"{new}...{OPENERS[new]}")


_HTML = re.compile(r"</?br\s*/?>|&(gt|lt|amp|quot|nbsp);")
_ENTITY = {"gt": ">", "lt": "<", "amp": "&", "quot": '"', "nbsp": " "}


def _html_debris(site: Site) -> Iterator[Cand]:
    parts = []
    for m in _HTML.finditer(site.text):
        parts.append((m.start(), m.end(), _ENTITY.get(m.group(1) or "", "")))
    if parts:
        yield Cand(0.3 + 0.02 * len(parts), tuple(parts), "remove HTML debris")


def _missing_def(site: Site) -> Iterator[Cand]:
    """`name(args):` opening an indented block is a def (or class) that lost its keyword."""
    line = site.line
    toks = site.line_tokens(line)
    if len(toks) < 4 or toks[0].kind != "name" or toks[0].is_keyword or toks[1].text != "(" or toks[-1].text != ":":
        return
    nxt = next((ln for ln in range(line + 1, len(site.lines)) if site.is_code_line(ln)), None)
    if nxt is None or len(site.indent(nxt).expandtabs()) <= len(site.indent(line).expandtabs()):
        return
    start = toks[0].start
    yield Cand(0.55, ((start, start, "def "),), "add def")
    if toks[0].text[:1].isupper():
        yield Cand(0.5, ((start, start, "class "),), "add class")


def _unclosed_before(site: Site) -> Iterator[Cand]:
    """An error on a later line inside a bracket opened earlier: that bracket was never closed."""
    if not site.code or "was never closed" in site.msg:
        return
    j = site.enclosing[site.ei]
    if j < 0 or site.code[j].line >= site.code[site.ei].line:
        return
    yield from _close_bracket(site, site.code[j], 0.15)


_FSTRING = re.compile("(?i)[rb]?f[rb]?('{3}|\"{3}|'|\")")
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|\*)(?=\S)([^*\n]*?\S)\1(?![\w*])")  # not `__`: dunders


def _markdown_emphasis(site: Site) -> Iterator[Cand]:
    """`*name* = 1`, `**x = f()**`: markdown emphasis pasted with the code."""
    start = site.starts[site.line]
    line = site.lines[site.line]
    for m in _EMPHASIS.finditer(line):
        a, b = start + m.start(1), start + m.end(2)
        yield Cand(0.45, ((a, a + len(m.group(1)), ""), (b, b + len(m.group(1)), "")), "remove markdown emphasis")


def _inner_quotes(site: Site) -> Iterator[Cand]:
    """`"id="x"/y"`: quotes inside a string that end it; the inner ones become the other kind of quote."""
    code = site.code
    for i in range(max(site.ei - 3, 0), min(site.ei + 3, len(code) - 2)):
        a, b, c = code[i], code[i + 1], code[i + 2]
        if a.kind == c.kind == "string" and b.kind in ("name", "number") and a.end == b.start and b.end == c.start:
            q = a.text[-1]
            if q in "'\"" and c.text[:1] == q and len(a.text) >= 2 and a.text[0] == q:
                other = "'" if q == '"' else '"'
                if other not in a.text + b.text + c.text:
                    yield Cand(0.25, ((a.end - 1, a.end, other), (c.start, c.start + 1, other)),
                               "quotes inside a string")
                    return


def _python2_raise(site: Site) -> Iterator[Cand]:
    """`raise E, "message"` (Python 2) -> `raise E("message")`."""
    toks = site.line_tokens(site.line)
    if len(toks) < 4 or toks[0].text != "raise":
        return
    depth = 0
    for k, t in enumerate(toks[1:], 1):
        if t.text in OPENERS:
            depth += 1
        elif t.text in CLOSERS:
            depth -= 1
        elif t.text == "," and depth == 0 and k + 1 < len(toks):
            end = site.line_end(site.line)
            yield Cand(0.25, ((toks[k - 1].end, toks[k + 1].start, "("), (end, end, ")")), "raise E(message)")
            return


def _backticks(site: Site) -> Iterator[Cand]:
    """Python 2's `x` is repr(x)."""
    ticks = [t for t in site.line_tokens(site.line) if t.text == "`"]
    if len(ticks) >= 2 and len(ticks) % 2 == 0:
        parts = []
        for a, b in zip(ticks[::2], ticks[1::2]):
            parts += [(a.start, a.end, "repr("), (b.start, b.end, ")")]
        yield Cand(0.3, tuple(parts), "`x` -> repr(x)")


def _double_tokens(site: Site) -> Iterator[Cand]:
    code = site.code
    for i in range(max(site.ei - 1, 1), min(site.ei + 2, len(code))):
        a, b = code[i - 1], code[i]
        if a.kind == b.kind == "op" and a.text == b.text and a.end == b.start and a.text in (".", ",", ":", "=", "**"):
            yield Cand(0.9, ((a.start, b.end, ""),), f"delete {a.text}{b.text}")


RULES = [(re.compile(p), f) for p, f in (
    (r"^expected ':'", expected_colon),
    (r"forgot a comma", forgot_comma),
    (r"Maybe you meant '==' |perhaps you meant \"==\"|instead of '='", maybe_equals),
    (r"was never closed", never_closed),
    (r"^unmatched '", unmatched),
    (r"does not match opening parenthesis", mismatched),
    (r"^Missing parentheses in call to", print_statement),
    (r"multiple exception types must be parenthesized", multiple_exceptions),
    (r"leading zeros in decimal integer", leading_zeros),
    (r"invalid (decimal|hexadecimal|octal|binary) literal", invalid_literal),
    (r"unicode error", unicode_escape),
    (r"invalid (non-printable )?character", invalid_character),
    (r"unterminated (triple-quoted )?string|EOL while scanning|EOF while scanning", unterminated_string),
    (r"^expected an indented block", expected_indented_block),
    (r"^unexpected indent", unexpected_indent),
    (r"unindent does not match", unindent_mismatch),
    (r"inconsistent use of tabs", tab_error),
    (r"expected 'except' or 'finally' block", expected_except),
    (r"expected 'else' after 'if' expression", else_after_if),
    (r"parameters cannot be parenthesized", parenthesized_params),
    (r"\* argument may appear only once", star_twice),
    (r"f-string: expecting '}'", fstring_brace),
)]


# Errors about what a signature or call declares: only a missing `=` (`f(x='a', y'b')`) is a slip there; any
# other edit (dropping a parameter, a `*`, a walrus, a tuple) would change what the code says.
_DECLARATIONS = re.compile(r"follows (default|keyword) argument|without a default follows|duplicate argument|"
                           r"keyword argument repeated")


def declaration_error(msg: str) -> bool:
    return _DECLARATIONS.search(msg) is not None


def candidates(site: Site, only_equals: bool = False) -> Iterable[Cand]:
    """Every candidate edit at this site; only_equals: just the missing `=` of a declaration error (for every
    step of a round that started at one)."""
    both = _chain(rules(site), generic(site))
    if only_equals or declaration_error(site.msg):
        text = site.text
        return (c for c in both if all(not text[s:e].strip() and new.strip() == "=" and text[s - 1:s] not in "=:!<>*"
                                       and text[e:e + 1] not in "=" for s, e, new in c.parts))
    return both


def _chain(*iterables: Iterable[Cand]) -> Iterator[Cand]:
    for it in iterables:
        yield from it
