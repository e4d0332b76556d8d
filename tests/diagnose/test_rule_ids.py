"""The set of rule ids is frozen by a checked-in snapshot (rule_ids.txt beside this file).

Rule ids are hashed into diagnosis signatures (heal.diagnose.signature), and learned patterns are stored
under signatures; playbooks name rules by id too. Renaming or removing a rule therefore silently orphans
what heal learned about it, so it must be a deliberate change. Update the snapshot on purpose with
`python tests/diagnose/test_rule_ids.py --update`, and say in the commit why the id changed.
"""

from __future__ import annotations

import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT = os.path.join(HERE, "rule_ids.txt")
HEADER = """\
# Every rule id diagnosis can report (pattern rules, and the ids function rules give their findings;
# `*` is a part built at run time, e.g. python.* = python.<ExceptionName>).
# Rule ids are hashed into signatures, which learned patterns are stored under: renaming a rule orphans
# them. Change this file only on purpose: python tests/diagnose/test_rule_ids.py --update
"""

if __package__ in (None, ""):  # run as a script to update the snapshot
    sys.path.insert(0, os.path.dirname(HERE))
    from diagnose.ruleids import all_rule_ids, pattern_rule_ids
else:
    from .ruleids import all_rule_ids, pattern_rule_ids


def read_snapshot() -> list[str]:
    with open(SNAPSHOT, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


def test_rule_ids_match_the_snapshot():
    current, frozen = all_rule_ids(), read_snapshot()
    added = sorted(set(current) - set(frozen))
    removed = sorted(set(frozen) - set(current))
    assert not added and not removed, (
        "the rule ids changed.\n"
        f"  no longer reported (renamed or removed): {removed}\n"
        f"  new: {added}\n"
        "Rule ids are hashed into diagnosis signatures, and learned patterns are stored under those signatures:\n"
        "renaming a rule orphans everything heal learned about it, and playbooks naming the old id stop matching.\n"
        "If this is deliberate, update the snapshot on purpose: python tests/diagnose/test_rule_ids.py --update")


def test_snapshot_is_sorted_and_unique():
    frozen = read_snapshot()
    assert frozen == sorted(set(frozen)), "rule_ids.txt must be sorted, one id per line"


def test_pattern_rule_ids_are_unique():
    dupes = [i for i, n in collections.Counter(pattern_rule_ids()).items() if n > 1]
    assert not dupes, f"two pattern rules share an id: {dupes}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    with open(SNAPSHOT, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "".join(f"{i}\n" for i in all_rule_ids()))
    print(f"wrote {len(all_rule_ids())} rule ids to {SNAPSHOT}")
