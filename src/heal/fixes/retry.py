"""retry: transient failures (refused or reset connections, DNS hiccups, timeouts, HTTP 5xx/429, a hang, a
test that passes on a second run) are run again after an exponential backoff with jitter.

The policy is made of values, tenacity-style: a stop condition and a wait, composed with | and called
with the retry state; no flags threaded through the loop.

What a retry cannot repair, or may make worse, is never retried: a request that is not idempotent (a
POST, an upload: the first one may have taken effect; `retry.non_idempotent = true` allows it), a
permanent HTTP status (501, most 4xx), or a server asking for a wait longer than heal may wait.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from heal import rx
from heal.fixes.model import Fix, PlanContext
from heal.lazyre import lazy  # compiled on first use: planning imports every action, few retry
from heal.policy import Policy, RetryState, stop_after_attempt, stop_after_delay, wait_exponential_jitter

__all__ = ["OPTIONS", "Policy", "RetryState", "non_idempotent", "permanent_status", "plan", "policy_from",
           "retry_after", "stop_after_attempt", "stop_after_delay", "wait_exponential_jitter"]

_RETRY_AFTER = lazy(r"(?i)retry[- ]after:?\s*(\d+(?:\.\d+)?)|retry in (\d+(?:\.\d+)?)\s*s|"
                          r"\"retry_after\":\s*(\d+(?:\.\d+)?)|try again in (\d+(?:\.\d+)?) seconds?")


def retry_after(output: str) -> float | None:
    """A Retry-After the server printed (header, JSON or prose), in seconds."""
    m = None
    for m in _RETRY_AFTER.finditer(output):
        pass
    if m is None:
        return None
    return float(next(g for g in m.groups() if g))


def policy_from(settings) -> Policy:
    attempts = int(settings.get("retry.attempts", 3))
    delay = float(settings.get("retry.max_delay", 120.0))
    return Policy(stop_after_attempt(attempts) | stop_after_delay(delay),
                  wait_exponential_jitter(float(settings.get("retry.base", 1.0)), float(settings.get("retry.cap", 30.0))))


# --- what must not be retried -------------------------------------------------------------------------

# Statuses a retry will not change: the server does not implement the request (501), does not speak the
# version (505), loops (508), or needs a different request (4xx) -- except 408 Request Timeout, 425 Too
# Early and 429 Too Many Requests, which say "later".
_PERMANENT_5XX = frozenset({501, 505, 506, 508, 510, 511})
_TRANSIENT_4XX = frozenset({408, 425, 429})
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HTTPIE = frozenset({"http", "https", "xh", "xhs", "httpie"})
_WRAPPERS = frozenset({"env", "nice", "nohup", "time", "timeout", "command", "exec", "sudo", "stdbuf", "heal"})
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})
# Programs whose run a retry may repeat with --yes alone: fetchers (whose requests are checked above),
# package managers, VCS and build tools, which converge when run twice, and builtins that only print or
# wait. A script or a program heal does not know may do anything twice (a POST, a payment, a deploy): its
# retry is asked on a terminal, unless retry.any_command = true.
_RETRYABLE = frozenset({
    "curl", "wget", "http", "https", "xh", "git", "pip", "pip3", "uv", "poetry", "pipenv", "pdm", "npm",
    "yarn", "pnpm", "bun", "cargo", "rustup", "go", "mvn", "mvnw", "gradle", "gradlew", "docker", "podman",
    "apt", "apt-get", "brew", "gem", "bundle", "composer", "dotnet", "nuget", "terraform", "helm", "conda",
    "mamba", "tox", "nox", "pytest", "make", "cmake", "ninja", "gcc", "cc", "clang", "javac", "tsc",
    "echo", "printf", "sleep", "true", "false", "exit", "test", "[", ":",
})
# ... but not the subcommands of those tools that run the project's own code or change the world: what they do
# twice is as unknown as a script's (None: only the subcommands in ONLY_SUBCOMMANDS are retried)
_RUNS_CODE = {
    "npm": {"run", "run-script", "rum", "urn", "exec", "x", "start", "restart", "stop", "explore", "publish"},
    "pnpm": {"run", "exec", "dlx", "start", "publish"}, "yarn": {"run", "exec", "dlx", "start", "node", "publish"},
    "bun": {"run", "x", "start", "publish"}, "uv": {"run", "tool", "publish"}, "poetry": {"run", "publish"},
    "pdm": {"run", "publish"}, "pipenv": {"run"}, "cargo": {"run", "publish", "install"}, "go": {"run"},
    "mvn": {"deploy", "exec:java", "exec:exec"}, "mvnw": {"deploy", "exec:java", "exec:exec"},
    "gem": {"push"}, "dotnet": {"run"},
}
_ONLY_SUBCOMMANDS = {
    "docker": {"pull", "build", "push", "login", "search", "images", "version", "info"},
    "podman": {"pull", "build", "push", "login", "search", "images", "version", "info"},
    "terraform": {"init", "plan", "validate", "fmt", "get", "providers", "version"},
    "helm": {"repo", "dependency", "dep", "pull", "template", "lint", "search", "version"},
    "make": {"all", "build", "test", "check", "lint"},  # and no target: the default build
}
# where a program found by its absolute path is the system's (or a virtualenv's), not a project script
_SYSTEM_BINS = ("/usr/bin/", "/bin/", "/usr/local/bin/", "/usr/sbin/", "/sbin/", "/opt/homebrew/bin/")
_PYTHON_MODULES = frozenset({"pip", "pytest", "tox", "nox", "build", "venv", "ensurepip"})
# curl's short options that take a value (the rest of the cluster, or the next argument)
_CURL_VALUED = set("AbcCdDeEFHKmoPQrtTuUwxXyYz")
_VERBOSE_METHOD = lazy(r"^> (POST|PUT|PATCH|DELETE) \S+ HTTP/", rx.M)  # curl -v shows what it sent


def permanent_status(status: object) -> bool:
    """An HTTP status no retry will change."""
    if not isinstance(status, int) or isinstance(status, bool):
        return False
    return status in _PERMANENT_5XX or 400 <= status < 500 and status not in _TRANSIENT_4XX


def non_idempotent(argv: Sequence[str], output: str = "") -> str | None:
    """Why the command sends a request that must not be repeated (curl -d, wget --post-data, http POST),
    or None. Looks through wrappers and `sh -c` scripts; a `> POST` line of curl -v counts too."""
    for words in _commands(list(argv)):
        why = _unsafe_request(words)
        if why:
            return why
    m = _VERBOSE_METHOD.search(output)
    return f"it sent a {m.group(1)} request" if m else None


def _commands(args: list[str], depth: int = 0) -> list[list[str]]:
    """The simple commands argv runs: itself with wrappers peeled, or each command of a `sh -c` script."""
    while args and (os.path.basename(args[0]) in _WRAPPERS or rx.match(r"^[A-Za-z_]\w*=", args[0])):
        args = args[1:]
        while args and (args[0].startswith("-") or rx.match(r"^\d+(\.\d+)?[smhd]?$", args[0])
                        or rx.match(r"^[A-Za-z_]\w*=", args[0])):
            args = args[1:]
    if not args:
        return []
    if os.path.basename(args[0]) in _SHELLS and "-c" in args[1:] and depth < 3:
        i = args.index("-c")
        if i + 1 < len(args):
            from heal.diagnose.command import script_commands

            return [c for cmd in script_commands(args[i + 1]) for c in _commands(cmd, depth + 1)]
    return [args]


def unknown_programs(argv: Sequence[str]) -> list[str]:
    """The programs argv runs (wrappers peeled, each command of a `sh -c` script) that are not known to be
    safe to run twice: scripts, interpreters running a file, anything not in _RETRYABLE, the subcommands of
    those that run the project's code (`npm run`, `cargo run`, `terraform apply`), and what sudo or a command
    substitution (`$(./deploy.sh)`) runs."""
    out: list[str] = []
    words_all = list(argv)
    shell = any(os.path.basename(w) in _SHELLS for w in words_all)
    if any(os.path.basename(w) == "sudo" for w in words_all) or shell and rx.search(r"(?:^|[\s;&|(])sudo\s",
                                                                                   " ".join(words_all)):
        out.append("sudo")  # what it runs as another user, with options heal does not parse
    if shell and any(m in w for w in words_all for m in ("$(", "`", "<(", ">(")):
        out.append("a command substitution")  # a program inside it is not a command _commands sees
    for words in _commands(words_all):
        name = os.path.basename(words[0])
        if rx.match(r"^python[\d.]*$", name) and len(words) > 2 and words[1] == "-m":
            if words[2] in _PYTHON_MODULES:
                continue
            name = f"{name} -m {words[2]}"
        elif name in _RETRYABLE and _known_path(words[0], name) and _converges(name, words[1:]):
            continue
        shown = words[0] if os.sep in words[0] else name
        if rx.match(r"^(?:python[\d.]*|node|deno|ruby|perl|php|bash|sh)$", name) and len(words) > 1:
            shown += f" {words[1]}"  # the script it runs is what matters
        elif name in _RETRYABLE and len(words) > 1:
            shown += f" {_subcommand(words[1:]) or ''}".rstrip()
        if shown not in out:
            out.append(shown)
    return out


def _known_path(word: str, name: str) -> bool:
    """The program is the tool itself: a name found on PATH, the system's or a virtualenv's copy, or the
    project's own build wrapper (./gradlew, ./mvnw) — not a project script that happens to share its name."""
    if word == name or name in ("gradlew", "mvnw"):
        return True
    if not os.path.isabs(word):
        return False
    here = os.path.dirname(word)
    return word.startswith(_SYSTEM_BINS) or os.path.isfile(os.path.join(os.path.dirname(here), "pyvenv.cfg"))


def _subcommand(args: Sequence[str]) -> str:
    return next((a for a in args if not a.startswith("-")), "")


def _converges(name: str, args: Sequence[str]) -> bool:
    """Whether this subcommand of a known tool is one that converges when run twice."""
    name = {"gradlew": "gradle"}.get(name, name)
    only = _ONLY_SUBCOMMANDS.get(name)
    if name == "make":
        targets = [a for a in args if not a.startswith("-") and "=" not in a]
        return all(t in only for t in targets)
    sub = _subcommand(args)
    if only is not None:
        return sub in only
    if name == "gradle":
        return not any(a.startswith(("publish", "run", "bootRun")) for a in args)
    return sub not in _RUNS_CODE.get(name, ())


def _unsafe_request(words: list[str]) -> str | None:
    tool = os.path.basename(words[0])
    rest = words[1:]
    if tool == "curl":
        return _curl_unsafe(rest)
    if tool == "wget":
        for i, a in enumerate(rest):
            if a.startswith(("--post-data", "--post-file", "--body-data", "--body-file")):
                return f"wget {a.split('=')[0]} sends data"
            method = a.split("=", 1)[1] if a.startswith("--method=") else (
                rest[i + 1] if a == "--method" and i + 1 < len(rest) else "")
            if method.upper() in _UNSAFE_METHODS:
                return f"wget --method={method.upper()}"
        return None
    if tool in _HTTPIE:
        positional = [a for a in rest if not a.startswith("-")]
        if positional and positional[0].upper() in _UNSAFE_METHODS and positional[0].isupper():
            return f"{tool} {positional[0]}"
        if positional and positional[0].isupper() and positional[0] in ("GET", "HEAD", "OPTIONS"):
            return None
        # httpie sends a body (and so a POST) when given data items: field=value, field:=json, field@file
        items = positional[1:]
        if any(rx.match(r"^[^:=@]+(?:=|:=|@)", item) and not rx.match(r"^[^:=@]+==", item) for item in items):
            return f"{tool} with data items sends a POST"
        if any(a in ("--form", "-f", "--multipart", "--raw") or a.startswith("--raw=") for a in rest):
            return f"{tool} sends a body"
    return None


def _curl_unsafe(rest: list[str]) -> str | None:
    i = 0
    while i < len(rest):
        a = rest[i]
        value = rest[i + 1] if i + 1 < len(rest) else ""
        if a == "--":
            break
        if a.startswith("--"):
            name, eq, inline = a.partition("=")
            if name.startswith("--data") or name in ("--form", "--form-string", "--json", "--upload-file"):
                return f"curl {name} sends data"
            if name == "--request":
                method = inline if eq else value
                if method.upper() in _UNSAFE_METHODS:
                    return f"curl --request {method.upper()}"
        elif a.startswith("-") and len(a) > 1:
            for j, c in enumerate(a[1:], 1):
                if c in "dFT":
                    return f"curl -{c} sends data"
                if c == "X":
                    method = a[j + 1:] or value
                    if method.upper() in _UNSAFE_METHODS:
                        return f"curl -X {method.upper()}"
                    break
                if c in _CURL_VALUED:
                    break  # the rest of the cluster is this option's value
        i += 1
    return None


OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {"max_retries": (int, ()), "max_retries_setting": (str, ()),
                                                    "why": (str, ())}


# --- planning -----------------------------------------------------------------------------------------

def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    limit = int(step.get("max_retries", 0)) or None
    if "max_retries_setting" in step:
        limit = int(ctx.settings.get(str(step["max_retries_setting"]), 0))
        if not limit:
            return None  # switched off
    status = ctx.diagnosis.facts.get("status")
    if permanent_status(status):
        return Fix("suggest", f"not retrying: HTTP {status} is not a passing failure, the same request will get "
                   "the same answer", None, source=source, risk="low", confidence=0.5)
    unsafe = non_idempotent(ctx.argv, ctx.output)
    if unsafe and not ctx.settings.get("retry.non_idempotent", False):
        return Fix("suggest", f"not retrying: {unsafe}, and a request that is not idempotent may already have "
                   "taken effect (retry.non_idempotent = true allows it)", None, source=source, risk="low",
                   confidence=0.5)
    policy = policy_from(ctx.settings)
    if limit is not None:
        policy = Policy(policy.stop | stop_after_attempt(limit), policy.wait)
    # what heal may still wait: the retry window and the run's whole budget, both counted from the failure
    left = min(float(ctx.settings.get("retry.max_delay", 120.0)), float(ctx.settings.get("budget", 900.0)))
    left -= ctx.elapsed
    asked = retry_after(ctx.output)
    if asked is not None and asked > left and not policy.stop(RetryState(ctx.retries, ctx.elapsed)):
        return Fix("suggest", f"not retrying: the server asks to wait {asked:g}s, longer than heal may wait "
                   f"({max(0.0, left):.0f}s left of retry.max_delay and budget); run it again later", None,
                   source=source, risk="low", confidence=0.5)
    wait = policy.next_wait(RetryState(ctx.retries, ctx.elapsed), asked)
    if wait is None:
        return None
    wait = max(0.0, min(wait, left))
    why = step.get("why") or ctx.diagnosis.summary
    most = min(int(ctx.settings.get("retry.attempts", 3)), limit or 1 << 30,
               int(ctx.settings.get("max_attempts", 3)))
    series = max(1, most - ctx.retries)
    unknown = [] if ctx.settings.get("retry.any_command", False) else unknown_programs(ctx.argv)
    question = f"{why}: run it again, up to {series} time{'s' if series > 1 else ''} (first in {wait:.1f}s)"
    if unknown:
        question += f"? {', '.join(unknown[:3])} may not be safe to run twice"
    return Fix("retry", f"run it again in {wait:.1f}s ({why}; retry {ctx.retries + 1})", None, risk="low",
               source=source, confidence=0.6, wait=wait, repeat=True, ask=bool(unknown), question=question)
