"""The pattern store: what heal learned (its own fixes' outcomes), was taught (`heal learn`), observed
(an agent's commands between a failure and its success) or imported (a team's exported patterns), and
every heal run's outcome. SQLite in the state directory; fuzzy lookup with rapidfuzz.

    from heal.store import Failure, Store, StoreUnavailable
    try:
        with Store(cutoff=cfg["learn.cutoff"]) as store:
            for c in store.lookup(Failure.of(diagnosis)):   # exact signature first, then similar evidence
                ...                                          # c.fix is what to re-plan; its source "learned:<id>"
    except StoreUnavailable as exc:
        warn(str(exc))                                       # one line; heal goes on without learning

Nothing here is imported by the success path of `heal -- CMD`; SQLite loads with heal.store.db (the C module
_sqlite3, without the sqlite3 package's datetime), and only where a store exists or is written; rapidfuzz
only when a lookup compares evidence.

- model.py    values (Failure, Pattern, PatternFix, Candidate) and pure rules: wilson(), content_hash(),
              is_approved(), refusal()
- schema.py   the schema and its migrations (PRAGMA user_version)
- db.py       Store: connection, lookup, learning, outcomes, prune, approve
- match.py    how evidence is compared (scorer, preparation)
- metrics.py  `heal patterns metrics`
- files.py    export/import files
- learn.py    learn(store, attempts, ...): the engine's seam
"""

import sys

# Re-exported lazily: heal.store.memory (on every failure heal knows) and heal.store.location must not load
# sqlite3 through this package before a store exists.
_EXPORTS = {
    "BadPattern": "heal.store.db", "Store": "heal.store.db", "StoreUnavailable": "heal.store.db",
    "store_path": "heal.store.location",
    **dict.fromkeys(("Candidate", "Failure", "Pattern", "PatternFix", "content_hash", "is_approved", "refusal",
                     "wilson"), "heal.store.model"),
}
__all__ = sorted([*_EXPORTS, "learn"])


def learn(*args: object, **kwargs: object) -> object:
    """heal.store.learn.learn (a function here: importing the submodule would put the module in its place)."""
    from heal.store.learn import learn as _learn

    return _learn(*args, **kwargs)  # type: ignore[arg-type]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'heal.store' has no attribute {name!r}")
    __import__(module)  # not importlib.import_module: importlib (and warnings with it) is 0.4 ms of a failure
    return getattr(sys.modules[module], name)
