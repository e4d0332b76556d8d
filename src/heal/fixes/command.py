"""run: a corrected command, which then becomes the command re-run and reported.

Never invents an identity, never adds --force, --no-verify or --legacy-peer-deps.
"""

from __future__ import annotations

import json
import os

from heal.fixes.model import Fix, PlanContext


def plan(step: dict, ctx: PlanContext, source: str, risk: str) -> Fix | None:
    kind = step.get("kind")
    planner = _PLANNERS.get(str(kind))
    return planner(ctx, source, risk) if planner else None


def _git(ctx: PlanContext, *args: str) -> str | None:
    from heal.journal.gitref import git

    code, out = git(ctx.cwd, *args)
    return out if code == 0 else None


def _remote(ctx: PlanContext) -> str | None:
    remotes = (_git(ctx, "remote") or "").split()
    if "origin" in remotes:
        return "origin"
    return remotes[0] if len(remotes) == 1 else None


def _set_upstream(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    branch = ctx.diagnosis.facts.get("branch") or _git(ctx, "rev-parse", "--abbrev-ref", "HEAD")
    if not branch or ctx.argv[:2] != ("git", "push") and "push" not in ctx.argv:
        return None
    remote = _remote(ctx)
    if remote is None:
        return None
    extra = [a for a in ctx.argv[2:] if a.startswith("-") and a not in ("-u", "--set-upstream")]
    if any(a in ("--force", "-f", "--no-verify", "--force-with-lease") for a in extra):
        extra = [a for a in extra if a not in ("--force", "-f", "--no-verify", "--force-with-lease")]
    argv = ("git", "push", *extra, "--set-upstream", remote, str(branch))
    return Fix("run", f"push {branch} and make {remote}/{branch} its upstream", argv, risk="low", source=source,
               confidence=0.95, new_command=argv)


def _pull_rebase(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    if "push" not in ctx.argv or ctx.argv[0] != "git":
        return None
    from heal.journal import JournalError
    from heal.journal.gitref import dirty

    argv = ("git", "pull", "--rebase")
    try:
        changed = bool(dirty(ctx.cwd))
    except JournalError:
        changed = True  # not a repository heal can see into (e.g. `heal diagnose` on a saved log)
    if changed or _git(ctx, "rev-parse", "--abbrev-ref", "@{upstream}") is None:
        # a rebase needs a clean tree and a branch to pull from: the user sorts those out first
        return Fix("suggest", "the remote has commits you don't: commit or stash your changes, git pull --rebase, "
                   "then push again", argv, risk="medium", source=source, confidence=0.7)
    # It rewrites the branch's unpushed commits, so it is always asked, even with --yes.
    return Fix("run", "the remote has commits you don't: rebase your commits onto them (git pull --rebase), "
               "then push again", argv, risk="medium", source=source, confidence=0.8, then=argv, ask=True,
               cwd=ctx.cwd)


def _closest_script(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    script = str(ctx.diagnosis.facts.get("script") or ctx.diagnosis.facts.get("command") or "")
    tool = ctx.argv[0] if ctx.argv else "npm"
    if not script or tool not in ("npm", "yarn", "pnpm", "bun"):
        return None
    try:
        with open(os.path.join(ctx.cwd, "package.json")) as fh:
            scripts = list((json.load(fh).get("scripts") or {}).keys())
    except (OSError, ValueError):
        return None
    if not scripts:
        return None
    from rapidfuzz import fuzz, process

    best = process.extractOne(script, scripts, scorer=fuzz.ratio)
    if best is None or best[1] < 60 or best[0] == script:
        return None
    rest = list(ctx.argv)
    idx = rest.index(script) if script in rest else None
    if idx is None:
        return None
    rest[idx] = best[0]
    if tool == "npm" and rest[1] not in ("run", "run-script") and best[0] not in ("test", "start", "stop", "restart"):
        rest[idx:idx] = ["run"]
    argv = tuple(rest)
    return Fix("run", f"there is no script {script!r}; the closest is {best[0]!r}: {' '.join(argv)}", argv,
               risk="low", source=source, confidence=best[1] / 100, new_command=argv)


def _npm_install_without_lock(ctx: PlanContext, source: str, risk: str) -> Fix | None:
    if ctx.argv[:2] != ("npm", "ci"):
        return None
    if any(os.path.exists(os.path.join(ctx.cwd, f)) for f in ("package-lock.json", "npm-shrinkwrap.json")):
        return None
    argv = ("npm", "install", *ctx.argv[2:])
    return Fix("run", "npm ci needs a lockfile and there is none: npm install creates it", argv, risk="low",
               source=source, confidence=0.9, new_command=argv)


_PLANNERS = {
    "git-set-upstream": _set_upstream,
    "git-pull-rebase": _pull_rebase,
    "closest-script": _closest_script,
    "npm-install-without-lock": _npm_install_without_lock,
}
