"""The pattern store: one SQLite file in heal's state directory, shared by every heal process.

WAL mode (readers never wait for a writer), a busy timeout and write transactions taken with BEGIN
IMMEDIATE (a deferred one that reads first can fail at once with "database is locked" when it upgrades
to a writer: the busy handler is not called then), synchronous=NORMAL (in WAL mode a power cut may lose
the last commits, never corrupt the file: right for statistics). Every public method raises only
StoreUnavailable for the store's own trouble (corrupt file, a newer schema, a disk error, a lock held
longer than the timeout) and BadPattern for invalid input from its caller.
"""

from __future__ import annotations

import os
import time
from _collections_abc import Callable, Iterable, Sequence  # collections.abc's, without importing collections
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (2 ms of every failure)

try:
    # CPython's C module itself: the sqlite3 package around it adds only the DB-API shell (sqlite3.dbapi2),
    # which imports datetime to register date adapters and converters the store never uses (it stores floats
    # and text, with no detect_types): ~2 ms of every failure heal records. The exceptions and the Connection
    # type are the same objects, so code that imports sqlite3 (tests, `heal patterns`) catches what this raises.
    import _sqlite3 as sqlite3

    sqlite3.connect, sqlite3.Connection, sqlite3.Error, sqlite3.OperationalError  # all this module uses
except (ImportError, AttributeError):  # pragma: no cover - a Python whose C module has another shape
    import sqlite3  # type: ignore[no-redef]

from heal.cjson import loads
from heal.memo import memo
from heal.store.location import DEFAULT_CUTOFF, blake2b, store_path
from heal.store.model import Candidate, Failure, Pattern, PatternFix, comparable, content_hash, wilson

if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

BUSY_SECONDS = 10.0  # eight processes each committing a row wait milliseconds; a stuck writer gets this long
MAX_FUZZY = 50  # fuzzy hits read back from the database: the best few are all a caller shows
MAX_TEXT = 4000  # characters of evidence or summary stored
SKIP_AFTER = 2  # failures of a playbook step for one signature (more than its successes) before it is skipped
SKIP_DAYS = 30  # ... for this long after its last failure there
# schema.VERSION: opening a current store does not import the migrations (tests/test_store_migrate.py checks
# that the two agree)
SCHEMA_VERSION = 2
WAL_PAGES = 100  # pages in the write-ahead log before a commit checkpoints it, and closing restarts it
WAL_RESTART_WAIT_MS = 200  # how long closing waits for other connections to let it restart the WAL
COLUMNS = ("id, signature, fingerprint, category, fix, source, tool, ecosystem, key, summary, successes, failures, "
           "created, first_used, last_used, approved_hash")


class StoreUnavailable(Exception):
    """The store cannot be used (unreadable, corrupt, from a newer heal, locked too long). str() is one
    line; heal says it and goes on without learning."""


class BadPattern(ValueError):
    """Invalid input from the caller (an empty command to teach, an unknown pattern id); str() is one line."""


def _redact(text: str) -> str:
    # heal.redact, the one redaction module, imported on the write paths only: listing needs no regexes
    from heal.redact import redact

    return redact(text)


def _redact_argv(argv: tuple[str, ...]) -> tuple[str, ...]:
    from heal.redact import redact_argv  # knows `--password X` has its secret in the next element

    return tuple(redact_argv(argv))


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Whatever goes wrong inside the store reaches the caller as StoreUnavailable, one line."""

    def wrapper(self: Store, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (StoreUnavailable, BadPattern):
            raise
        except Exception as exc:
            raise _unavailable(self.path, exc) from None

    # functools.wraps's names, without functools (heal.memo says why)
    wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = method.__name__, method.__qualname__, method.__doc__
    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    return wrapper


def _unavailable(path: str, exc: Exception) -> StoreUnavailable:
    if isinstance(exc, sqlite3.Error):
        return StoreUnavailable(f"pattern store {path}: {exc}")
    if isinstance(exc, OSError):
        return StoreUnavailable(f"pattern store {path}: {exc.strerror or exc}")
    # a damaged row (bad JSON), or a bug: still never a traceback in a heal run
    return StoreUnavailable(f"pattern store {path}: {type(exc).__name__}: {exc}")


def _to_wal(db: sqlite3.Connection) -> None:
    """Switch a new store to WAL. The switch needs the file to itself, and SQLite answers "database is locked"
    at once, without its busy handler, while another process opens the new file too (eight heals that fail
    together on a fresh machine): retried for as long as the busy timeout."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _read_only(path: str) -> sqlite3.Connection | None:
    """A read-only connection to the store, holding its shared lock, or None. Opened before the store's own
    connection closes and closed after it, it keeps the WAL where SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE is out of
    reach (Python < 3.12): a connection that is not the last one open does not checkpoint when it closes, and a
    read-only one, closing last, cannot. SQLite then leaves the WAL and its index as they are, as after a
    crash: the next connection reads them, nothing is lost."""
    uri = "file:" + os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    keeper = None
    try:
        keeper = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
        keeper.execute("PRAGMA user_version").fetchone()  # a read: in WAL mode its shared lock stays until close
        return keeper
    except sqlite3.Error:  # then the store's own close checkpoints, as it always did
        if keeper is not None:
            keeper.close()
        return None


class Store:
    """`with Store() as store: store.lookup(Failure.of(diagnosis))`. Opening creates or migrates the file."""

    def __init__(self, path: str | None = None, *, cutoff: float = DEFAULT_CUTOFF) -> None:
        self.path = path or store_path()
        self.cutoff = min(1.0, max(0.0, float(cutoff)))
        self._db: sqlite3.Connection | None = None
        self._gates: dict[tuple[str, str, str], tuple[int, list[int], list[str]]] = {}
        self._salt: bytes | None = None
        self._keep_wal = False  # close() keeps the WAL without SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (_read_only)
        self._writing = False  # in a write transaction (BEGIN IMMEDIATE): _write() nests in transaction()
        self._open()

    # --- connection --------------------------------------------------------------------------------

    @_guarded
    def _open(self) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory):
            os.makedirs(directory, exist_ok=True)
        # timeout= is SQLite's busy timeout (sqlite3_busy_timeout): no PRAGMA busy_timeout needed as well
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        self._db = db
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # a garbage file fails here
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(f"pattern store {self.path} is from a newer heal (schema v{version}; this "
                                       f"heal knows v{SCHEMA_VERSION})")
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                _to_wal(db)  # persistent: once per file
            db.execute("PRAGMA synchronous = NORMAL")
            # A short WAL: whoever opens the store first after everyone closed it rebuilds the WAL index by
            # reading the whole log (a 1000-page log cost 1.5 ms per heal run, 200 pages 0.6 ms, 50 0.25 ms);
            # a checkpoint (once every WAL_PAGES / 2 runs) fsyncs twice. A big import's log shrinks back after.
            db.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
            db.execute(f"PRAGMA journal_size_limit = {WAL_PAGES * 4096}")
            # The last connection to close would checkpoint, fsync and delete the WAL, and the next heal run
            # would create it again (and fsync its header on its first commit): 1-2 ms of a heal run on an idle
            # ext4 disk, ~20 ms on a busy one, against 0.3 ms without. Checkpoints still happen, on commit,
            # once the WAL passes WAL_PAGES. Python >= 3.12 says so to SQLite; before, close() does the same.
            no_checkpoint = getattr(sqlite3, "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE", None)
            if no_checkpoint is not None:
                db.setconfig(no_checkpoint, True)
            self._keep_wal = no_checkpoint is None
            if version < SCHEMA_VERSION:
                from heal.store import schema

                with self._write():  # migrate() reads the version again inside the lock: another heal may have migrated
                    schema.migrate(db, SCHEMA_VERSION)
        except BaseException:
            db.close()
            self._db = None
            raise

    def close(self) -> None:
        if self._db is not None:
            self._restart_long_wal()
            keeper = _read_only(self.path) if self._keep_wal else None
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None
            if keeper is not None:
                try:
                    keeper.close()
                except sqlite3.Error:
                    pass

    def _restart_long_wal(self) -> None:
        """Checkpoint a WAL longer than WAL_PAGES and truncate it. The commit's own checkpoint does not do it
        when each heal run has a connection of its own: the first one to open the store rebuilds the WAL index,
        which forgets what was checkpointed, so the WAL would never restart, grow with every run, and be
        checkpointed again, whole, by every later commit. Rarely: about once every WAL_PAGES / 2 runs."""
        try:
            if os.path.getsize(self.path + "-wal") <= WAL_PAGES * 4096:
                return
        except OSError:
            return
        db = self._db
        assert db is not None
        try:
            # a short wait: a busy store (another writer, a reader of an older snapshot) is left to a later run
            db.execute(f"PRAGMA busy_timeout = {WAL_RESTART_WAIT_MS}")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error:
            pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreUnavailable(f"pattern store {self.path} is closed")
        return self._db

    def _begin(self) -> bool:
        """BEGIN IMMEDIATE, unless inside transaction(); whether this call began one."""
        if self._writing:
            return False
        self.db.execute("BEGIN IMMEDIATE")
        self._writing = True
        return True

    def _end(self, commit: bool) -> None:
        self._writing = False
        self.db.execute("COMMIT" if commit else "ROLLBACK")
        if commit:
            self._gates.clear()  # this connection's own commits do not move its data_version

    def _write(self) -> _Writing:
        """`with self._write() as db:` the statements inside are this store's write: a transaction of their
        own, or part of the one transaction() began."""
        return _Writing(self)

    def transaction(self) -> _Transaction:
        """`with store.transaction():` what the methods called inside write is one transaction, all or nothing
        (a heal run's outcome and its patterns' counts: one lock taken, one commit). Raises StoreUnavailable."""
        return _Transaction(self)

    # --- lookup --------------------------------------------------------------------------------------

    @_guarded
    def lookup(self, failure: Failure, *, limit: int = 5, cutoff: float | None = None) -> list[Candidate]:
        """Patterns for this failure, best first: those learned for its exact signature (by confidence), then
        those whose evidence reads alike (rapidfuzz similarity >= cutoff, same scope, category and key
        facts), by similarity x confidence. A fix that failed more often than it worked for this signature is
        left out, whichever pattern offers it; a fix is offered once."""
        cutoff = self.cutoff if cutoff is None else cutoff
        exact_rows = [self._pattern(r) for r in self.db.execute(
            f"SELECT {COLUMNS} FROM patterns WHERE signature = ?", (failure.signature,))]
        failed = {p.fix for p in exact_rows if p.failures > p.successes}
        seen: set[PatternFix] = set(failed)
        found: list[Candidate] = []
        for p in sorted(exact_rows, key=lambda p: (-p.confidence, p.id)):
            if p.fix not in seen and p.successes > 0:
                seen.add(p.fix)
                found.append(_candidate(p, 1.0, True))
        exact_ids = {p.id for p in exact_rows}
        fuzzy = [c for c in self._similar(failure, cutoff, exact_ids) if c.fix not in failed]
        fuzzy.sort(key=lambda c: (-c.score, -c.similarity, c.id))
        for c in fuzzy:
            if c.fix not in seen:
                seen.add(c.fix)
                found.append(c)
        return found[:limit]

    def _similar(self, failure: Failure, cutoff: float, exclude: set[int]) -> list[Candidate]:
        ids, texts = self._gate(failure.scope, failure.category, failure.key)
        if all(i in exclude for i in ids):
            return []  # nothing in the gate but the exact matches: no rapidfuzz to import (the same failure again)
        from rapidfuzz import process

        from heal.store.match import scorer

        hits = process.extract(comparable(failure.fingerprint), texts, scorer=scorer(), processor=None,
                               score_cutoff=cutoff * 100, limit=MAX_FUZZY)
        similarity = {ids[i]: score / 100 for _, score, i in hits if ids[i] not in exclude}
        if not similarity:
            return []
        marks = ",".join("?" * len(similarity))
        rows = self.db.execute(f"SELECT {COLUMNS} FROM patterns WHERE id IN ({marks}) AND successes > 0",
                               tuple(similarity))
        return [_candidate(p, similarity[p.id], False) for p in map(self._pattern, rows)]

    def _gate(self, scope: str, category: str, key: str) -> tuple[list[int], list[str]]:
        """The ids and compared evidence of the patterns a failure may fuzzily match, cached per process until
        anyone commits a change (PRAGMA data_version moves on another connection's commit)."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        gate = (scope, category, key)
        cached = self._gates.get(gate)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        rows = self.db.execute("SELECT id, compare FROM patterns WHERE scope = ? AND category = ? AND key = ?",
                               gate).fetchall()
        ids = [r[0] for r in rows]
        texts = [r[1] for r in rows]
        self._gates[gate] = (version, ids, texts)
        return ids, texts

    # --- learning ------------------------------------------------------------------------------------

    @_guarded
    def record_fix(self, failure: Failure, fix: PatternFix, healed: bool, *, when: float | None = None) -> int:
        """Count one outcome of heal's own fix (a playbook step) for this failure; returns the pattern's id."""
        if fix.kind != "playbook":
            raise BadPattern("record_fix takes playbook steps; a command is taught, an agent's commands observed")
        return self._upsert(failure, fix, "learned", int(healed), int(not healed), when)

    @_guarded
    def record_use(self, pattern_id: int, healed: bool, *, when: float | None = None) -> None:
        """Count one outcome of a stored pattern heal used (`learned:<id>`)."""
        now = time.time() if when is None else when
        with self._write() as db:
            db.execute("UPDATE patterns SET successes = successes + ?, failures = failures + ?, "
                       "first_used = coalesce(first_used, ?), last_used = ? WHERE id = ?",
                       (int(healed), int(not healed), now, now, pattern_id))

    @_guarded
    def teach(self, signature: str, evidence: str, category: str, tool: str, argv: Sequence[str], *,
              ecosystem: str = "", key: str = "", summary: str = "", cwd: str | None = None) -> Pattern:
        """Remember the user's own fix (`heal learn -- CMD`): the command that healed this failure. Teaching
        it again counts another success; teaching a command an import brought makes it the user's own."""
        argv = _checked_argv(argv, cwd)
        failure = Failure(signature, evidence, category, tool, ecosystem, key, summary)
        pid = self._upsert(failure, PatternFix.of_command(argv), "taught", 1, 0, None)
        return self._get(pid)  # type: ignore[return-value]

    @_guarded
    def observe(self, failure: Failure, commands: Sequence[Sequence[str]]) -> Pattern:
        """Remember what was run outside heal between this failure and the success that followed (an agent's
        commands, from its hooks): advice heal shows, never runs."""
        if not commands:
            raise BadPattern("no commands observed")
        fix = PatternFix.of_advice([list(_checked_argv(c, None)) for c in commands])
        pid = self._upsert(failure, fix, "observed", 1, 0, None)
        return self._get(pid)  # type: ignore[return-value]

    def _upsert(self, failure: Failure, fix: PatternFix, source: str, successes: int, failures: int,
                when: float | None) -> int:
        now = time.time() if when is None else when
        fix_text = _redact_fix(fix).canonical()
        fingerprint = _clip(_redact(failure.fingerprint))
        row = (failure.signature, fingerprint, comparable(fingerprint), failure.category, failure.tool,
               failure.ecosystem, failure.scope, failure.key, _clip(_redact(failure.summary)), fix_text, source,
               successes, failures, now, now, now)
        with self._write() as db:
            db.execute(
                "INSERT INTO patterns (signature, fingerprint, compare, category, tool, ecosystem, scope, key, "
                "summary, fix, source, successes, failures, created, first_used, last_used) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (signature, fix) DO UPDATE SET successes = successes + excluded.successes, "
                "failures = failures + excluded.failures, first_used = coalesce(first_used, excluded.first_used), "
                "last_used = excluded.last_used, "
                "source = CASE WHEN excluded.source = 'taught' THEN 'taught' ELSE source END", row)
            return db.execute("SELECT id FROM patterns WHERE signature = ? AND fix = ?",
                              (failure.signature, fix_text)).fetchone()[0]

    @_guarded
    def rank_fixes(self, signature: str, fixes: Sequence[PatternFix], *, now: float | None = None) -> list[PatternFix]:
        """The planner's playbook steps, in its order, reordered by what happened here: a step that failed more
        often than it worked for this signature moves after the others; one that keeps failing for it (at
        least SKIP_AFTER failures, more than its successes, the last within SKIP_DAYS) is dropped; among the
        rest, a step that failed in this environment (for any failure) moves after those that did not, by
        the mean of its Beta(1,1) posterior (unseen: 0.5). A step that was dropped comes back once its last
        failure here is SKIP_DAYS old (an outage ends), or when `heal patterns prune` removes its record."""
        if not fixes:
            return []
        now = time.time() if now is None else now
        texts = {f.canonical(): f for f in fixes}
        marks = ",".join("?" * len(texts))
        here: dict[str, tuple[int, int, float]] = {}
        overall: dict[str, list[int]] = {}
        for sig, fix, s, f, last in self.db.execute(
                f"SELECT signature, fix, successes, failures, last_used FROM patterns WHERE fix IN ({marks})",
                tuple(texts)):
            total = overall.setdefault(fix, [0, 0])
            total[0] += s
            total[1] += f
            if sig == signature:
                here[fix] = (s, f, last or 0.0)

        def failing(t: str) -> bool:
            return t in here and here[t][1] > here[t][0]

        kept = [t for t in texts if not (failing(t) and here[t][1] >= SKIP_AFTER
                                         and now - here[t][2] < SKIP_DAYS * 86400)]
        kept.sort(key=lambda t: (failing(t), -(overall.get(t, [0, 0])[0] + 1) / (sum(overall.get(t, [0, 0])) + 2)))
        return [texts[t] for t in kept]

    @_guarded
    def remember_choice(self, kind: str, key: str, value: str) -> None:
        """The user's answer to a question heal must not guess (which distribution provides `cv2`)."""
        with self._write() as db:
            db.execute("INSERT INTO choices (kind, key, value, time) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) "
                       "DO UPDATE SET value = excluded.value, time = excluded.time", (kind, key, value, time.time()))

    @_guarded
    def choice(self, kind: str, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM choices WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return row[0] if row else None

    # --- outcomes --------------------------------------------------------------------------------------

    @_guarded
    def record_outcome(self, *, started: float, duration: float, category: str, signature: str, healed: bool,
                       argv: Sequence[str], pattern_id: int | None = None) -> None:
        """One heal run that failed: when, how long until it ended (healed or not), what it was, which pattern
        healed it. The command line is kept only as a keyed hash: runs of one command group together, and
        the line cannot be recovered by hashing guesses without this store's salt."""
        with self._write() as db:
            digest = blake2b("\x00".join(argv).encode(errors="surrogateescape"), digest_size=16,
                                     key=self._salt_in(db)).hexdigest()
            db.execute("INSERT INTO outcomes (time, duration, category, signature, healed, pattern_id, "
                       "command_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (started, max(0.0, duration), category, signature, int(healed), pattern_id, digest))

    def _salt_in(self, db: sqlite3.Connection) -> bytes:
        if self._salt is None:
            row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
            if row is None:  # the store's first outcome (inside the write lock: one salt, whoever comes first)
                db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (os.urandom(16).hex(),))
                row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
            self._salt = bytes.fromhex(row[0])
        return self._salt

    @_guarded
    def metrics(self, *, now: float | None = None, weeks: int = 8, top: int = 5) -> dict[str, Any]:
        """The `heal patterns metrics --json` object (contract in DESIGN.md)."""
        from heal.store.metrics import compute

        return compute(self.db, time.time() if now is None else now, weeks, top)

    # --- management ----------------------------------------------------------------------------------

    @_guarded
    def patterns(self) -> list[Pattern]:
        return [self._pattern(r) for r in self.db.execute(f"SELECT {COLUMNS} FROM patterns ORDER BY id")]

    @_guarded
    def get(self, pattern_id: int) -> Pattern | None:
        return self._get(pattern_id)

    def _get(self, pattern_id: int) -> Pattern | None:
        row = self.db.execute(f"SELECT {COLUMNS} FROM patterns WHERE id = ?", (pattern_id,)).fetchone()
        return self._pattern(row) if row else None

    @_guarded
    def prune(self, *, older_than: float | None = None, min_confidence: float | None = None, unused: bool = False,
              dry_run: bool = False, now: float | None = None) -> list[Pattern]:
        """Remove the patterns that meet every criterion given: not used (or, never used, not recorded) for
        `older_than` seconds; confidence below `min_confidence`; never healed anything here. Returns them."""
        if older_than is None and min_confidence is None and not unused:
            raise BadPattern("nothing to prune by: give --older-than, --min-confidence or --unused")
        now = time.time() if now is None else now
        doomed = [p for p in self.patterns()
                  if (older_than is None or now - (p.last_used or p.created) > older_than)
                  and (min_confidence is None or p.confidence < min_confidence)
                  and (not unused or p.last_used is None or p.successes == 0)]
        if doomed and not dry_run:
            with self._write() as db:
                db.executemany("DELETE FROM patterns WHERE id = ?", [(p.id,) for p in doomed])
        return doomed

    @_guarded
    def add_imported(self, patterns: Iterable[Pattern]) -> tuple[list[Pattern], list[Pattern]]:
        """Insert patterns from elsewhere as `imported`, redacted, unapproved unless this exact content was
        approved before. Returns (imported, already known: same signature and fix)."""
        return self._insert_imported([_redacted(p) for p in patterns])

    @_guarded
    def import_dir(self, directory: str) -> tuple[list[Pattern], list[Pattern], list[str]]:
        """`heal patterns import DIR`: (imported, already known, one line per malformed file). Nothing from a
        malformed file is imported; the others are, as add_imported() does."""
        from heal.store.files import FileError, playbook_steps, read_dir

        good: list[Pattern] = []
        errors: list[str] = []
        for item in read_dir(directory, playbook_steps()):  # read and redacted, before the write lock
            if isinstance(item, FileError):
                errors.append(str(item))
            else:
                good.append(item)
        added, known = self._insert_imported(good)
        return added, known, errors

    def _insert_imported(self, redacted: list[Pattern]) -> tuple[list[Pattern], list[Pattern]]:
        now = time.time()
        added: list[Pattern] = []
        known: list[Pattern] = []
        rows = []
        if not redacted:
            return added, known
        # a big import's index pages stay in memory instead of spilling into the WAL mid-transaction
        self.db.execute("PRAGMA cache_size = -65536")
        with self._write() as db:
            approved = {h for (h,) in db.execute("SELECT hash FROM approvals")}
            signatures = {p.signature for p in redacted}
            present = {(sig, fix) for sig, fix in db.execute("SELECT signature, fix FROM patterns")
                       if sig in signatures}
            for p in redacted:
                fix_text = _canonical(p.fix)
                if (p.signature, fix_text) in present:
                    known.append(p)
                    continue
                present.add((p.signature, fix_text))
                h = content_hash(p) if approved else ""
                rows.append((p.signature, p.fingerprint, comparable(p.fingerprint), p.category, p.tool, p.ecosystem,
                             p.scope, p.key, p.summary, fix_text, p.successes, p.failures, now,
                             h if h in approved else ""))
                added.append(p)
            db.executemany(
                "INSERT INTO patterns (signature, fingerprint, compare, category, tool, ecosystem, scope, key, "
                "summary, fix, source, successes, failures, created, first_used, last_used, approved_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?, ?, NULL, NULL, ?)", rows)
        return added, known

    @_guarded
    def approve(self, ids: Sequence[int] | None = None) -> list[Pattern]:
        """Approve imported patterns (all of them when ids is None): their current content, by hash. Returns
        the ones newly approved; an unknown id is BadPattern."""
        targets = self.patterns() if ids is None else [self._get(i) for i in ids]
        missing = [str(i) for i, p in zip(ids or (), targets) if p is None]
        if missing:
            raise BadPattern(f"no pattern {', '.join(missing)}")
        from heal.store.model import is_approved

        todo = [p for p in targets if p is not None and p.source == "imported" and not is_approved(p)]
        now = time.time()
        with self._write() as db:
            for p in todo:
                h = content_hash(p)
                db.execute("UPDATE patterns SET approved_hash = ? WHERE id = ?", (h, p.id))
                db.execute("INSERT OR IGNORE INTO approvals (hash, time) VALUES (?, ?)", (h, now))
        return todo

    def _pattern(self, row: tuple) -> Pattern:
        (pid, signature, fingerprint, category, fix, source, tool, ecosystem, key, summary, successes, failures,
         created, first_used, last_used, approved_hash) = row
        return Pattern(id=pid, signature=signature, fingerprint=fingerprint, category=category,
                       fix=PatternFix.from_json(loads(fix)), source=source, tool=tool, ecosystem=ecosystem,
                       key=key, summary=summary, successes=successes, failures=failures, created=created,
                       first_used=first_used, last_used=last_used, approved_hash=approved_hash)


def _candidate(p: Pattern, similarity: float, exact: bool) -> Candidate:
    return Candidate(id=p.id, source=p.source, fix=p.fix, similarity=similarity, confidence=wilson(p.successes,
                     p.failures), successes=p.successes, failures=p.failures, exact=exact, pattern=p)


class _Writing:
    """Store._write()'s context (a class, not contextlib.contextmanager: heal.memo says why): a transaction of
    its own, or a part of the one transaction() began."""

    __slots__ = ("store", "began")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.began = False

    def __enter__(self) -> sqlite3.Connection | Store:
        self.began = self.store._begin()
        return self.store.db

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        if not self.began:
            return False
        if kind is not None:
            try:
                self.store._end(False)
            except sqlite3.Error:
                pass  # SQLite rolled it back itself (a full disk, an I/O error): the first error tells it
            return False
        self._commit()
        return False

    def _commit(self) -> None:
        self.store._end(True)


class _Transaction(_Writing):
    """Store.transaction()'s context: the same, with its errors as StoreUnavailable."""

    __slots__ = ()

    def __enter__(self) -> Store:
        try:
            super().__enter__()
        except StoreUnavailable:
            raise
        except Exception as exc:
            raise _unavailable(self.store.path, exc) from None
        return self.store

    def _commit(self) -> None:
        try:
            self.store._end(True)
        except Exception as exc:
            raise _unavailable(self.store.path, exc) from None


def _canonical(fix: PatternFix) -> str:
    return fix.canonical()  # imports repeat a few fixes (playbook steps) over and over


_canonical = memo(_canonical, limit=4096)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT]


def _redact_fix(fix: PatternFix) -> PatternFix:
    if not fix.commands:
        return fix
    return PatternFix(fix.kind, fix.playbook, fix.step, tuple(_redact_argv(c) for c in fix.commands))


def _redacted(p: Pattern) -> Pattern:
    """The pattern with every text it keeps redacted. Most patterns hold no secret: one pass over their
    evidence and summary joined says so, and only then are the two redacted on their own (an import of
    100,000 patterns spent most of its time in redaction). Commands are always redacted as command lines."""
    joined = f"{p.fingerprint}\n{p.summary}"
    if _redact(joined) == joined:
        return p._replace(fingerprint=_clip(p.fingerprint), summary=_clip(p.summary), fix=_redact_fix(p.fix))
    return p._replace(fingerprint=_clip(_redact(p.fingerprint)), summary=_clip(_redact(p.summary)),
                      fix=_redact_fix(p.fix))


def _checked_argv(argv: Sequence[str], cwd: str | None) -> tuple[str, ...]:
    """A command as heal may store it: a non-empty argv of strings, never an option as the program; paths
    inside the working directory made relative to it (the command runs there, and an exported pattern must
    not carry this machine's directories)."""
    if isinstance(argv, str) or not argv or not all(isinstance(a, str) for a in argv):
        raise BadPattern("a command is a non-empty list of strings")
    if any("\x00" in a for a in argv):
        raise BadPattern("a command cannot contain NUL bytes")
    if not argv[0] or argv[0].startswith("-"):
        raise BadPattern(f"'{argv[0]}' is not a program")
    if cwd:
        root = os.path.abspath(cwd).rstrip("/") + "/"
        argv = [("./" + a[len(root):]) if a.startswith(root) else a for a in argv]
    return tuple(argv)
