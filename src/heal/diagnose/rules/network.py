"""Network failures from any tool: refused, reset, DNS, timeouts, TLS, HTTP 5xx and 429, ports in use."""

from __future__ import annotations

from heal import rx
from heal.diagnose.model import Context, Rule
from heal.lazyre import lazy

ECOSYSTEM = "network"

_HOST_PORT = (
    lazy(r"host='(?P<host>[^']+)', port=(?P<port>\d+)"),
    lazy(r"(?:Failed to connect to|connect to host|Could not connect to) (?P<host>[\w.-]+)(?: port |:)(?P<port>\d+)"),
    lazy(r"(?:Could not resolve host|Failed to resolve|Could not resolve hostname|getaddrinfo \w+|"
         r"resolve host|lookup):? '?(?P<host>[A-Za-z0-9][\w.-]*\.[A-Za-z][\w-]*)'?"),
    lazy(r"Looking in indexes: \w+://(?P<host>[\w.-]+)(?::(?P<port>\d+))?"),
    lazy(r"hostname: '(?P<host>[^']+)'"),
    lazy(r"address: '(?P<host>[^']+)',\s+port: (?P<port>\d+)"),
    lazy(r"connect ECONNREFUSED (?P<host>[\d.]+|\[[\da-f:]+\]):(?P<port>\d+)"),
    lazy(r"listen EADDRINUSE:? (?:address already in use )?(?P<host>[\w.:\[\]]*?):(?P<port>\d+)"),
    lazy(r"dial tcp (?P<host>[\w.-]+):(?P<port>\d+)"),
    lazy(r"\bport: (?P<port>\d+)"),
)
_CODE = lazy(r"\b(?P<error_code>E(?:CONNREFUSED|NOTFOUND|TIMEDOUT|CONNRESET|ADDRINUSE|AI_AGAIN|HOSTUNREACH|"
             r"NETUNREACH|PIPE|CONNABORTED|PROTO))\b")
_URL = lazy(r"(?:for url: |unable to access '|URL: |url: )(?P<url>https?://[^\s'\"]+)")


def network_facts(text: str) -> dict:
    """host, port and url named in a network error message, as far as it names them."""
    facts: dict = {}
    for pattern in _HOST_PORT:
        m = pattern.search(text)
        if m:
            for key, value in m.groupdict().items():
                if value and key not in facts:
                    facts[key] = int(value) if key == "port" else value.strip("[]")
    u = _URL.search(text)
    if u:
        facts["url"] = u.group("url").rstrip("/'")
    c = _CODE.search(text)
    if c:
        facts["error_code"] = c.group("error_code")
    return facts


def _enrich(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    start, end = ctx.line_at(m.start())
    around = ctx.text[max(0, start - 1500):min(len(ctx.text), end + 600)]
    for found in (network_facts(ctx.text[start:end]), network_facts(around)):
        for key, value in found.items():
            facts.setdefault(key, value)
    return facts


_CURL = {
    "6": ("network", "could not resolve the host name (DNS)"),
    "7": ("network", "connection refused or host unreachable"),
    "28": ("network", "the request timed out"),
    "35": ("network", "TLS handshake failed"),
    "51": ("network", "the server's TLS certificate does not match its name"),
    "52": ("network", "the server closed the connection without replying"),
    "56": ("network", "the connection was reset while receiving"),
    "60": ("network", "the server's TLS certificate is not trusted"),
    "18": ("network", "the transfer ended early"),
    "55": ("network", "the connection broke while sending"),
}


# Statuses no retry will change (heal.fixes.retry refuses them too): said so in the summary.
_PERMANENT = {501: "the server does not implement this request", 505: "the server does not support the HTTP version",
              506: "the server is misconfigured", 508: "the server detected a loop",
              510: "the server needs an extension the request lacks", 511: "the network needs authentication"}


def _status_summary(status: int) -> str:
    why = _PERMANENT.get(status)
    return f"HTTP {status} from the server: {why} (permanent: a retry gets the same answer)" if why else \
        f"HTTP {status} from the server"


def _curl(ctx: Context, m: rx.Match[str], facts: dict) -> dict | None:
    code = m.group("code")
    facts["tool"] = "curl"
    if code == "22":
        status = rx.search(r"error: (\d{3})", m.group("message"))
        s = status.group(1) if status else ""
        if s.startswith("5") or s == "429":
            facts.update(summary=_status_summary(int(s)), status=int(s))
            return _enrich(ctx, m, facts)
        if s in ("401", "403", "407"):
            facts.update(category="permission", summary=f"HTTP {s}: not authorised", status=int(s))
            return facts
        facts.update(category="runtime", summary=f"HTTP {s or 'error'} from the server",
                     **({"status": int(s)} if s else {}))
        return facts
    known = _CURL.get(code)
    if known is None:
        return None
    facts["summary"] = f"curl: {known[1]}"
    return _enrich(ctx, m, facts)


def _http_status(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    status = rx.search(r"\b(5\d\d|429)\b", m.group(0))
    if status:
        facts["status"] = int(status.group(1))
        if facts["status"] in _PERMANENT:
            facts["summary"] = _status_summary(facts["status"])
    return _enrich(ctx, m, facts)


def _wget(ctx: Context, m: rx.Match[str], facts: dict) -> dict:
    status = int(m.group("status"))
    facts.update(tool="wget", status=status)
    if status >= 500 or status == 429:
        facts["summary"] = _status_summary(status)
        return _enrich(ctx, m, facts)
    if status in (401, 403, 407):
        facts.update(category="permission", summary=f"HTTP {status}: not authorised")
    else:
        facts.update(category="runtime", summary=f"HTTP {status} from the server")
    return facts


_LINE = r"^.*?"
RULES = (
    Rule("network.wget_status", "network", "medium",
         r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ERROR (?P<status>[45]\d\d): (?P<reason>[^\n]*?)\.?$",
         "HTTP {status} from the server ({reason})", ("error 5", "error 4"), priority=84, refine=_wget),
    Rule("network.curl", "network", "medium", r"^curl: \((?P<code>\d+)\) (?P<message>.*)$", "curl error {code}",
         ("curl: (",), priority=85, refine=_curl),
    Rule("network.refused", "network", "medium",
         _LINE + r"(?:Connection refused|ECONNREFUSED|Couldn't connect to server|connection refused).*$",
         "connection refused: nothing is listening there", ("connection refused", "econnrefused",
                                                            "couldn't connect to server"), priority=52, refine=_enrich),
    Rule("network.dns", "network", "medium",
         _LINE + r"(?:Could not resolve host|Name or service not known|Temporary failure in name resolution|"
         r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|nodename nor servname provided|no such host|Could not resolve hostname|"
         r"NameResolutionError|Failed to resolve|Unknown host|UnknownHostException).*$",
         "host name could not be resolved (DNS)",
         ("could not resolve", "name or service not known", "name resolution", "enotfound", "eai_again",
          "nodename nor servname", "no such host", "failed to resolve", "unknown host", "unknownhostexception"),
         priority=53, refine=_enrich),
    Rule("network.timeout", "network", "medium",
         _LINE + r"(?:Connection timed out|ETIMEDOUT|Operation timed out|Read timed out|connect timed out|"
         r"i/o timeout|TLS handshake timeout|timed out after \d+|SocketTimeoutException|ESOCKETTIMEDOUT|"
         r"context deadline exceeded|Gateway Time-?out).*$",
         "the network operation timed out",
         ("timed out", "etimedout", "i/o timeout", "handshake timeout", "sockettimeout", "deadline exceeded",
          "gateway time"), priority=50, refine=_enrich),
    Rule("network.reset", "network", "medium",
         _LINE + r"(?:Connection reset by peer|ECONNRESET|Empty reply from server|socket hang up|"
         r"Connection aborted|RemoteDisconnected|EPIPE|unexpected EOF|Connection closed by remote host|"
         r"connection was forcibly closed).*$",
         "the connection was dropped by the other side",
         ("connection reset", "econnreset", "empty reply", "socket hang up", "connection aborted",
          "remotedisconnected", "unexpected eof", "connection closed by", "forcibly closed"), priority=50,
         refine=_enrich),
    Rule("network.tls", "network", "medium",
         _LINE + r"(?:certificate verify failed|CERTIFICATE_VERIFY_FAILED|SSL certificate problem|"
         r"server certificate verification failed|self[- ]signed certificate|unable to get local issuer certificate|"
         r"x509: certificate|SSLHandshakeException|PKIX path building failed|UNABLE_TO_VERIFY_LEAF_SIGNATURE|"
         r"DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT|tls: failed to verify|"
         r"SSL: WRONG_VERSION_NUMBER|wrong version number|sslv3 alert handshake failure).*$",
         "TLS failure: the server's certificate is not trusted or the handshake failed",
         ("certificate", "ssl:", "sslerror", "sslhandshake", "ssl certificate", "ssl_", "wrong version number",
          "handshake failure", "tls:", "tls handshake", "x509", "pkix", "_cert"), priority=56, refine=_enrich),
    Rule("network.unreachable", "network", "medium",
         _LINE + r"(?:Network is unreachable|No route to host|EHOSTUNREACH|ENETUNREACH|Host is down).*$",
         "the network or host is unreachable", ("unreachable", "no route to host", "host is down"), priority=52,
         refine=_enrich),
    Rule("network.http_5xx", "network", "medium",
         _LINE + r"(?:\b50[0-4] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)|"
         r"\bHTTP(?:/[\d.]+)? (?:Error )?5\d\d\b|status(?: code)?:? 5\d\d\b|returned error: 5\d\d|"
         r"\b5\d\d Server Error).*$",
         "the server failed (HTTP 5xx): usually transient",
         ("internal server error", "bad gateway", "service unavailable", "gateway time", "http error 5", "http/1.1 5",
          "http/2 5", "status code 5", "status: 5", "status 5", "returned error: 5", "server error"), priority=48,
         refine=_http_status),
    Rule("network.http_429", "network", "medium",
         _LINE + r"(?:\b429\b[^\n]*(?:Too Many Requests|rate)|Too Many Requests|rate limit(?:ed| exceeded)|"
         r"API rate limit).*$",
         "rate limited (HTTP 429): retry later", ("too many requests", "rate limit", " 429", "429 "), priority=54,
         refine=_http_status),
    Rule("network.address_in_use", "network", "medium",
         _LINE + r"(?:EADDRINUSE|Address already in use|address already in use|port is already allocated|"
         r"Only one usage of each socket address|bind: address already in use).*$",
         "the port is already in use by another process",
         ("eaddrinuse", "address already in use", "already allocated", "one usage of each socket"), priority=58,
         refine=_enrich, facts={"error_code": "EADDRINUSE"}),
)
