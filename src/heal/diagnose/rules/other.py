"""The rest of a CI matrix: compilers of other languages (C#, Scala, Kotlin, Haskell, Swift, Erlang,
Elixir...), documentation builds, Ruby, PHP, R, CocoaPods, conda, and CI-script mistakes."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.diagnose.rules._base import closest
from heal.lazyre import lazy

ECOSYSTEM = ""

_EXT = (r"cs|fs|vb|scala|sc|kt|kts|hs|lhs|swift|dart|elm|purs|ml|mli|nim|zig|d|pas|cr|jl|clj|cljs|groovy|m|mm|"
        r"vala|hx|ada|adb|f90|f95|sol|v|sv|vhd|ts|tsx|coffee|less|scss|sass")


def _compiler(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts["line"] = facts.get("line") or facts.pop("line2", None)
    facts["column"] = facts.get("column") or facts.pop("col2", None)
    facts.pop("line2", None)
    facts.pop("col2", None)
    msg = facts.pop("msg", "")
    if rx.match(r"(?:parse error|syntax error|expected |unexpected |missing |unterminated|Invalid CSS)", msg, rx.I):
        facts["category"] = "syntax"
    facts["summary"] = f"compile error: {msg}" if msg else "compile error"
    return {k: v for k, v in facts.items() if v is not None}


def _did_you_mean(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    """The suggestions a tool prints under its unknown-command error (composer, symfony-style CLIs:
    "Did you mean this?" / "Did you mean one of these?" then indented names; npm: indented command lines,
    `npm run watch-test # run the "watch-test" package script`, whose words after `npm` are the suggestion)."""
    region = ctx.text[m.end():m.end() + 800]
    listed = rx.search(r"Did you mean (?:this|one of these)\?\s*\n(?P<names>(?:[ \t]+\S[^\n]*\n?)+)", region)
    if listed:
        names = []
        for line in listed.group("names").split("\n"):
            words = line.split("#")[0].split()
            if words and ctx.tool and words[0] == ctx.tool and len(words) > 1:
                words = words[1:]  # npm's `npm run lint`: the command line the tool would run
            if words and all(rx.fullmatch(r"[\w:.@/-]+", w) for w in words):
                names.append(" ".join(words))
        if names:
            facts["suggestions"] = names
            facts["suggestion"] = closest(str(facts.get("command", "")), names) or names[0]
    return facts


def _permission(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    if _AS_ROOT.search(m.group(0)):
        # the opposite of a missing privilege: the tool refuses to run as root (`sudo ls` on some systems,
        # npm, makepkg, brew): running it without sudo is the fix
        facts.update(as_root=True, summary="the command refuses to run as root")
    return facts


_AS_ROOT = lazy(r"cannot perform this operation as root|must not be run as root|should not be run as root|"
                r"refus\w* to run as root|(?:do|should) not run (?:\w+ )?as root|running as root is not "
                r"(?:allowed|supported|permitted)|not (?:allowed|supposed) to (?:be )?run as root", rx.I)


def _migrations(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    """The command the framework says applies the pending migrations (Rails, Django): run it first. Only
    these shapes are taken from the output; the planner checks them again."""
    region = ctx.text[m.start():m.end() + 600]
    said = rx.search(r"^[ \t'\"`]*((?:bin/rails|bin/rake|rails|rake) db:migrate(?: RAILS_ENV=[a-z]+)?|"
                     r"python3? manage\.py migrate)[ \t'\"`.]*$", region, rx.M)  # the whole line: nothing after it
    if said:
        facts["run_first"] = said.group(1)
    return facts


# Tools whose session expires, and the command that logs in again (interactive: the planner always asks).
# PaaS and deploy CLIs are where this is met: deploying, so that is the category; elsewhere it is permission.
LOGIN = {"tsuru": ("tsuru login", True), "heroku": ("heroku login", True), "fly": ("fly auth login", True),
         "flyctl": ("flyctl auth login", True), "vercel": ("vercel login", True), "netlify": ("netlify login", True),
         "firebase": ("firebase login", True), "railway": ("railway login", True), "cf": ("cf login", True),
         "oc": ("oc login", True), "wrangler": ("wrangler login", True), "docker": ("docker login", True),
         "npm": ("npm login", False), "gh": ("gh auth login", False), "az": ("az login", False),
         "gcloud": ("gcloud auth login", False), "glab": ("glab auth login", False), "doctl": ("doctl auth init", True)}


def _not_logged_in(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    login = LOGIN.get(ctx.tool)
    if login is not None:
        facts["run_first"] = login[0]
        facts["category"] = "deployment" if login[1] else "permission"
    return facts


RULES = (
    Rule("compile.diagnostic", "build", "high",
         r"^(?:\[error\]\s+)?(?P<file>[^\s:()\[\]]+\.(?:" + _EXT + r"))(?:\((?P<line>\d+),(?P<column>\d+)\)|"
         r":(?P<line2>\d+)(?::(?P<col2>\d+))?(?:-\d+(?::\d+)?)?)(?::| -)? ?(?:fatal )?[Ee]rror(?: (?P<error_code>[A-Z]+"
         r"\d+))?:?\s*(?P<msg>.*)$",
         "compile error", ("): error", ": error", "[error]", " error ", ": fatal error"), priority=76, first=True,
         refine=_compiler),
    Rule("compile.erlang", "build", "high",
         r"^(?P<file>[^\s:]+\.[eh]rl):(?P<line>\d+): (?:Warning: )?(?P<msg>(?:variable|function|field|record|import|"
         r"head mismatch|syntax error|undefined|unbound|illegal|bad).*)$",
         "Erlang compile error: {msg}", (".erl:", ".hrl:"), priority=70, first=True),
    Rule("compile.elixir", "build", "high",
         r"\*\* \((?P<exception>CompileError|SyntaxError|TokenMissingError|MismatchedDelimiterError)\) "
         r"(?:\(for doctest at\) )?(?P<file>[^\s:]+):(?P<line>\d+):? (?P<msg>.*)$",
         "Elixir {exception}: {msg}", ("compileerror", "syntaxerror", "tokenmissingerror"), priority=80,
         refine=lambda ctx, m, f: {**f, **({"category": "syntax"} if f.get("exception") != "CompileError" else {})}),
    Rule("compile.sbt", "build", "high", r"^\[error\] (?:\(.*\) )?Compilation failed.*$|^\[error\] \w+ errors? found$",
         "Scala compilation failed", ("compilation failed", "errors found", "error found"), priority=70),
    Rule("compile.ant", "build", "high",
         r"^(?:.*: Compile failed; see the compiler error output for details\.|\s*\[javac\] \d+ errors?)$",
         "compilation failed", ("compile failed", "[javac]"), priority=72),
    Rule("compile.haskell", "build", "high",
         r"^(?P<file>[^\s:]+\.l?hs):(?P<line>\d+):(?P<column>\d+):(?: (?:error|[Ww]arning):)?\s*\n?\s+(?P<msg>(?:Not in scope|Variable not "
         r"in scope|Couldn't match|No instance|parse error|Could not find module|Ambiguous|Illegal|No explicit "
         r"implementation).*)$",
         "Haskell compile error: {msg}", (".hs:",), priority=77,
         refine=lambda ctx, m, f: {**f, **({"category": "dependency"} if "Could not find module" in f.get("msg", "")
                                          else {"category": "syntax"} if "parse error" in f.get("msg", "") else {})}),
    Rule("build.failed", "build", "high",
         r"^(?:BUILD FAILED|FAILURE: Build failed with an exception\.|\* What went wrong:|error: could not compile .*|"
         r"make(?:\[\d+\])?: \*\*\* \[.*\] Error \d+|ninja: build stopped: .*|Build FAILED\.|"
         r"Compilation failed.*|\*\* BUILD FAILED \*\*)\s*$", "the build failed",
         ("build failed", "what went wrong", "could not compile", "***", "build stopped", "compilation failed"),
         priority=35),
    Rule("compile.warnings_as_errors", "build", "medium",
         r"^.*(?:warnings? (?:being )?treated as errors?|Warning, treated as error:|all warnings being treated as "
         r"errors).*$", "a warning was treated as an error", ("treated as error",), priority=66),
    Rule("docs.sphinx", "build", "medium",
         r"^(?P<file>\S+\.(?:rst|md|txt)):(?P<line>\d+): (?:ERROR|SEVERE|WARNING): (?P<msg>.*)$",
         "documentation build problem in {file}: {msg}", (".rst:", ".md:", ".txt:"), priority=58),
    Rule("docs.failed", "build", "medium",
         r"^.*(?:Build is failed\. Please fix (?:errors|warnings)|build finished with problems|Error building site|"
         r"REF_NOT_FOUND|^! LaTeX Error|^! Undefined control sequence|^! Emergency stop|Overfull \\hbox|"
         r"validity error :).*$",
         "documentation build failed", ("build is failed", "finished with problems", "error building site",
                                         "ref_not_found", "latex error", "undefined control sequence",
                                         "emergency stop", "overfull \\hbox", "validity error :"), priority=56),
    # dependencies in other ecosystems
    Rule("deps.composer", "dependency", "high",
         r"^.*(?:Your requirements could not be resolved to an installable set of packages|The requested package \S+"
         r"(?: \S+)? (?:could not be found|exists as .* but these are rejected)|Problem \d+\n.*requires .* but it is not "
         r"available).*$", "Composer cannot resolve the dependencies",
         ("could not be resolved to an installable set", "the requested package", "but it is not available"),
         priority=82, facts={"tool": "composer"}),
    Rule("deps.bundler", "dependency", "high",
         r"^.*(?:Could not find gem '(?P<package>[^']+)'|Bundler could not find compatible versions for gem "
         r"\"(?P<package2>[^\"]+)\"|Could not find (?P<package3>\S+) in any of the sources|An error occurr?ed while "
         r"installing (?P<package4>\S+)|cannot load such file -- (?P<module>\S+)|Gem::MissingSpecError|"
         r"Gem::ConflictError|Gem::LoadError).*$",
         "a Ruby gem is missing or conflicts", ("could not find gem", "compatible versions for gem", "in any of the sources",
                                                "error occured while installing", "error occurred while installing",
                                                "cannot load such file", "gem::"), priority=80,
         refine=lambda ctx, m, f: {k: v for k, v in {**f, "package": f.get("package") or f.get("package2")
                                                      or f.get("package3") or f.get("package4")}.items()
                                   if k not in ("package2", "package3", "package4") and v}),
    Rule("deps.r", "dependency", "high",
         r"^.*(?:there is no package called [‘'](?P<package>[^’']+)[’']|Package required but not available: "
         r"[‘'](?P<package2>[^’']+)[’']|dependenc(?:y|ies) [‘'](?P<package3>[^’']+)[’'] (?:is|are) not available).*$",
         "R package missing", ("there is no package called", "package required but not available", "not available"),
         priority=82, refine=lambda ctx, m, f: {k: v for k, v in {**f, "package": f.get("package") or f.get("package2")
                                                                   or f.get("package3")}.items()
                                                if k not in ("package2", "package3") and v}),
    Rule("deps.cocoapods", "dependency", "high",
         r"^.*(?:None of your spec sources contain a spec satisfying the dependency|Unable to find a specification "
         r"for|CocoaPods could not find compatible versions).*$", "CocoaPods cannot resolve a pod",
         ("spec satisfying the dependency", "unable to find a specification", "cocoapods could not find"),
         priority=82, facts={"tool": "pod"}),
    Rule("deps.conda", "dependency", "high",
         r"^.*(?:PackagesNotFoundError|ResolvePackageNotFound|UnsatisfiableError|PackageNotFoundError|"
         r"The following packages are not available from current channels).*$", "conda cannot resolve packages",
         ("packagesnotfounderror", "resolvepackagenotfound", "unsatisfiableerror", "packagenotfounderror",
          "not available from current channels"), priority=82, facts={"tool": "conda"}),
    Rule("deps.nuget", "dependency", "high", r"^.*(?:error NU1\d{3}|Unable to resolve '(?P<package>[^']+)').*$",
         "NuGet cannot resolve a package", ("nu1", "unable to resolve"), priority=80),
    Rule("deps.install_failed", "dependency", "high",
         r"^.*(?:An error occurr?ed while installing|Failed to install|Could not install) (?P<package>[\w@./-]+).*$",
         "installing {package} failed", ("while installing", "failed to install", "could not install"), priority=55),
    Rule("deps.docker_image", "dependency", "high",
         r"Unable to find image '(?P<image>[^']+)' locally\n(?:.*\n){0,4}?.*(?:manifest for \S+ not found|"
         r"manifest unknown|pull access denied|repository does not exist)",
         "image {image} does not exist in the registry", ("unable to find image",), priority=86,
         facts={"tool": "docker"}),
    # CI scripts and build tools pointing at things that are not there
    Rule("config.rakefile", "configuration", "high",
         r"^(?:No Rakefile found.*|Don't know how to build task '(?P<task>[^']+)'.*)$",
         "rake: no Rakefile or no such task", ("no rakefile found", "don't know how to build task"), priority=84,
         facts={"tool": "rake"}),
    Rule("config.task_runner", "configuration", "medium",
         r"^.*(?:Task never defined: (?P<task>\S+)|Task '(?P<task2>[^']+)' is not in your gulpfile|Warning: Task "
         r"\"(?P<task3>[^\"]+)\" not found|No gulpfile found|Gruntfile\.js not found).*$",
         "task runner: no such task", ("task never defined", "not in your gulpfile", "task \"", "no gulpfile",
                                       "gruntfile.js not found"), priority=84),
    Rule("config.script_missing_file", "configuration", "high",
         r"^(?P<script>[^\s:]+): line \d+: (?:cd: |source: |\.: )?(?P<path>[^\s:]+): No such file or directory\s*$",
         "the script refers to {path}, which does not exist", ("no such file or directory",), priority=66),
    Rule("config.bad_flag", "configuration", "medium",
         r"^.*(?:flag provided but not defined: (?P<option>\S+)|Illegal switch '(?P<option2>[^']+)'|unrecognized "
         r"(?:command[- ]line )?option:? [`'\"]?(?P<option3>[^`'\"\s]+)|invalid option -- '?(?P<option4>\w)'?).*$",
         "unknown command-line option", ("flag provided but not defined", "illegal switch", "unrecognized option",
                                        "unrecognized command-line option", "unrecognized command line option",
                                        "invalid option --"), priority=60),
    Rule("config.gradle_wrapper", "configuration", "high",
         r"Could not find or load main class org\.gradle\.wrapper\.GradleWrapperMain",
         "the Gradle wrapper jar is missing (gradle/wrapper/gradle-wrapper.jar)", ("gradlewrappermain",),
         priority=86, facts={"tool": "gradle"}),
    Rule("config.xcode_destination", "configuration", "high",
         r"xcodebuild: error: Unable to find a destination matching", "xcodebuild: no such simulator/destination",
         ("unable to find a destination",), priority=86, facts={"tool": "xcodebuild"}),
    Rule("config.docker_reference", "configuration", "medium", r"^.*invalid reference format.*$",
         "invalid image reference", ("invalid reference format",), priority=75, facts={"tool": "docker"}),
    Rule("config.exec_not_found", "configuration", "medium",
         r"^.*exec: \\?\"(?P<command>[^\"\\]+)\\?\": executable file not found in \$PATH.*$",
         "{command} is not an executable in the container's PATH", ("executable file not found",), priority=74),
    # command lines that name something the tool does not have
    Rule("cli.unknown_command", "syntax", "medium",
         r"^.*(?:Command \"(?P<command>[^\"]+)\" is not defined|[Uu]nknown command:? [\"'`]?(?P<command2>[\w:-]+)|"
         r"unknown command \"(?P<command3>[^\"]+)\"|'(?P<command4>[\w-]+)' is not a [\w-]+ command|"
         r"No such command[:\s]+[\"'`]?(?P<command5>[\w-]+)|is not a valid command|^where <command> is one of:).*$",
         "unknown subcommand (a typo?)", ("is not defined", "unknown command", "is not a", "no such command",
                                          "is not a valid command", "where <command> is one of"), priority=64,
         refine=lambda ctx, m, f: _did_you_mean(ctx, m, {k: v for k, v in {
             **f, "command": f.get("command") or f.get("command2") or f.get("command3") or f.get("command4")
             or f.get("command5")}.items() if k not in ("command2", "command3", "command4", "command5") and v})),
    Rule("deps.not_installed_hint", "dependency", "high",
         r"^.*(?:nix-env -iA \S+|The program '(?P<command>[^']+)' is currently not installed|Command '(?P<command2>"
         r"[^']+)' not found, (?:but|did you mean)|No available formula with the name \"?(?P<package>[^\"\s.]+)\"?"
         r"(?:\.? Did you mean (?P<suggestion>[\w@+-]+(?:\.\w[\w@+-]*)*)\??)?|is not installed\. Try|"
         r"can be installed with:?).*$", "a program or package is not installed",
         ("nix-env -ia", "is currently not installed", "not found, but", "not found, did you mean",
          "no available formula", "is not installed. try", "can be installed with"), priority=66,
         refine=lambda ctx, m, f: {k: v for k, v in {**f, "command": f.get("command") or f.get("command2")}.items()
                                   if k != "command2" and v}),
    Rule("permission.generic", "permission", "high",
         r"^.*(?:\bPermission denied\b|\bEACCES\b|Operation not permitted|\bEPERM\b|you cannot perform this "
         r"operation as root|must be (?:run as )?root|requires? (?:root|superuser|administrator) privileges|are you "
         r"root\?|Access is denied|insufficient permissions).*$", "permission denied",
         ("permission denied", "eacces", "not permitted", "eperm", "as root", "must be root", "privileges",
          "are you root", "access is denied", "insufficient permissions"), priority=45, refine=_permission),
    Rule("auth.not_logged_in", "permission", "medium",
         r"^.*(?:you'?re not authenticated|you are not authenticated|your session has expired|session expired, please "
         r"log ?in|you are not logged in|you must be logged in|not logged in\. (?:run|please)|please (?:log|sign) "
         r"?in(?: first| again)?\b|login required).*$",
         "not logged in (or the session expired): log in again", ("not authenticated", "session has expired",
                                                                  "session expired", "not logged in",
                                                                  "must be logged in", "please log", "please sign",
                                                                  "login required"), priority=50,
         refine=_not_logged_in),
    Rule("config.pending_migrations", "configuration", "medium",
         r"^.*(?:Migrations are pending|You have \d+ unapplied migration|pending migrations?).*$",
         "database migrations are pending: run them first", ("migrations are pending", "unapplied migration",
                                                             "pending migration"), priority=70, refine=_migrations),
    Rule("vagrant.machine_state", "runtime", "medium",
         r"^.*(?:VM must be (?P<state>running|created) (?:to|before) [^.\n]*|The VM is not (?P<state2>created|running)|"
         r"[Tt]he (?:virtual machine|VM) is (?P<state3>not created|not running|powered off|saved))[^\n]*"
         r"(?:\n[^\n]*)?",
         "the Vagrant machine is not {state}: run vagrant up first", ("vm must be", "the vm is not",
                                                                       "virtual machine is", "the vm is"),
         priority=75, facts={"tool": "vagrant"},
         refine=lambda ctx, m, f: {k: v for k, v in {
             **f, "state": (f.get("state") or f.get("state2") or f.get("state3") or "").replace("not ", "").replace(
                 "powered off", "running").replace("saved", "running"),
             "run_first": "vagrant up" if "vagrant up" in m.group(0) or ctx.tool == "vagrant" else None}.items()
             if k not in ("state2", "state3") and v}),
    Rule("runtime.not_running", "runtime", "medium",
         r"^.*\b(?:VM|machine|server|service|daemon|container|emulator|simulator) (?:must be|is not) running\b.*$",
         "a required VM or service is not running", ("must be running", "is not running"), priority=45),
    # runtime crashes reported by sanitizers, PHP, Erlang
    Rule("runtime.sanitizer", "runtime", "critical",
         r"^.*(?:ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|runtime error: .*(?:overflow|"
         r"misaligned|null pointer)|ERROR: MemorySanitizer|==\d+==ERROR).*$", "the sanitizer found a memory error",
         ("sanitizer", "runtime error:", "==error"), priority=74),
    Rule("runtime.php_fatal", "runtime", "high",
         r"^(?:PHP )?Fatal error: +(?P<message>.*?) in (?P<file>\S+) on line (?P<line>\d+).*$",
         "PHP fatal error: {message}", ("fatal error:",), priority=74, facts={"tool": "php"}),
    Rule("runtime.erlang_crash", "runtime", "high",
         r"^.*(?:System process <[\d.]+> terminated|\*\* Reason == |\{badmatch,|Kernel pid terminated|"
         r"Crash dump is being written).*$", "the Erlang VM crashed", ("terminated", "reason ==", "badmatch",
                                                                       "crash dump"), priority=60),
    Rule("runtime.access_violation", "runtime", "critical", r"^.*Access violation.*$", "access violation (crash)",
         ("access violation",), priority=60),
    # syntax of data and style files
    Rule("syntax.yaml", "syntax", "high",
         r"^.*(?:found character that cannot start any token|mapping values are not allowed here|could not find "
         r"expected ':'|did not find expected (?:key|node content|'-' indicator)|found unexpected end of stream).*$",
         "YAML syntax error", ("cannot start any token", "mapping values are not allowed", "could not find expected",
                               "did not find expected", "unexpected end of stream"), priority=70),
    Rule("syntax.css", "syntax", "high", r"^.*(?:Invalid CSS after|SassError|CssSyntaxError|Sass::SyntaxError).*$",
         "stylesheet syntax error", ("invalid css after", "sasserror", "csssyntaxerror", "sass::syntaxerror"),
         priority=74),
    Rule("syntax.flake8", "syntax", "high", r"^(?P<file>\S+\.py):(?P<line>\d+):(?P<column>\d+): E9\d\d (?P<msg>.*)$",
         # code that does not parse outranks the test results around it
         "Python syntax error reported by flake8: {msg}", (": e9",), priority=85, facts={"tool": "flake8"}),
    # a checker naming the data file it could not parse (pre-commit-hooks' check-json and check-toml): json_edit
    Rule("syntax.json_file", "syntax", "high",
         r"^(?P<file>[^\s:][^:\n]*\.json): (?:Failed to json decode \()?(?P<message>[^\n]*?): line (?P<line>\d+) "
         r"column (?P<column>\d+)", "{file} line {line} is not valid JSON: {message}", ("failed to json decode",),
         priority=75, facts={"format": "JSON"}),
    Rule("syntax.toml_file", "syntax", "high",
         r"^(?P<file>[^\s:][^:\n]*\.toml): (?P<message>[^\n]*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$",
         "{file} line {line} is not valid TOML: {message}", (".toml: ",), priority=75, facts={"format": "TOML"}),
    Rule("syntax.json", "syntax", "high",
         r"^.*(?:Unexpected token .* in JSON at position \d+|JSONDecodeError|Expecting (?:value|property name enclosed "
         r"in double quotes): line \d+ column \d+|Invalid JSON).*$", "invalid JSON",
         ("in json at position", "jsondecodeerror", "expecting value", "expecting property name", "invalid json"),
         priority=58),
    Rule("network.transfer", "network", "medium",
         r"^.*(?:Couldn't establish HTTP connection|Received fatal alert|no certificate subject alternative name "
         r"matches|md5sum did not match|checksum (?:did not match|mismatch)|Connect timeout|Connection error:).*$",
         "download failed", ("couldn't establish http connection", "received fatal alert",
                            "subject alternative name", "md5sum did not match", "checksum", "connect timeout",
                            "connection error:"), priority=57),
    Rule("deploy.push", "deployment", "high",
         r"^.*(?:deploy(?:ment)? (?:failed|error)|Failed to deploy|Deploy failed|Error: HTTP Error: \d+).*$",
         "deployment failed", ("deploy", "http error"), priority=55),
)
