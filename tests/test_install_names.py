"""Planning an install without importing packaging for a bare name must decide exactly as packaging would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from heal.declared.model import canon
from heal.fixes.install import _BARE_NAME

names = st.text(alphabet="abcXYZ019._- [],;=<>!~@:/", min_size=1, max_size=16) | st.from_regex(
    r"[A-Za-z0-9][A-Za-z0-9._-]{0,10}[A-Za-z0-9]", fullmatch=True)


@settings(max_examples=500, deadline=None)
@given(names)
def test_canonical_name_is_packagings(name):
    assert canon(name) == canonicalize_name(name)


@settings(max_examples=500, deadline=None)
@given(names)
def test_a_bare_name_is_a_requirement_packaging_accepts(name):
    # the shortcut is sound: what it lets through, packaging accepts as exactly that name (anything else is
    # still given to packaging, so the two decide alike)
    if _BARE_NAME.match(name):
        assert Requirement(name).name == name
        assert not Requirement(name).extras and not str(Requirement(name).specifier)
