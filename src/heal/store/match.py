"""How two failures' evidence is compared. The evidence is already normalised by the diagnosis (paths,
numbers, ids, hashes, times masked: heal.diagnose.signature.normalise); what is left to tolerate is
wording (another version of the tool, a message with one more clause) and the odd value normalisation
missed (a temp directory's random name).

The scorer and the cutoff were chosen on the pair table in tests/store_pairs.py (real outputs from
fixtures/outputs/ and tools run twice); README "What heal learns" has its precision and recall.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

MAX_COMPARE = 1000  # characters compared: enough for any error's key lines; bounds the cost per candidate

# Indel similarity of the whole text: a different message or a different name moves it a lot; a few
# words of wording move it a little. Token-set scorers were worse on the table (one shared error line
# made unrelated failures "identical").
SCORER = fuzz.ratio

_SPACE = re.compile(r"\s+")


def prepare(fingerprint: str) -> str:
    """The text compared: lower case, runs of whitespace as one space, at most MAX_COMPARE characters."""
    return _SPACE.sub(" ", fingerprint[: MAX_COMPARE * 2]).strip().lower()[:MAX_COMPARE]


def similarity(a: str, b: str) -> float:
    """0..1: how alike two fingerprints read."""
    return SCORER(prepare(a), prepare(b), processor=None) / 100
