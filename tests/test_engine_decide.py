"""The engine's decision table: what happens to a candidate fix, given the run's mode. A pure function, so
every row is checked without a terminal or a subprocess."""

from __future__ import annotations

import pytest

from heal.engine import APPLY, ASK, CHOICES, CHOOSE, DRY_RUN, NEEDS_TERMINAL, NEEDS_YES, SUGGEST, decide
from heal.fixes.model import Fix

PLAIN = Fix("chmod", "make run.sh executable")
ASKED = Fix("run", "rebase onto the remote", ask=True)  # rewrites history: asked even with --yes
CHOICE = Fix("install", "cv2 is provided by a or b: which one?", choices=("a", "b"))
SUGGESTION = Fix("suggest", "install it yourself")
RETRY = Fix("retry", "run it again in 1.0s", wait=1.0, repeat=True)


@pytest.mark.parametrize("fix, yes, dry_run, interactive, approved, expected", [
    # a suggestion is only shown, whatever the mode
    (SUGGESTION, True, False, True, False, SUGGEST),
    (SUGGESTION, False, True, False, False, SUGGEST),
    # a dry run shows what would be done, and changes nothing
    (PLAIN, True, True, True, False, DRY_RUN),
    (CHOICE, True, True, True, False, DRY_RUN),
    # --yes applies; without it a terminal asks and no terminal only suggests
    (PLAIN, True, False, False, False, APPLY),
    (PLAIN, True, False, True, False, APPLY),
    (PLAIN, False, False, True, False, ASK),
    (PLAIN, False, False, False, False, NEEDS_YES),
    # a fix that rewrites history is asked even with --yes, and without a terminal it is only suggested
    (ASKED, True, False, True, False, ASK),
    (ASKED, True, False, False, False, NEEDS_TERMINAL),
    # ... and without --yes too: "run with --yes" would be wrong advice for it
    (ASKED, False, False, False, False, NEEDS_TERMINAL),
    # an ambiguous name is the user's choice: a menu on a terminal, never a guess (not even with --yes)
    (CHOICE, True, False, True, False, CHOOSE),
    (CHOICE, True, False, False, False, CHOICES),
    (CHOICE, False, False, False, False, CHOICES),
    # a retry series is asked about once: the next retries of an approved series are applied
    (RETRY, False, False, True, False, ASK),
    (RETRY, False, False, True, True, APPLY),
    (RETRY, False, False, False, False, NEEDS_YES),
])
def test_decision_table(fix, yes, dry_run, interactive, approved, expected):
    assert decide(fix, yes=yes, dry_run=dry_run, interactive=interactive, approved=approved) == expected
