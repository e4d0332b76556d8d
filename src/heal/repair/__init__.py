"""Pure repairs of source files: bytes in, a small frozen `Repair` out. No journal, no CLI, no printing.

`python` (syntax search), `imports` (a missing import, libcst), `moved` (removed standard-library APIs, libcst),
`json`, `toml`. libcst is imported inside functions only, when a file actually needs it.

The modules the Python syntax search runs on (`model`, `lexer`, `pyedits`, `pyrules`, `pysearch`) stay stdlib-only and
valid on Python 3.8+: when the project's interpreter is not heal's, they run inside that interpreter, so its own
`compile()` judges every candidate.
"""
