"""Java: javac, Maven (compile, dependencies, POM, surefire), Gradle, uncaught exceptions."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Finding, Rule
from heal.diagnose.rules._base import closest, finding
from heal.diagnose.rules.network import network_facts
from heal.lazyre import lazy

ECOSYSTEM = "java"
GUARDS = ("<<< failure!", "<<< error!", "exception in thread")

_SYNTAX = lazy(r"^(?:'.+' expected|illegal start of|class, interface,|reached end of file while parsing|"
               r"unclosed (?:string|character|comment)|<identifier> expected|not a statement|"
               r"illegal character|orphaned |else without if|unclosed)")


def _javac(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    msg = facts.pop("msg", "")
    if ctx.tool in ("mvn", "gradle", "gradlew", "mvnw") or "[ERROR]" in m.group(0):
        facts["tool"] = "mvn" if "[ERROR]" in m.group(0) or ctx.tool in ("mvn", "mvnw") else ctx.tool
    else:
        facts["tool"] = "javac"
    pkg = rx.match(r"package (?P<package>[\w.]+) does not exist", msg)
    if pkg:
        facts.update(category="dependency", package=pkg.group("package"),
                     summary=f"Java package {pkg.group('package')} is not on the classpath (a missing dependency)")
    elif _SYNTAX.match(msg):
        facts.update(category="syntax", summary=f"Java syntax error: {msg}")
    else:
        facts["summary"] = f"Java compile error: {msg}"
    return facts


def _maven_resolution(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    region = ctx.text[m.start():m.start() + 4000]
    # A repository that no longer resolves or answers 4xx is a dependency problem however it surfaces;
    # refused connections and timeouts are the network's.
    gone = rx.search(r"Name or service not known|UnknownHostException|Could not find artifact|was cached in the local "
                     r"repository|Not Found|Return code is: [45]\d\d|HTTPS Required", ctx.text)
    if not gone and rx.search(r"Connect(?:ion)? to \S+ (?:\[[^\]]*\] )?failed|Connection refused|UnknownHostException|"
                 r"Connect timed out|Could not transfer artifact .* from/to .*: (?!.*offline)", region):
        facts.update(category="network", severity="medium", summary="Maven cannot reach the artifact repository",
                     **{k: v for k, v in network_facts(region).items() if k in ("host", "port", "url")})
        h = rx.search(r"Connect to (?P<host>[\w.-]+):(?P<port>\d+)", region)
        if h:
            facts.update(host=h.group("host"), port=int(h.group("port")))
        return facts
    art = rx.search(r"artifact (?P<g>[\w.-]+):(?P<a>[\w.-]+):(?:jar|pom|war)?", region) or \
        rx.search(r"Could not find artifact (?P<g>[\w.-]+):(?P<a>[\w.-]+)", region)
    if art:
        facts["package"] = f"{art.group('g')}:{art.group('a')}"
        facts["summary"] = f"Maven cannot resolve {facts['package']}"
    return facts


_SUREFIRE = lazy(r"^\[ERROR\] (?:(?P<cls>[\w.$]+)\.(?P<method>\w+)(?:\(.*?\))? -- Time elapsed: .*|"
                 r"(?P<method2>\w+)\((?P<cls2>[\w.$]+)\)\s+Time elapsed: .*)<<< (?:FAILURE|ERROR)!$", rx.M)
_FRAME = lazy(r"^\s+at (?P<where>[\w.$<>]+)\((?P<file>\w+\.(?:java|kt|scala|groovy)):(?P<line>\d+)\)", rx.M)


def _surefire(ctx: Context) -> Finding | None:
    if not ctx.has("<<< failure!") and not ctx.has("<<< error!"):
        return None
    tests = []
    first = None
    for m in _SUREFIRE.finditer(ctx.text):
        cls = (m.group("cls") or m.group("cls2")).rsplit(".", 1)[-1]
        tests.append(f"{cls}.{m.group('method') or m.group('method2')}")
        first = first or m
    if first is None:
        return None
    facts: dict = {"tool": "mvn", "tests": list(dict.fromkeys(tests))}
    for frame in _FRAME.finditer(ctx.text, first.end()):
        if not frame.group("where").startswith(("org.junit", "java.", "jdk.", "sun.", "org.apache", "org.opentest4j")):
            facts.update(file=frame.group("file"), line=frame.group("line"))
            break
    return finding(ctx, "maven.test_failed", "test", "medium", f"{len(facts['tests'])} test(s) failed: {tests[0]}",
                   facts, first.start(), first.end(), priority=87)


_UNCAUGHT = lazy(r"^Exception in thread \"(?P<thread>[^\"]+)\" (?P<exception>[\w.$]+)(?:: (?P<msg>.*))?$", rx.M)
_CAUSED = lazy(r"^Caused by: (?P<exception>[\w.$]+)(?:: (?P<msg>.*))?$", rx.M)
_JAVA_NETWORK = {"ConnectException", "UnknownHostException", "SocketTimeoutException", "NoRouteToHostException",
                 "SSLHandshakeException", "SocketException", "HttpTimeoutException"}


def _uncaught(ctx: Context) -> Finding | None:
    if not ctx.has("exception in thread"):
        return None
    m = _UNCAUGHT.search(ctx.text)
    if m is None:
        return None
    last = m
    for c in _CAUSED.finditer(ctx.text, m.end()):
        last = c  # the root cause is the last "Caused by"
    exc, msg = last.group("exception"), (last.group("msg") or "").strip()
    name = exc.rsplit(".", 1)[-1]
    facts: dict = {"tool": "java", "exception": exc}
    for frame in _FRAME.finditer(ctx.text, m.end()):
        if not frame.group("where").startswith(("java.", "javax.", "jdk.", "sun.", "kotlin.", "scala.")):
            facts.update(file=frame.group("file"), line=frame.group("line"))
            break
    category, severity = "runtime", "high"
    frames = ctx.text[m.end():m.end() + 8000]
    if rx.search(r"\bat (?:org\.junit|junit\.framework|org\.testng|org\.scalatest|org\.spockframework)\.", frames):
        category, severity = "test", "medium"  # thrown inside a test: the test failed
    elif name in ("ClassNotFoundException", "NoClassDefFoundError", "NoSuchMethodError", "AbstractMethodError",
                  "IncompatibleClassChangeError", "UnsupportedClassVersionError"):
        category = "dependency"
    elif name in _JAVA_NETWORK:
        category, severity = "network", "medium"
    elif name == "OutOfMemoryError":
        severity = "critical"
    return finding(ctx, f"java.{name}", category, severity, f"{name}: {msg}" if msg else name, facts, m.start(),
                   m.end(), priority=80)


_LOC = r"(?P<file>[^\s:\[]+\.(?:java|kt|scala|groovy))"
_MAVEN_PLUGIN_CATEGORY = {
    "maven-surefire-plugin": {"category": "test"}, "maven-failsafe-plugin": {"category": "test"},
    "maven-enforcer-plugin": {"category": "dependency"}, "maven-dependency-plugin": {"category": "dependency"},
    "maven-checkstyle-plugin": {"category": "unknown"}, "apache-rat-plugin": {"category": "unknown"},
    "maven-deploy-plugin": {"category": "deployment"}, "maven-release-plugin": {"category": "deployment"},
}
def _phase_suggestion(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    """Maven lists its lifecycle phases after an unknown one: the nearest is the suggestion."""
    listed = rx.search(r"Available lifecycle phases are: ([\w, -]+)", ctx.text[m.start():m.start() + 3000])
    if listed and facts.get("phase"):
        best = closest(str(facts["phase"]), [p.strip() for p in listed.group(1).split(",") if p.strip()])
        if best:
            facts["suggestion"] = best
    return facts


RULES = (
    Rule("javac.error", "build", "high", r"^" + _LOC + r":(?P<line>\d+): error: (?P<msg>.*)$", "Java compile error",
         (": error:",), priority=80, first=True, refine=_javac),
    Rule("maven.compile_error", "build", "high",
         r"^\[ERROR\] " + _LOC + r":\[(?P<line>\d+),(?P<column>\d+)\] (?P<msg>.*)$", "Java compile error",
         ("[error]",), priority=81, first=True, refine=_javac),
    Rule("maven.unknown_phase", "build", "medium",
         r"^\[ERROR\] (?:Unknown lifecycle phase \"(?P<phase>[^\"]+)\"|No goals have been specified for this build).*$",
         "Maven: not a lifecycle phase or goal: {phase}", ("unknown lifecycle phase", "no goals have been specified"),
         priority=86, facts={"tool": "mvn"}, refine=_phase_suggestion),
    Rule("maven.no_pom", "configuration", "high",
         r"^\[ERROR\] The goal you specified requires a project to execute but there is no POM in this directory.*$",
         "no pom.xml here: the wrong directory?", ("there is no pom in this directory",), priority=86,
         facts={"tool": "mvn"}),
    Rule("maven.bad_pom", "syntax", "high",
         r"Non-parseable POM (?P<path>\S+?):.*?@ line (?P<line>\d+), column (?P<column>\d+)",
         "pom.xml is not valid XML", ("non-parseable pom",), priority=86, facts={"tool": "mvn", "file": "pom.xml"}),
    Rule("maven.resolution", "dependency", "high",
         r"^\[ERROR\]\s+(?:Failed to execute goal on project \S+: Could not resolve dependencies|Plugin \S+ or one of its "
         r"dependencies could not be resolved|Failed to execute goal .*: (?:Could not resolve|The following artifacts "
         r"could not be resolved)|Non-resolvable (?:parent POM|import POM)).*$",
         "Maven cannot resolve a dependency", ("could not resolve", "could not be resolved", "non-resolvable"),
         priority=83, facts={"tool": "mvn"}, refine=_maven_resolution),
    Rule("maven.api_incompatibility", "dependency", "high",
         r"^.*(?:An API incompatibility was encountered while executing|A required class was missing while executing)"
         r" (?P<plugin>[\w.-]+:[\w.-]+).*$",
         "a plugin and its dependencies do not fit together (version incompatibility): {plugin}",
         ("api incompatibility was encountered", "required class was missing"), priority=86, facts={"tool": "mvn"}),
    Rule("maven.test_failures", "test", "medium",
         r"^\[ERROR\] (?:Failed to execute goal .*maven-surefire-plugin.*There are test failures|There (?:are|were) "
         r"test failures|Tests run:.*Failures: [1-9]).*$", "tests failed",
         ("there are test failures", "there were test failures", "failures:"), priority=70, facts={"tool": "mvn"}),
    Rule("maven.goal_failed", "build", "high",
         r"^\[ERROR\] Failed to execute goal (?P<plugin>[\w.-]+:[\w.-]+)(?::[\w.-]+)?:(?P<goal>[\w-]+) .*$",
         "Maven goal {goal} of {plugin} failed", ("failed to execute goal",), priority=55, facts={"tool": "mvn"},
         refine=lambda ctx, m, f: {**f, **_MAVEN_PLUGIN_CATEGORY.get(f["plugin"].split(":")[-1], {})}),
    Rule("gradle.task_not_found", "build", "medium",
         r"Task '(?P<task>[^']+)' not found in (?:root )?project", "Gradle has no task '{task}'",
         ("not found in root project", "not found in project"), priority=86, facts={"tool": "gradle"}),
    Rule("gradle.failed_tests", "test", "medium", r"^(?:> )?There were failing tests\..*$",
         "Gradle tests failed", ("there were failing tests",), priority=70, facts={"tool": "gradle"}),
    Rule("gradle.resolution", "dependency", "high",
         r"^(?:> )?Could not (?:resolve all (?:files|dependencies|artifacts) for configuration|find (?P<package>[\w.-]+:"
         r"[\w.-]+)).*$", "Gradle cannot resolve a dependency", ("could not resolve all", "could not find"),
         priority=75, facts={"tool": "gradle"}),
    Rule("gradle.compile", "build", "high", r"^(?:> )?Compilation failed; see the compiler error output.*$|"
         r"^Execution failed for task '(?P<task>:\w*[Cc]ompile\w*)'.*$", "Gradle compilation failed",
         ("compilation failed", "execution failed for task"), priority=60, facts={"tool": "gradle"}),
)
FUNCTIONS = (_surefire, _uncaught)
