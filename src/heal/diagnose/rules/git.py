"""git: upstream and push problems, identity, ownership, conflicts, auth, repositories."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.diagnose.rules.network import network_facts

ECOSYSTEM = "git"
_G = {"tool": "git"}


def _push_rejected(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    reason = facts.get("reason", "")
    if "unpacker error" in reason or "permission" in reason.lower():
        facts.update(category="permission", summary=f"the remote could not write the push ({reason})")
    elif reason in ("fetch first", "non-fast-forward"):
        facts["summary"] = (f"push of {facts.get('branch', 'the branch')} rejected: the remote has commits you don't "
                            "(pull --rebase, then push)")
    return facts


def _unable_to_access(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    reason = facts.get("reason", "")
    status = rx.search(r"returned error: (\d{3})", reason)
    if status and status.group(1) in ("401", "403"):
        facts.update(category="permission", summary=f"git was refused access to {facts['url']} ({status.group(1)})")
    elif status and status.group(1) == "404":
        facts.update(category="configuration", summary=f"no repository at {facts['url']}")
    else:
        for key, value in network_facts(reason).items():
            facts.setdefault(key, value)
    return facts


RULES = (
    Rule("git.no_upstream", "configuration", "medium",
         r"^fatal: The current branch (?P<branch>\S+) has no upstream branch\.",
         "branch {branch} has no upstream: push with --set-upstream", ("has no upstream branch",), priority=88,
         facts=_G),
    Rule("git.push_rejected", "deployment", "medium",
         r"^\s*! \[(?:remote )?rejected\]\s+(?P<branch>\S+) -> \S+ \((?P<reason>[^)]+)\)",
         "push of {branch} rejected ({reason})", ("[rejected]", "[remote rejected]"), priority=88, facts=_G,
         refine=_push_rejected),
    Rule("git.updates_rejected", "deployment", "medium",
         r"^(?:hint: )?Updates were rejected because the (?:tip of your current branch is behind|remote contains work)",
         "push rejected: the remote has commits you don't", ("updates were rejected",), priority=84, facts=_G),
    Rule("git.no_tracking", "configuration", "medium",
         r"There is no tracking information for the current branch\.(?:\n.*){0,12}?\n\s+git branch "
         r"--set-upstream-to=\S+ (?P<branch>\S+)",
         "branch {branch} tracks no remote branch", ("no tracking information",), priority=88, facts=_G),
    Rule("git.no_tracking_plain", "configuration", "medium", r"There is no tracking information for the current branch",
         "the current branch tracks no remote branch", ("no tracking information",), priority=87, facts=_G),
    Rule("git.identity", "configuration", "high",
         r"^(?:\*\*\* )?(?:Please tell me who you are\.|Author identity unknown|fatal: unable to auto-detect email "
         r"address.*|fatal: empty ident name.*)$",
         "git does not know who you are: set user.name and user.email", ("please tell me who you are",
                                                                        "author identity unknown",
                                                                        "unable to auto-detect email",
                                                                        "empty ident name"), priority=88, facts=_G),
    Rule("git.dubious_ownership", "configuration", "high",
         r"^fatal: detected dubious ownership in repository at '(?P<path>[^']+)'",
         "git refuses a repository owned by another user (safe.directory)", ("dubious ownership",), priority=88,
         facts=_G),
    Rule("git.conflict", "configuration", "high",
         r"^CONFLICT \([^)]+\): (?:Merge conflict in (?P<file>\S+)|.*)$",
         "merge conflict in {file}: resolve it, then commit or continue", ("conflict (",), priority=86, first=True,
         facts=_G),
    Rule("git.local_changes", "configuration", "medium",
         r"Your local changes to the following files would be overwritten by (?P<op>\w+):\n\s+(?P<file>\S+)",
         "local changes to {file} block the {op}: commit or stash them", ("would be overwritten by",), priority=87,
         facts=_G),
    Rule("git.pathspec", "configuration", "medium",
         r"^error: pathspec '(?P<branch>[^']+)' did not match any file\(s\) known to git",
         "no branch or file named {branch}", ("did not match any file",), priority=86, facts=_G),
    Rule("git.not_a_command", "syntax", "medium",
         r"^git: '(?P<command>[^']+)' is not a git command\.(?:.*\n(?:\n)?The most similar commands? (?:is|are)\n"
         r"[ \t]*(?P<suggestion>\S+))?", "git has no command '{command}'", ("is not a git command",), priority=88, facts=_G),
    Rule("git.bad_option", "configuration", "medium",
         r"^(?:fatal: unrecognized argument: (?P<option>\S+)|error: unknown (?:option|switch) `(?P<option2>[^']+)')",
         "git does not know that option", ("unrecognized argument", "unknown option", "unknown switch"),
         priority=84, facts=_G),
    Rule("git.not_a_repository", "configuration", "medium",
         r"^fatal: not a git repository.*$", "not inside a git repository", ("not a git repository",), priority=86,
         facts=_G),
    Rule("git.auth_failed", "permission", "high",
         r"^(?:fatal|remote): Authentication failed for '(?P<url>[^']+)'", "authentication failed for {url}",
         ("authentication failed",), priority=88, facts=_G),
    Rule("git.no_username", "permission", "high",
         r"^fatal: could not read (?:Username|Password) for '(?P<url>[^']+)'",
         "git needs credentials for {url} and cannot prompt", ("could not read username", "could not read password"),
         priority=88, facts=_G),
    Rule("git.publickey", "permission", "high", r"^.*Permission denied \(publickey[^)]*\)\.?$",
         "ssh key not accepted by the git server", ("permission denied (publickey",), priority=88, facts=_G),
    Rule("git.remote_not_repository", "configuration", "high",
         r"^fatal: '(?P<remote>[^']+)' does not appear to be a git repository",
         "{remote} is not a git repository (wrong remote?)", ("does not appear to be a git repository",),
         priority=85, facts=_G),
    Rule("git.repository_not_found", "configuration", "high", r"^(?:fatal|remote|ERROR): [Rr]epository '?(?P<url>[^' ]+)'? not found",
         "repository {url} not found", ("not found",), priority=84, facts=_G),
    Rule("git.destination_exists", "configuration", "medium",
         r"^fatal: destination path '(?P<path>[^']+)' already exists and is not an empty directory",
         "clone target {path} already exists", ("already exists and is not an empty directory",), priority=86,
         facts=_G),
    Rule("git.src_refspec", "configuration", "medium", r"^error: src refspec (?P<branch>\S+) does not match any",
         "no local branch {branch} to push (nothing committed yet?)", ("src refspec",), priority=86, facts=_G),
    Rule("git.index_lock", "permission", "high",
         r"^fatal: Unable to create '(?P<path>[^']+\.lock)': (?P<reason>Permission denied|File exists)",
         "git cannot lock {path}: {reason}", ("unable to create",), priority=86, facts=_G,
         refine=lambda ctx, m, f: {**f, **({"category": "configuration", "summary":
                                             "another git process holds the index lock (or a stale index.lock)"}
                                          if f.get("reason") == "File exists" else {})}),
    Rule("git.unable_to_access", "network", "medium",
         r"^fatal: unable to access '(?P<url>[^']+)': (?P<reason>.*)$", "git cannot reach {url}: {reason}",
         ("unable to access",), priority=60, facts=_G, refine=_unable_to_access),
    Rule("git.unrelated_histories", "configuration", "medium", r"^fatal: refusing to merge unrelated histories",
         "refusing to merge unrelated histories", ("unrelated histories",), priority=86, facts=_G),
)
