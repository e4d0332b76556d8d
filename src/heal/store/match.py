"""How two failures' evidence is compared. The evidence is already normalised by the diagnosis (paths,
numbers, ids, hashes, times masked: heal.diagnose.signature.normalise); what is left to tolerate is
wording (another version of the tool, a message with one more clause) and the odd value normalisation
missed (a temp directory's random name).

The scorer and the cutoff were chosen on the pair table in tests/store_pairs.py (real outputs from
fixtures/outputs/ and tools run twice); README "What heal learns" has its precision and recall. Indel
similarity of the whole text (rapidfuzz's fuzz.ratio): a different message or a different name moves it a
lot, a few words of wording little. token_sort_ratio at 0.87 did as well as this at 0.88, no better;
token_set_ratio, partial_ratio and WRatio were worse everywhere (one shared line made unrelated failures
"identical").
"""

from __future__ import annotations

from _collections_abc import Callable  # collections.abc's, without importing collections

from heal.store.model import comparable


def scorer() -> Callable[..., float]:
    from rapidfuzz import fuzz  # only a lookup pays for it

    return fuzz.ratio


def similarity(a: str, b: str) -> float:
    """0..1: how alike two fingerprints read."""
    return scorer()(comparable(a), comparable(b), processor=None) / 100
