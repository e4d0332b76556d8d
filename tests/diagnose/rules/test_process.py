"""Rule table for heal.diagnose.rules.process: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, NoMatch, check, from_fixture, ids

ROWS = [
    # captured here: node v20.20.2 with --max-old-space-size=32; the log diagnosed without its exit status (heal diagnose FILE)
    Match('process.oom', (
        '\n'
        '<--- Last few GCs --->\n'
        '\n'
        '[25979:0x38b9cca0]      228 ms: Mark-Compact 31.5 (48.5) -> 31.5 (64.5) MB, 62.25 / 0.00 ms  (average mu = 0.187, current mu = 0.152) allocation failure; scavenge might not succeed\n'
        '\n'
        '\n'
        '<--- JS stacktrace --->\n'
        '\n'
        'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n'
        '----- Native stack trace -----\n'
        '\n'
        ' 1: 0xb78db3 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]\n'
        ' 2: 0xee8300 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]\n'
        ' 3: 0xee85e7 v8::internal::V8::FatalProcessOutOfMemory(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]\n'
        ' 4: 0x10fb205  [node]\n'
        ' 5: 0x1113088 v8::internal::Heap::CollectGarbage(v8::internal::AllocationSpace, v8::internal::GarbageCollectionReason, v8::GCCallbackFlags) [node]\n'
        ' 6: 0x10e91f1 v8::internal::HeapAllocator::AllocateRawWithLightRetrySlowPath(int, v8::internal::AllocationType, v8::internal::AllocationOrigin, v8::internal::AllocationAlignment) [node]\n'
        ' 7: 0x10ea385 v8::internal::HeapAllocator::AllocateRawWithRetryOrFailSlowPath(int, v8::internal::AllocationType, v8::internal::AllocationOrigin, v8::internal::AllocationAlignment) [node]\n'
        ' 8: 0x10c69a6 v8::internal::Factory::AllocateRaw(int, v8::internal::AllocationType, v8::internal::AllocationAlignment) [node]\n'
        ' 9: 0x10b7e4a v8::internal::FactoryBase<v8::internal::Factory>::AllocateRawArray(int, v8::internal::AllocationType, v8::internal::AllocationAlignment) [node]\n'
        '10: 0x10b7fb4 v8::internal::FactoryBase<v8::internal::Factory>::NewFixedArrayWithFiller(v8::internal::Handle<v8::internal::Map>, int, v8::internal::Handle<v8::internal::Oddball>, v8::internal::AllocationType) [node]\n'
        '11: 0x129975f  [node]\n'
        '12: 0x12a6793  [node]\n'
        '13: 0x12c1b3b  [node]\n'
        '14: 0x12cbb55 v8::internal::ArrayConstructInitializeElements(v8::internal::Handle<v8::internal::JSArray>, v8::internal::Arguments<(v8::internal::ArgumentsType)1>*) [node]\n'
        '15: 0x1512628 v8::internal::Runtime_NewArray(int, unsigned long*, v8::internal::Isolate*) [node]\n'
        '16: 0x195e476  [node]\n'
    ),
          argv=['node', '--max-old-space-size=32', 'load.js'], exit_code=None, category='runtime',
          facts={'tool': 'node'},
          source='captured here: node v20.20.2 with --max-old-space-size=32; the log diagnosed without its exit status (heal diagnose FILE)'),
    # captured here: openjdk 17.0.15, java -Xmx16m; the JVM's own OutOfMemoryError names the exception
    NoMatch('process.oom', 'java.OutOfMemoryError', (
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
        '\tat Load.main(Load.java:2)\n'
    ),
            argv=['java', '-Xmx16m', 'Load.java'], exit_code=1,
            source='captured here: openjdk 17.0.15, java -Xmx16m'),
    from_fixture('process.oom', 'python.MemoryError', 'process-memoryerror-python'),
    # captured here: GNU Make 4.3 running a test binary that dereferences NULL
    Match('process.segfault_message', (
        'cc     crash.c   -o crash\n'
        './crash\n'
        'make: *** [Makefile:2: test] Segmentation fault\n'
    ),
          argv=['make', 'test'], exit_code=2, category='runtime',
          facts={'signal': 'SIGSEGV', 'tool': 'make'},
          source='captured here: GNU Make 4.3 running a test binary that dereferences NULL'),
    # the shell's 'Segmentation fault' with exit status 139: the signal decides
    from_fixture('process.segfault_message', 'process.SIGSEGV', 'process-sigsegv-c-program'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
