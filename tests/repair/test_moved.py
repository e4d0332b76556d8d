"""heal.repair.moved: each removed standard-library API rewritten, conservatively, with its import."""

from __future__ import annotations

import pytest

from heal.repair.model import OK, REPAIRED
from heal.repair.moved import api_for, fix_moved_api, mentions_moved_api

CASES = [
    ("collections.Mapping", b"from collections import Mapping\n", b"from collections.abc import Mapping\n"),
    ("collections.Mapping", b"import collections\nisinstance(x, collections.Mapping)\n",
     b"import collections\nimport collections.abc\nisinstance(x, collections.abc.Mapping)\n"),
    ("inspect.getargspec", b"import inspect\nspec = inspect.getargspec(f)\nprint(spec.args)\n",
     b"import inspect\nspec = inspect.getfullargspec(f)\nprint(spec.args)\n"),
    ("time.clock", b"import time\nt = time.clock()\n", b"import time\nt = time.perf_counter()\n"),
    ("time.clock", b"from time import clock\nclock()\n", b"from time import perf_counter as clock\nclock()\n"),
    ("base64.encodestring", b"import base64\nbase64.encodestring(b'x')\n",
     b"import base64\nbase64.encodebytes(b'x')\n"),
    ("base64.decodestring", b"import base64 as b\nb.decodestring(s)\n", b"import base64 as b\nb.decodebytes(s)\n"),
    ("cgi.escape", b"import cgi\ns = cgi.escape(x)\n", b"import html\ns = html.escape(x, quote=False)\n"),
    ("cgi.escape", b"import cgi\ns = cgi.escape(x, True)\n", b"import html\ns = html.escape(x, quote=True)\n"),
    ("asyncio.async", b"import asyncio\nasyncio.async(coro())\n", b"import asyncio\nasyncio.ensure_future(coro())\n"),
    ("imp.reload", b"import imp\nimp.reload(m)\n", b"import importlib\nimportlib.reload(m)\n"),
    ("unittest.assertEquals",
     b"import unittest\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEquals(1, 1)\n",
     b"import unittest\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEqual(1, 1)\n"),
    ("logging.warn", b"import logging\nlogging.warn('x')\n", b"import logging\nlogging.warning('x')\n"),
]


@pytest.mark.parametrize("api, before, after", CASES)
def test_rewrite(api, before, after):
    r = fix_moved_api(before, apis=[api])
    assert r.status == REPAIRED and r.new == after, r.new
    assert r.edits
    again = fix_moved_api(r.new, apis=[api])
    assert again.status == OK  # idempotent


@pytest.mark.parametrize("api, before, after", CASES)
def test_only_the_named_api(api, before, after):
    other = "time.clock" if api != "time.clock" else "logging.warn"
    assert fix_moved_api(before, apis=[other]).status == OK


def test_getargspec_unpacked_is_left_with_a_note():
    r = fix_moved_api(b"import inspect\na, b, c, d = inspect.getargspec(f)\n", apis=["inspect.getargspec"])
    assert r.status == OK and r.new is None and "by hand" in r.notes[0]


def test_from_cgi_import_escape_is_a_note():
    r = fix_moved_api(b"from cgi import escape\nescape(s)\n", apis=["cgi.escape"])
    assert r.status == OK and "quote=False" in r.notes[0]


def test_distutils_is_only_a_suggestion():
    src = b"from distutils.core import setup\nsetup()\n"
    r = fix_moved_api(src, removed_in=(3, 12))
    assert r.status == OK and r.new is None and "setuptools" in r.notes[0]
    assert fix_moved_api(src, removed_in=(3, 11)).notes == ()


def test_removed_in_picks_what_that_python_lacks():
    src = b"import time, logging\ntime.clock()\nlogging.warn('x')\n"
    r = fix_moved_api(src, removed_in=(3, 11))
    assert r.new == b"import time, logging\ntime.perf_counter()\nlogging.warn('x')\n"
    r = fix_moved_api(src, removed_in=(3, 13))
    assert r.new == b"import time, logging\ntime.perf_counter()\nlogging.warning('x')\n"


def test_a_local_name_that_shadows_is_not_touched():
    src = b"class clock:\n    pass\nclock()\nx.clock()\n"
    assert fix_moved_api(src, apis=["time.clock"]).status == OK


def test_api_for_a_diagnosis():
    assert api_for("collections", "Mapping") == "collections.Mapping"
    assert api_for("time", "clock") == "time.clock"
    assert api_for("os", "path") is None


def test_mentions_is_the_cheap_filter():
    assert not mentions_moved_api(b"import os\nprint(os.getcwd())\n")
    assert mentions_moved_api(b"import time\ntime.clock()\n")
    assert not mentions_moved_api(b'x = "time.clock"  # time.clock is gone\n')
