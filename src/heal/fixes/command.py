"""run: a corrected command, which then becomes the command re-run and reported.

Never invents an identity, never adds --force, --no-verify or --legacy-peer-deps.
"""

from __future__ import annotations

import os

from heal import rx
from heal.fixes import shell_line
from heal.fixes.model import Fix, PlanContext

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    kind = step.get("kind")
    planner = _PLANNERS.get(str(kind))
    return planner(ctx, source, risk) if planner else None


def _git(ctx: PlanContext, *args: str) -> str | None:
    from heal.git import git

    code, out = git(ctx.cwd, *args)
    return out if code == 0 else None


def _remote(ctx: PlanContext) -> str | None:
    remotes = (_git(ctx, "remote") or "").split()
    if "origin" in remotes:
        return "origin"
    return remotes[0] if len(remotes) == 1 else None


# Programs that run the rest of their arguments as a command, and (for `git push` to be taken as what ran)
# are kept in front of the corrected command. Shells are not among them: `sh -c '... git push'` is a script,
# and replacing a script by one of its commands is not heal's to do.
_WRAPPERS = {"env", "nice", "nohup", "time", "command", "exec", "stdbuf", "heal"}
# git's own options before the subcommand that take a value; -C and the repository-selecting ones make the
# remote and branch heal would look up those of another repository, so such a push is left alone.
_GIT_VALUED = {"-c", "--config-env", "--exec-path", "--namespace", "--super-prefix"}
_GIT_ELSEWHERE = ("-C", "--git-dir", "--work-tree")


def git_subcommand(argv: tuple[str, ...]) -> tuple[int, str] | None:
    """(index of the subcommand, subcommand) when argv really runs git itself -- directly or through the
    wrappers heal peels (`env X=1 git push`) -- in the working directory's repository; else None.
    `./release.sh push` is not git, and neither is `sh -c 'git push'`."""
    from heal.diagnose.command import tool_of

    if tool_of(argv) != "git":
        return None
    i = 0
    while i < len(argv) and (os.path.basename(argv[i]) in _WRAPPERS or rx.match(r"^[A-Za-z_]\w*=", argv[i])):
        i += 1
        while i < len(argv) and (argv[i].startswith("-") or rx.match(r"^[A-Za-z_]\w*=", argv[i])):
            i += 1
    if i >= len(argv) or os.path.basename(argv[i]) != "git":
        return None
    i += 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i].startswith(_GIT_ELSEWHERE):
            return None
        i += 2 if argv[i] in _GIT_VALUED else 1
    return (i, argv[i]) if i < len(argv) else None


def _current_branch(ctx: PlanContext) -> str | None:
    """The branch checked out, validated as a branch name by git itself; None for a detached HEAD or a
    name that could be read as an option."""
    branch = _git(ctx, "symbolic-ref", "--quiet", "--short", "HEAD")
    if not branch or branch.startswith("-"):
        return None
    checked = _git(ctx, "check-ref-format", "--branch", branch)
    return branch if checked == branch else None


def _set_upstream(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    sub = git_subcommand(ctx.argv)
    if sub is None or sub[1] != "push":
        return None  # only git's own push: never a script that printed git's words
    if _git(ctx, "rev-parse", "--git-dir") is None:
        return _set_upstream_said(ctx, source)
    branch = _current_branch(ctx)
    said = ctx.diagnosis.facts.get("branch")
    # The output only confirms what heal reads from the repository: a "branch" in it that is not the one
    # checked out (an option in disguise, say) is not pushed.
    if branch is None or said is not None and str(said) != branch:
        return None
    remote = _remote(ctx)
    if remote is None or remote.startswith("-"):
        return None
    idx = sub[0]
    extra = _push_options(ctx.argv[idx + 1:])
    # `--` ends the options: whatever the remote and branch are called, git reads them as names
    argv = (*ctx.argv[:idx + 1], *extra, "--set-upstream", "--", remote, branch)
    return Fix("run", f"push {branch} and make {remote}/{branch} its upstream", argv, risk="low", source=source,
               confidence=0.95, new_command=argv)


def _set_upstream_said(ctx: PlanContext, source: str) -> Fix | None:
    """Not in a repository heal can read (`heal diagnose` on a saved log): git's own hint, said back as a
    suggestion once git has checked the branch is a branch name and the remote a plain name."""
    said = None
    for said in rx.finditer(r"^\s+git push --set-upstream (?P<remote>\S+) (?P<branch>\S+)\s*$", ctx.output, rx.M):
        pass
    if said is None:
        return None
    remote, branch = said.group("remote"), said.group("branch")
    if not rx.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", remote) or branch.startswith("-") or \
            _git(ctx, "check-ref-format", "--branch", branch) != branch:
        return None
    argv = ("git", "push", "--set-upstream", remote, branch)
    return Fix("suggest", f"push {branch} and make {remote}/{branch} its upstream (as git says)", argv, risk="low",
               source=source, confidence=0.8)


def _set_upstream_to(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    """`git pull` on a branch that tracks nothing: track the remote branch of the same name, when git knows
    it exists, then pull again. Only git's own pull, for the branch checked out."""
    sub = git_subcommand(ctx.argv)
    if sub is None or sub[1] != "pull" or any(not a.startswith("-") for a in ctx.argv[sub[0] + 1:]):
        return None  # `git pull origin x` names what to pull: no upstream is needed, so not this failure
    branch = _current_branch(ctx)
    said = ctx.diagnosis.facts.get("branch")
    if branch is None or said is not None and str(said) != branch:
        return None
    remote = _remote(ctx)
    if remote is None or remote.startswith("-"):
        return None
    if _git(ctx, "rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{branch}") is None:
        return None  # nothing of that name on the remote (as last fetched): which branch to track is the user's call
    from heal.journal.kinds import CommandChange

    argv = ("git", "branch", f"--set-upstream-to={remote}/{branch}", branch)
    what = f"make {remote}/{branch} the upstream of {branch}, then pull again"
    return Fix("run", what, argv, change=CommandChange(argv, ctx.cwd, reason=what), risk="low", source=source,
               confidence=0.9)


def _push_options(args: tuple[str, ...]) -> list[str]:
    """The user's own push options worth keeping in the corrected push (their values with them); never
    --force, --no-verify, nor what names another remote or program."""
    kept: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            break
        if a in ("-o", "--push-option") and i + 1 < len(args):
            kept += [a, args[i + 1]]
            i += 2
            continue
        if a.startswith("-") and a not in ("-u", "--set-upstream", "--force", "-f", "--no-verify",
                                           "--force-with-lease") \
                and not a.startswith(("--force-with-lease=", "--receive-pack", "--exec", "--repo")):
            kept.append(a)
        i += 1
    return kept


def _pull_rebase(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    sub = git_subcommand(ctx.argv)
    if sub is None or sub[1] != "push":
        return None
    from heal.errors import GitError
    from heal.git import dirty

    argv = ("git", "pull", "--rebase")
    try:
        changed = bool(dirty(ctx.cwd))
    except GitError:
        changed = True  # not a repository heal can see into (e.g. `heal diagnose` on a saved log)
    if changed or _git(ctx, "rev-parse", "--abbrev-ref", "@{upstream}") is None:
        # a rebase needs a clean tree and a branch to pull from: the user sorts those out first
        return Fix("suggest", "the remote has commits you don't: commit or stash your changes, git pull --rebase, "
                   "then push again", argv, risk="medium", source=source, confidence=0.7)
    # It rewrites the branch's unpushed commits, so it is always asked, even with --yes.
    from heal.journal.kinds import GitRefChange

    what = "the remote has commits you don't: rebase your commits onto them (git pull --rebase), then push again"
    return Fix("run", what, argv, change=GitRefChange(argv, cwd=ctx.cwd, reason=what), risk="medium",
               source=source, confidence=0.8, ask=True)


def _closest_script(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    script = str(ctx.diagnosis.facts.get("script") or ctx.diagnosis.facts.get("command") or "")
    tool = ctx.argv[0] if ctx.argv else "npm"
    if not script or tool not in ("npm", "yarn", "pnpm", "bun"):
        return None
    from heal.fixes.correct import _corrected, _line, _scripts, closest

    scripts = _scripts(ctx.cwd)  # package.json's, read as the other corrections read it
    if not scripts:
        return None

    # the nearest script within a typo's reach (a swap, a slip), never one that merely shares words:
    # `release-dry-run` is not `release`
    found = closest(script, scripts)
    if found is None or found[0].startswith("-"):
        return None  # a script named like an option would be read as one
    best, dist = found
    rest = list(ctx.argv)
    idx = rest.index(script) if script in rest else None
    if idx is None:
        return None
    rest[idx] = best
    if tool == "npm" and rest[1] not in ("run", "run-script") and best not in ("test", "start", "stop", "restart"):
        rest[idx:idx] = ["run"]
    argv = tuple(rest)
    return _corrected(argv, f"there is no script {script!r}; the closest is {best!r}: {_line(argv)}", source,
                      0.8 if dist == 1 else 0.6, ask=dist > 1)


def _npm_install_without_lock(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    if ctx.argv[:2] != ("npm", "ci"):
        return None
    if any(os.path.exists(os.path.join(ctx.cwd, f)) for f in ("package-lock.json", "npm-shrinkwrap.json")):
        return None
    # npm install writes the lockfile (and node_modules): an install like any other, journaled, so rollback
    # undoes it; then `npm ci` itself runs again, now with its lockfile
    from heal.journal.kinds import PackageChange

    options = tuple(a for a in ctx.argv[2:] if a.startswith("-") and not a.startswith(("--registry", "--prefix")))
    argv = ("npm", "install", "--no-audit", "--no-fund", *options)
    what = "npm ci needs a lockfile and there is none: npm install creates it, then npm ci runs again"
    return Fix("run", what, argv, change=PackageChange("npm", argv, cwd=ctx.cwd, reason=what), risk="low",
               source=source, confidence=0.9)


def _correction(name: str) -> Callable[[PlanContext, str, str], Fix | None]:
    """heal.fixes.correct's planner `name`, imported when a step of its kind is first planned: the shell-line
    step, planned for every failure, needs none of them."""

    def planner(ctx: PlanContext, source: str, risk: str) -> Fix | None:
        from heal.fixes import correct

        return getattr(correct, name)(ctx, source, risk)

    return planner


_PLANNERS = {
    "git-set-upstream": _set_upstream,
    "git-set-upstream-to": _set_upstream_to,
    "git-pull-rebase": _pull_rebase,
    "closest-script": _closest_script,
    "npm-install-without-lock": _npm_install_without_lock,
    # corrected commands (heal.fixes.correct)
    "closest-executable": _correction("closest_executable"),
    "did-you-mean": _correction("did_you_mean"),
    "mkdir-parents": _correction("mkdir_parents"),
    "run-first": _correction("run_first"),
    "shell-line": shell_line.plan,
    "not-as-root": _correction("not_as_root"),
    "port-in-use": _correction("port_in_use"),
    "tool-hint": _correction("tool_hint"),
}

KINDS = tuple(_PLANNERS)  # the step kinds playbooks may name (checked when a playbook loads)
OPTIONS: dict[str, tuple[type, tuple[str, ...]]] = {"kind": (str, KINDS)}
