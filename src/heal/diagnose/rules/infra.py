"""Docker, compose, kubectl, helm, terraform: daemons, contexts, registries, clusters, plans."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.diagnose.rules._base import closest
from heal.lazyre import lazy

ECOSYSTEM = "infra"
GUARDS = ("memcache.go",)  # looked up with ctx.has by _kube_unauthorized
_D = {"tool": "docker"}
_K = {"tool": "kubectl"}
_T = {"tool": "terraform"}


def _tool(name: str):
    def refine(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
        if ctx.tool.startswith(name):
            facts["tool"] = ctx.tool
        return facts
    return refine


def _kube_unauthorized(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    # kubectl's client-go logs from memcache.go; ctx.has first, since this runs for every match and a
    # substring search of the whole text costs a few ms per megabyte
    if ctx.tool in ("kubectl", "helm", "oc") or ctx.has("memcache.go") and "memcache.go" in ctx.text:
        return facts
    return None


def _docker_unknown(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    if facts.get("command") in ("compose", "buildx", "scan", "scout", "init"):
        facts.update(category="dependency", summary=f"the docker {facts['command']} plugin is not installed")
    return facts


def _cobra_suggestion(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    """kubectl/helm (cobra) list their guesses under "Did you mean this?": keep them, and the nearest."""
    facts["tool"] = facts.get("parent", "").split()[0] or ctx.tool
    listed = facts.pop("listed", "") or ""
    suggestions = [s.strip() for s in listed.split("\n") if s.strip()]
    if suggestions:
        facts["suggestions"] = suggestions
        facts["suggestion"] = closest(str(facts.get("command", "")), suggestions) or suggestions[0]
    return facts


_TF_CONFIG = ("initialization required", "backend initialization required", "module not installed",
              "inconsistent dependency lock file", "required plugins are not installed", "could not load plugin",
              "reference to undeclared", "unsupported argument", "no value for required variable",
              "missing required argument", "unsupported attribute", "invalid reference", "unsupported block type",
              "duplicate", "missing required provider", "provider configuration not present",
              "backend configuration changed")
_TF_SYNTAX = ("unclosed configuration block", "argument or block definition required", "unexpected comma",
              "invalid character", "invalid expression", "missing newline", "invalid block definition",
              "invalid multi-line string", "unterminated template string", "extra characters after")
_TF_NETWORK = ("failed to query available provider packages", "failed to install provider",
               "error refreshing state", "failed to retrieve", "registry service unreachable",
               "could not connect", "failed to request discovery document")


def _terraform(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    title = facts.pop("title", "").strip()
    low = title.lower()
    block = ctx.text[m.start():m.start() + 3000]
    where = rx.search(r"^[│ ]*on (?P<file>\S+) line (?P<line>\d+)", block, rx.M)
    if where:
        facts.update(file=where.group("file"), line=where.group("line"))
    facts["summary"] = f"terraform: {title}"
    if _INIT.search(block) and "backend configuration changed" not in low:
        facts["run_first"] = f"{_tf(ctx)} init"  # what terraform itself says to run; the planner checks it
    if "module not installed" in low:
        facts["category"] = "dependency"
    elif any(k in low for k in _TF_SYNTAX):
        facts["category"] = "syntax"
    elif any(k in low for k in _TF_NETWORK) or rx.search(r"connection refused|no such host|i/o timeout|"
                                                          r"dial tcp|could not resolve", block, rx.I):
        facts["category"] = "network"
        host = rx.search(r"dial tcp (?P<host>[\w.-]+):(?P<port>\d+)|lookup (?P<host2>[\w.-]+)", block)
        if host:
            facts["host"] = host.group("host") or host.group("host2")
            if host.group("port"):
                facts["port"] = int(host.group("port"))
    elif any(k in low for k in _TF_CONFIG):
        facts["category"] = "configuration"
    elif "acquiring the state lock" in low or "apply" in ctx.argv or "destroy" in ctx.argv \
            or "provisioner" in low or "error running command" in block.lower():
        facts["category"] = "deployment"
    else:
        facts["category"] = "configuration"
    return facts


# "Run "terraform init"", "please run "terraform init"", "run: terraform init": terraform's own advice
_INIT = lazy(r"\brun:?\s+[\"`]?terraform init\b", rx.I)


def _tf(ctx: Context) -> str:
    return ctx.tool if ctx.tool in ("terraform", "tofu") else "terraform"


def _tf_init(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts["run_first"] = f"{_tf(ctx)} init"
    return facts


def _registry_denied(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    """Not logged in to the registry (docker says so, or asks for credentials): `docker login` first. A tag
    that does not exist (manifest unknown) is not a login problem."""
    if rx.search(r"docker login|no basic auth credentials|access denied|requested access to the resource is denied",
                 m.group(0)):
        facts["run_first"] = "docker login"
    return facts


def _kube_refused(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    facts.update(host="localhost", port=8080)
    return facts


RULES = (
    # docker
    Rule("docker.daemon", "configuration", "high",
         r"^.*(?:Cannot connect to the Docker daemon at (?P<socket>\S+?)\.? Is the docker daemon running\?|"
         r"error during connect: .*|Is the docker daemon running\?).*$",
         "cannot reach the Docker daemon: is it running?", ("docker daemon", "error during connect"), priority=86,
         facts=_D, refine=_tool("docker")),
    Rule("docker.unknown_command", "syntax", "medium", r"^docker: (?:unknown command: docker |'(?P<c2>\S+)' is not a "
         r"docker command)(?P<command>\S+)?", "docker has no command '{command}'",
         ("unknown command: docker", "is not a docker command"), priority=86, facts=_D, refine=_docker_unknown),
    Rule("docker.buildx_missing", "dependency", "high", r"BuildKit is enabled but the buildx component is missing",
         "the docker buildx plugin is missing", ("buildx component is missing",), priority=88, facts=_D),
    Rule("docker.no_dockerfile", "configuration", "high",
         r"unable to prepare context: (?:unable to evaluate symlinks in Dockerfile path: lstat \S*?(?P<file>Dockerfile"
         r"[\w.-]*)|.*)", "no Dockerfile where docker build looked", ("unable to prepare context",), priority=86,
         facts=_D),
    Rule("docker.compose_file", "configuration", "high",
         r"(?:Can't find a suitable configuration file in this directory|no configuration file provided: not found)",
         "no docker-compose.yml here or in a parent directory",
         ("suitable configuration file", "no configuration file provided"), priority=86, facts=_D,
         refine=_tool("docker")),
    Rule("docker.unknown_flag", "configuration", "medium", r"^unknown (?:flag|shorthand flag): (?P<option>.+)$",
         "unknown option {option}", ("unknown flag", "unknown shorthand flag"), priority=80,
         refine=lambda ctx, m, f: {**f, **({"tool": ctx.tool} if ctx.tool else {})}),
    Rule("docker.context", "configuration", "high", r"context \"(?P<context>[^\"]+)\"(?:: context)? not found",
         "docker context {context} does not exist", ("not found",), priority=85, facts=_D),
    Rule("docker.credential_helper", "dependency", "high",
         r"exec: \"(?P<command>docker-credential-[\w-]+)\": executable file not found",
         "docker credential helper {command} is not installed", ("docker-credential-",), priority=87, facts=_D),
    Rule("docker.unauthorized", "permission", "high",
         r"^.*(?:unauthorized: (?:incorrect username or password|authentication required)|Error response from "
         r"daemon: (?:Get \S+: )?unauthorized|401 Unauthorized).*$",
         "the registry refused the credentials", ("unauthorized",), priority=82, facts=_D, refine=_tool("docker")),
    Rule("docker.registry_denied", "deployment", "high",
         r"^.*(?:no basic auth credentials|(?:pull|push) access denied|denied: requested access to the resource is "
         r"denied|no such manifest|manifest unknown|manifest for \S+ not found|repository does not exist or may "
         r"require 'docker login').*$",
         "the registry refused the image operation (not logged in, no access, or no such tag)",
         ("no basic auth credentials", "access denied", "requested access to the resource is denied", "no such manifest",
          "manifest unknown", "not found: manifest", "manifest for", "may require 'docker login'"), priority=84,
         facts=_D, refine=_registry_denied),
    Rule("docker.conflict", "deployment", "medium",
         r"^Error response from daemon: conflict: (?P<message>.*)$", "docker conflict: {message}",
         ("error response from daemon: conflict",), priority=84, facts=_D),
    Rule("yaml.parse", "syntax", "high",
         r"(?:yaml\.\w+\.\w+Error|mapping values are not allowed|did not find expected|found character that cannot "
         r"start|could not find expected ':'|found undefined alias)[^\n]*(?:\n.*){0,3}?\n\s*in \"(?P<file>[^\"]+)\", "
         r"line (?P<line>\d+)(?:, column (?P<column>\d+))?", "YAML syntax error in {file}", ("yaml.", "mapping values", "did not find expected",
                                                                 "cannot start", "could not find expected",
                                                                 "undefined alias"),
         priority=83, refine=lambda ctx, m, f: {**f, "file": str(f["file"]).removeprefix("./"),
                                                **({"tool": ctx.tool} if ctx.tool else {})}),
    # kubernetes
    Rule("kubectl.no_config", "configuration", "high",
         r"^.*(?:The connection to the server localhost:8080 was refused|http://localhost:8080/api\?timeout=.*"
         r"connection refused).*$",
         "kubectl has no cluster configured (no kubeconfig): it fell back to localhost:8080",
         ("localhost:8080",), priority=80, facts=_K, refine=_kube_refused),
    Rule("kubectl.context", "configuration", "high",
         r"^(?:Error in configuration: )?(?:context was not found for specified context: (?P<context>\S+)|"
         r"error: current-context is not set|error: no context exists with the name: \"?(?P<context2>[^\"]+)\"?)",
         "kubectl context problem: no such context or none selected",
         ("context was not found", "current-context is not set", "no context exists"), priority=86, facts=_K),
    Rule("kubectl.config_yaml", "syntax", "high",
         r"^error: error (?:loading config file|parsing) \"?(?P<file>[^\":]+)\"?: (?:error converting YAML to JSON: )?"
         r"yaml: line (?P<line>\d+): (?P<message>.*)$", "YAML syntax error in {file} line {line}",
         ("yaml: line",), priority=87, facts=_K),
    Rule("kubectl.validation", "configuration", "high",
         r"^error: error validating \"(?P<file>[^\"]+)\": error validating data: (?P<message>.*)$",
         "manifest {file} is invalid: {message}", ("error validating",), priority=86, facts=_K),
    Rule("kubectl.forbidden", "permission", "high", r"^.*Error from server \(Forbidden\): (?P<message>.*)$",
         "the cluster refused: {message}", ("(forbidden)",), priority=86, facts=_K),
    Rule("kubectl.unauthorized", "permission", "high",
         r"^.*(?:the server has asked for the client to provide credentials|error: You must be logged in to the server|"
         r"Unauthorized).*$", "the cluster does not accept these credentials (expired token?)",
         ("provide credentials", "must be logged in", "unauthorized"), priority=84, facts=_K,
         refine=_kube_unauthorized),
    Rule("kubectl.server_error", "deployment", "high", r"^Error from server \((?P<reason>\w+)\): (?P<message>.*)$",
         "the cluster rejected the change ({reason}): {message}", ("error from server",), priority=84, facts=_K,
         refine=lambda ctx, m, f: {**f, **({"file": x.group(1)} if (x := rx.search(r'error when \w+ "([^"]+)"',
                                                                                  f.get("message", ""))) else {})}),
    Rule("kubectl.unknown_command", "syntax", "medium",
         r"^Error: unknown command \"(?P<command>[^\"]+)\" for \"(?P<parent>[\w -]+)\""
         r"(?:\n+Did you mean this\?\n(?P<listed>(?:\t\S+\n?)+))?",
         "{parent} has no command '{command}'", ("unknown command",), priority=86, refine=_cobra_suggestion),
    Rule("kubectl.unknown_flag", "configuration", "medium", r"^Error: unknown (?:shorthand )?flag: (?P<option>.+)$",
         "unknown option {option}", ("unknown flag", "unknown shorthand flag"), priority=84,
         refine=lambda ctx, m, f: {**f, **({"tool": ctx.tool} if ctx.tool else {})}),
    Rule("kubectl.resource_type", "syntax", "medium",
         r"^error: the server doesn't have a resource type \"(?P<resource>[^\"]+)\"",
         "no resource type {resource} (a typo?)", ("doesn't have a resource type",), priority=86, facts=_K),
    Rule("kubernetes.pod_state", "deployment", "high",
         r"^.*\b(?P<state>ErrImagePull|ImagePullBackOff|CrashLoopBackOff|CreateContainerConfigError|OOMKilled|"
         r"InvalidImageName)\b.*$", "pod failing: {state}",
         ("errimagepull", "imagepullbackoff", "crashloopbackoff", "createcontainerconfigerror", "oomkilled",
          "invalidimagename"), priority=70),
    # helm
    Rule("helm.failed", "deployment", "high",
         r"^Error: (?P<op>INSTALLATION|UPGRADE|ROLLBACK|UNINSTALLATION) FAILED: (?P<message>.*)$",
         "helm {op} failed: {message}", ("installation failed", "upgrade failed", "rollback failed",
                                        "uninstallation failed"), priority=86, facts={"tool": "helm"}),
    Rule("helm.unreachable", "network", "medium", r"^Error: [Kk]ubernetes cluster unreachable: (?P<message>.*)$",
         "the cluster is unreachable: {message}", ("cluster unreachable",), priority=86, facts={"tool": "helm"}),
    # terraform
    Rule("terraform.error", "configuration", "high", r"^[│ ]*Error: (?P<title>.+)$", "terraform failed",
         ("error:",), priority=82, first=True, facts=_T, tools=("terraform", "tofu", "terragrunt"),
         refine=_terraform),
    Rule("terraform.not_installed_module", "dependency", "high",
         r"This module is not yet installed\. Run \"terraform init\"",
         "terraform modules are not installed: run terraform init", ("module is not yet installed",), priority=80,
         facts=_T, refine=_tf_init),
    Rule("terraform.init_required", "configuration", "high", r"Error: (?:Backend )?[Ii]nitialization required",
         "terraform needs `terraform init` first", ("initialization required",), priority=83, facts=_T,
         refine=_tf_init),
    Rule("terraform.unknown_command", "syntax", "medium",
         r"Terraform has no command named \"(?P<command>[^\"]+)\"(?:\. Did you mean \"(?P<suggestion>[^\"]+)\")?",
         "terraform has no command '{command}'", ("has no command named",), priority=88, facts=_T),
)
