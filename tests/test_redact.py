"""heal.redact, the one redaction module: a table of secret forms that must be masked and look-alikes that
must be kept, command lines masked with the context of the previous argument, and a fuzz test that runs
heal for real with random secrets on its command line and greps everything it persisted and reported."""

from __future__ import annotations

import json
import os
import string
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import heal_argv
from heal.redact import redact, redact_argv, redact_json

# (text, the secret in it that must not survive)
MUST_MASK = [
    # a token as a URL's whole user part (break-it H3: it reached the journal and the pattern store)
    ("pip install x --index-url https://ghtok1234567890abcdef@pypi.fury.io/me/", "ghtok1234567890abcdef"),
    ("--extra-index-url https://tok_Zq8rT2pLx9@x.example/simple", "tok_Zq8rT2pLx9"),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI"),
    ("DB_PASSWORD=hunter2hunter2", "hunter2hunter2"),
    ("PGPASSWORD=pgsecret99 psql", "pgsecret99"),
    ("MYSQL_PWD=myq55secret", "myq55secret"),
    ("GITHUB_TOKEN=abc123def456", "abc123def456"),
    ("SECRET_KEY=django-insecure-777777", "django-insecure-777777"),
    ("SECRET_KEY_BASE=railsbase0123", "railsbase0123"),
    ("client_secret=abcdef1234", "abcdef1234"),
    ("https://api.example.com/token?client_id=x&client_secret=qs5ecret&grant=y", "qs5ecret"),
    ('{"password": "s3cret horse"}', "s3cret horse"),
    ("{'api_key': 'k3y-value-1'}", "k3y-value-1"),
    ('{"Authorization": "Bearer abc.def.ghi"}', "abc.def.ghi"),
    ("db:\n  password: yamlsecret1\n", "yamlsecret1"),
    ("apiKey=camelK3y99", "camelK3y99"),
    ("Private-Token: gl-private-123", "gl-private-123"),
    ("curl -u admin:pw4pw4pw4 https://x", "pw4pw4pw4"),
    ("curl --user=admin:pw5pw5pw5 https://x", "pw5pw5pw5"),
    ("mysql -uroot -phunter6hunter6 shop", "hunter6hunter6"),
    ("mysqldump --password=dump7secret shop", "dump7secret"),
    ("tool --password hunter3hunter3 --verbose", "hunter3hunter3"),
    ("tool --token=tok8en8value", "tok8en8value"),
    ("glpat-abcdefghijklmnopqrst", "abcdefghijklmnopqrst"),
    ("sk-proj-abcdefghijklmnopqrstuvwx123", "abcdefghijklmnopqrstuvwx123"),
    ("sk-ant-api03-abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwx"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA7x"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n(cut off)", "b3BlbnNzaC1rZXktdjEAAAAA"),
    ("Cookie: session=abcdef123; theme=dark", "abcdef123"),
    ("Set-Cookie: id=xyz987abc; Path=/; HttpOnly", "xyz987abc"),
    ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("ghp_" + "a1" * 18, "a1" * 18),
    ("github_pat_11ABCDEFG0123456789_abcdefghijkl", "11ABCDEFG0123456789_abcdefghijkl"),
    ("xoxb-123456789012-abcdefghijkl", "123456789012-abcdefghijkl"),
    ("https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX", "XXXXsecretXXXX"),
    ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc"),
    ("npm_" + "A" * 36, "A" * 36),
    ("//registry.npmjs.org/:_authToken=npmauth0123xyz", "npmauth0123xyz"),
    ("pypi-AgEIcHlwaS5vcmc" + "x" * 40, "AgEIcHlwaS5vcmc"),
    ("hf_" + "abcdefghijklmnopqrstuvwxyz123456", "abcdefghijklmnopqrstuvwxyz123456"),
    ("AIza" + "SyA1234567890abcdefghijklmnopqrstuv", "SyA1234567890abcdefghijklmnopqrstuv"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N", "dozjgNryP4J3jVmNHl0w5N"),
    ("fatal: unable to access 'https://bob:hunter2pass@git.example.com/r.git/'", "hunter2pass"),
    ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
    ("authorization: token 0123456789abcdef", "0123456789abcdef"),
    ("Proxy-Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ("X-Api-Key: live-key-123", "live-key-123"),
    ("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=azur3key==;EndpointSuffix=x", "azur3key"),
]

MUST_KEEP = [
    "ssh://git@github.com/o/r.git", "https://deploy@host.example/", "git+https://x-access-token@github.com/o/r",
    "${PASSWORD}",
    "PASSWORD=${PASSWORD}",
    "DB_PASSWORD=$DB_PASSWORD",
    "--password <password>",
    "password",
    "Enter password:",
    "the token has expired",
    "tokenizer=bert-base",
    "author=John Smith",
    "max_tokens=100",
    "PWD=/home/user/project",
    "OLDPWD=/tmp",
    "docker run -u 1000:1000 image",
    "git push -u origin main",
    "ssh -p 2222 host",
    "Basic authentication failed",
    "KeyError: 'password'",
    "secretary of state",
    "ModuleNotFoundError: No module named 'yaml'",
]


@pytest.mark.parametrize("text, secret", MUST_MASK)
def test_every_form_is_masked(text, secret):
    out = redact(text)
    assert secret not in out, out
    assert "***" in out


@pytest.mark.parametrize("text", MUST_KEEP)
def test_placeholders_and_ordinary_words_are_kept(text):
    assert redact(text) == text


@pytest.mark.parametrize("argv, expected", [
    (["./d.sh", "--password", "hunter3"], ["./d.sh", "--password", "***"]),
    (["curl", "-u", "admin:pw4", "https://x"], ["curl", "-u", "admin:***", "https://x"]),
    (["curl", "-H", "X-Auth-Key: abc123", "https://x"], ["curl", "-H", "X-Auth-Key: ***", "https://x"]),
    (["mysql", "-uroot", "-phunter2", "shop"], ["mysql", "-uroot", "-p***", "shop"]),
    (["ssh", "-p", "2222", "host"], ["ssh", "-p", "2222", "host"]),  # -p is a port outside the MySQL family
    (["tool", "--password", "${PW}"], ["tool", "--password", "${PW}"]),
    (["env", "GITHUB_TOKEN=abc123def", "make"], ["env", "GITHUB_TOKEN=***", "make"]),
])
def test_a_command_line_is_masked_with_the_context_of_the_previous_argument(argv, expected):
    assert redact_argv(argv) == expected


def test_redact_json_reaches_every_string_and_command_line():
    obj = {"command": ["./x", "--token", "t0ken-value"], "attempts": [{"fix": {"description": "DB_PASSWORD=pw123"}}],
           "n": 3}
    out = json.dumps(redact_json(obj))
    assert "t0ken-value" not in out and "pw123" not in out and '"n": 3' in out


# --- a real heal run: nothing under HEAL_HOME, nothing in the report ----------------------------------

_ALNUM = string.ascii_letters + string.digits
# Each form: a function from a random secret to the arguments that carry it.
FORMS = {
    "aws": lambda s: [f"AWS_SECRET_ACCESS_KEY={s}"],
    "db_password": lambda s: [f"DB_PASSWORD={s}"],
    "github_token_env": lambda s: [f"GITHUB_TOKEN={s}"],
    "secret_key": lambda s: [f"SECRET_KEY={s}"],
    "client_secret": lambda s: [f"client_secret={s}"],
    "json": lambda s: [json.dumps({"password": s})],
    "curl_user": lambda s: ["-u", f"admin:{s}"],
    "password_arg": lambda s: ["--password", s],
    "password_eq": lambda s: [f"--password={s}"],
    "token_arg": lambda s: ["--token", s],
    "mysql": lambda s: [f"mysql -uroot -p{s}"],
    "glpat": lambda s: [f"glpat-{s}"],
    "openai": lambda s: [f"sk-proj-{s}"],
    "key_block": lambda s: [f"-----BEGIN RSA PRIVATE KEY-----\n{s}\n"],
    "cookie": lambda s: [f"Cookie: session={s}"],
    "set_cookie": lambda s: [f"Set-Cookie: id={s}; Path=/"],
    "github": lambda s: [f"ghp_{s}"],
    "slack": lambda s: [f"xoxb-{s}"],
    "stripe": lambda s: [f"sk_live_{s}"],
    "npm": lambda s: [f"npm_{s}"],
    "pypi": lambda s: [f"pypi-{s}{s}"],
    "url": lambda s: [f"https://user:{s}@example.com/x"],
    "bearer": lambda s: ["-H", f"Authorization: Bearer {s}"],
    "api_key_header": lambda s: [f"x-api-key: {s}"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=st.sampled_from(sorted(FORMS)), secret=st.text(_ALNUM, min_size=36, max_size=48))
def test_random_secrets_never_reach_heal_home_or_the_report(form, secret):
    # a string no id, hash or timestamp heal writes could contain by chance
    assume(all(any(c in "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ" for c in p) for p in (secret[:12], secret[-12:])))
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "project")
        home = os.path.join(tmp, "heal-home")
        os.mkdir(project)
        script = os.path.join(project, "script.sh")
        with open(script, "w") as fh:
            fh.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o644)  # heal's chmod fix is journaled: the command line goes into the change set
        env = {**os.environ, "HEAL_HOME": home, "XDG_CONFIG_HOME": os.path.join(tmp, "xdg")}
        report = os.path.join(tmp, "r.json")
        r = subprocess.run([*heal_argv(), "--yes", "--report", report, "--", "./script.sh", *FORMS[form](secret)],
                           cwd=project, env=env, capture_output=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert os.listdir(os.path.join(home, "journal"))  # the fix was journaled: there is something to grep
        files = [report] + [os.path.join(d, f) for d, _, fs in os.walk(home) for f in fs]
        probes = (secret[:12].encode(), secret[-12:].encode())  # its head or its tail would leak it
        leaked = [f for f in files if any(p in open(f, "rb").read() for p in probes)]
        assert leaked == []


def test_f6_reproduction_nothing_persisted_or_reported_holds_a_secret(heal, heal_env, project, tmp_path):
    script = os.path.join(project, "d.sh")
    with open(script, "w") as fh:
        fh.write("#!/bin/sh\nexit 0\n")
    os.chmod(script, 0o644)
    secrets = ["wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", "hunter2hunter2", "hunter3hunter3", "pw4pw4pw4",
               "django-insecure-777777", "abcdefghijklmnopqrst", "ghpAuthHeaderValue99"]
    report = tmp_path / "r.json"
    r = heal("--yes", "--report", str(report), "--", "./d.sh", f"AWS_SECRET_ACCESS_KEY={secrets[0]}",
             f"DB_PASSWORD={secrets[1]}", "--password", secrets[2], "-u", f"admin:{secrets[3]}",
             f"SECRET_KEY={secrets[4]}", f"glpat-{secrets[5]}", "-H", f"Authorization: Bearer {secrets[6]}")
    assert r.returncode == 0, r.stderr
    files = [str(report)] + [os.path.join(d, f) for d, _, fs in os.walk(heal_env["HEAL_HOME"]) for f in fs]
    assert any("meta.json" in f for f in files)
    for f in files:
        data = open(f, "rb").read()
        assert not [s for s in secrets if s.encode() in data], f
    assert json.loads(report.read_text())["command"][:4] == ["./d.sh", "AWS_SECRET_ACCESS_KEY=***", "DB_PASSWORD=***",
                                                             "--password"]
