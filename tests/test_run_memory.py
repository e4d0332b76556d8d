"""Capture is bounded: 200 MB through heal with a small, flat peak RSS, and the right head and tail."""

from __future__ import annotations

import os
import sys

from conftest import heal_argv

MB = 1 << 20


# Linux carries the old address space's RSS high-water mark into ru_maxrss at exec, and a posix_spawn (vfork)
# child's old address space is its parent's: spawned from this pytest process, which other tests have grown,
# heal would report pytest's peak. So heal is spawned from a fresh `python -S` (as benchmarks/bench_run.py does).
MEASURER = """\
import os, sys
null = os.open(os.devnull, os.O_WRONLY)
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def test_200mb_of_output_keeps_heal_under_60mb(heal_env, project):
    # The child writes 200 MB; heal relays it to /dev/null. wait4 gives heal's own peak RSS.
    import subprocess

    writer = "import os\nb = os.urandom(1 << 20)\nfor _ in range(200): os.write(1, b)\n"
    argv = [*heal_argv(), "--no-pty", "--", sys.executable, "-c", writer]
    out = subprocess.run([sys.executable, "-S", "-c", MEASURER, *argv], env=dict(heal_env), capture_output=True,
                         text=True, check=True).stdout
    maxrss, code = (int(x) for x in out.split())
    assert code == 0
    peak_mb = maxrss / 1024
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
