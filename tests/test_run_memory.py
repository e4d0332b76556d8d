"""Capture is bounded: 200 MB through heal with a small, flat peak RSS, and the right head and tail."""

from __future__ import annotations

import subprocess
import sys

from conftest import heal_argv

MB = 1 << 20


# Linux carries the old address space's RSS high-water mark into ru_maxrss at exec, and a posix_spawn
# (vfork) child's old address space is its parent's: spawned from pytest, heal would report pytest's peak
# (134 MB after test_run_streams). So heal is started from a fresh `python -S`, whose own peak is a few MB,
# and its stdout is a pipe that parent drains, so heal really relays all of it.
MEASURER = """\
import os, sys
r, w = os.pipe()
acts = [(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=acts)
os.close(w)
n = 0
while True:
    data = os.read(r, 1 << 16)
    if not data:
        break
    n += len(data)
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status), n)
"""


def test_200mb_of_output_keeps_heal_under_60mb(heal_env, project):
    writer = "import os\nb = os.urandom(1 << 20)\nfor _ in range(200): os.write(1, b)\n"
    argv = [*heal_argv(), "--no-pty", "--", sys.executable, "-c", writer]
    r = subprocess.run([sys.executable, "-S", "-c", MEASURER, *argv], cwd=project, env=heal_env,
                       stdout=subprocess.PIPE, timeout=300)
    rss_kb, code, relayed = (int(x) for x in r.stdout.split())
    assert (code, relayed) == (0, 200 * MB)
    peak_mb = rss_kb / 1024
    assert peak_mb < 60, f"peak RSS {peak_mb:.1f} MB"


def test_capture_keeps_head_and_tail_of_a_long_output():
    from heal.run import RunSpec, run

    code = "import sys\nfor i in range(200000): print(f'line {i:06d}')\nprint('the end', file=sys.stderr)\n"
    result = run(RunSpec(argv=(sys.executable, "-c", code), passthrough=False, head_bytes=1000, tail_bytes=5000))
    assert result.exit_code == 0
    assert result.head.startswith(b"line 000000\nline 000001\n")
    assert len(result.head) == 1000
    assert result.tail.endswith(b"line 199999\nthe end\n")
    assert len(result.tail) == 5000
    assert result.dropped == 200000 * 12 + len(b"the end\n") - 6000
    assert b"bytes not kept" in result.output
