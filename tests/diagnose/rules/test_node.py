"""Rule table for heal.diagnose.rules.node: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, check, from_fixture, ids

ROWS = [
    # captured here: pnpm 9.15.0 (through npx) in an empty directory
    Match('pnpm.error', '\u2009ERR_PNPM_NO_PKG_MANIFEST\u2009 No package.json found in /tmp/heal-rt-kyt5eb1v\n',
          argv=['npx', '-y', 'pnpm@9.15.0', 'install'], exit_code=1, category='unknown',
          facts={'tool': 'pnpm', 'error_code': 'ERR_PNPM_NO_PKG_MANIFEST'},
          source='captured here: pnpm 9.15.0 (through npx) in an empty directory'),
    from_fixture('pnpm.error', 'pnpm.no_script', 'pnpm-run-missing-script'),
    from_fixture('pnpm.error', 'pnpm.package_not_found', 'pnpm-add-package-not-found'),
    # captured here: jest 29.7.0 (node v20.20.2), a test file with an unclosed call
    Match('jest.syntax', (
        'FAIL ./sum.test.js\n'
        '  ● Test suite failed to run\n'
        '\n'
        '    SyntaxError: /tmp/heal-rt-35fmqn22/sum.test.js: Unexpected token, expected "," (4:26)\n'
        '\n'
        '      2 |\n'
        '      3 | test("adds 1 + 2 to equal 3", () => {\n'
        '    > 4 |   expect(sum(1, 2)).toBe(3;\n'
        '        |                           ^\n'
        '      5 | });\n'
        '      6 |\n'
        '\n'
        '      at constructor (node_modules/@babel/parser/src/parse-error.ts:96:45)\n'
        '      at Parser.toParseError [as raise] (node_modules/@babel/parser/src/tokenizer/index.ts:1563:19)\n'
        '      at Parser.raise [as unexpected] (node_modules/@babel/parser/src/tokenizer/index.ts:1603:16)\n'
        '      at Parser.unexpected [as expect] (node_modules/@babel/parser/src/parser/util.ts:168:12)\n'
        '      at Parser.expect [as parseCallExpressionArguments] (node_modules/@babel/parser/src/parser/expression.ts:1101:14)\n'
        '      at Parser.parseCallExpressionArguments [as parseCoverCallAndAsyncArrowHead] (node_modules/@babel/parser/src/parser/expression.ts:992:29)\n'
        '      at Parser.parseCoverCallAndAsyncArrowHead [as parseSubscript] (node_modules/@babel/parser/src/parser/expression.ts:868:19)\n'
        '      at Parser.parseSubscript [as parseSubscripts] (node_modules/@babel/parser/src/parser/expression.ts:827:19)\n'
        '      at Parser.parseSubscripts [as parseExprSubscripts] (node_modules/@babel/parser/src/parser/expression.ts:794:17)\n'
        '      at Parser.parseExprSubscripts [as parseUpdate] (node_modules/@babel/parser/src/parser/expression.ts:767:21)\n'
        '      at Parser.parseUpdate [as parseMaybeUnary] (node_modules/@babel/parser/src/parser/expression.ts:729:23)\n'
        '      at Parser.parseMaybeUnary [as parseMaybeUnaryOrPrivate] (node_modules/@babel/parser/src/parser/expression.ts:437:14)\n'
        '      at Parser.parseMaybeUnaryOrPrivate [as parseExprOps] (node_modules/@babel/parser/src/parser/expression.ts:449:23)\n'
        '      at Parser.parseExprOps [as parseMaybeConditional] (node_modules/@babel/parser/src/parser/expression.ts:404:23)\n'
        '      at Parser.parseMaybeConditional [as parseMaybeAssign] (node_modules/@babel/parser/src/parser/expression.ts:310:21)\n'
        '      at Parser.parseMaybeAssign [as parseExpressionBase] (node_modules/@babel/parser/src/parser/expression.ts:228:23)\n'
        '      at parseExpressionBase (node_modules/@babel/parser/src/parser/expression.ts:219:39)\n'
        '      at Parser.callback [as allowInAnd] (node_modules/@babel/parser/src/parser/expression.ts:3292:16)\n'
        '      at Parser.allowInAnd [as parseExpression] (node_modules/@babel/parser/src/parser/expression.ts:219:17)\n'
        '      at Parser.parseExpression [as parseStatementContent] (node_modules/@babel/parser/src/parser/statement.ts:737:23)\n'
        '      at Parser.parseStatementContent [as parseStatementLike] (node_modules/@babel/parser/src/parser/statement.ts:522:17)\n'
        '      at Parser.parseStatementLike [as parseStatementListItem] (node_modules/@babel/parser/src/parser/statement.ts:471:17)\n'
        '      at Parser.parseStatementListItem [as parseBlockOrModuleBlockBody] (node_modules/@babel/parser/src/parser/statement.ts:1507:16)\n'
        '      at Parser.parseBlockOrModuleBlockBody [as parseBlockBody] (node_modules/@babel/parser/src/parser/statement.ts:1480:10)\n'
        '      at Parser.parseBlockBody [as parseBlock] (node_modules/@babel/parser/src/parser/statement.ts:1448:10)\n'
        '      at Parser.parseBlock [as parseFunctionBody] (node_modules/@babel/parser/src/parser/expression.ts:2707:24)\n'
        '      at Parser.parseFunctionBody [as parseArrowExpression] (node_modules/@babel/parser/src/parser/expression.ts:2645:10)\n'
        '      at Parser.parseArrowExpression [as parseParenAndDistinguishExpression] (node_modules/@babel/parser/src/parser/expression.ts:1933:12)\n'
        '      at Parser.parseParenAndDistinguishExpression [as parseExprAtom] (node_modules/@babel/parser/src/parser/expression.ts:1251:21)\n'
        '      at Parser.parseExprAtom [as parseExprSubscripts] (node_modules/@babel/parser/src/parser/expression.ts:788:23)\n'
        '      at Parser.parseExprSubscripts [as parseUpdate] (node_modules/@babel/parser/src/parser/expression.ts:767:21)\n'
        '      at Parser.parseUpdate [as parseMaybeUnary] (node_modules/@babel/parser/src/parser/expression.ts:729:23)\n'
        '      at Parser.parseMaybeUnary [as parseMaybeUnaryOrPrivate] (node_modules/@babel/parser/src/parser/expression.ts:437:14)\n'
        '      at Parser.parseMaybeUnaryOrPrivate [as parseExprOps] (node_modules/@babel/parser/src/parser/expression.ts:449:23)\n'
        '      at Parser.parseExprOps [as parseMaybeConditional] (node_modules/@babel/parser/src/parser/expression.ts:404:23)\n'
        '      at Parser.parseMaybeConditional [as parseMaybeAssign] (node_modules/@babel/parser/src/parser/expression.ts:310:21)\n'
        '      at parseMaybeAssign (node_modules/@babel/parser/src/parser/expression.ts:259:12)\n'
        '      at Parser.callback [as allowInAnd] (node_modules/@babel/parser/src/parser/expression.ts:3297:12)\n'
        '      at Parser.allowInAnd [as parseMaybeAssignAllowIn] (node_modules/@babel/parser/src/parser/expression.ts:258:17)\n'
        '      at Parser.parseMaybeAssignAllowIn [as parseMaybeAssignAllowInOrVoidPattern] (node_modules/@babel/parser/src/parser/expression.ts:3417:17)\n'
        '      at Parser.parseMaybeAssignAllowInOrVoidPattern [as parseExprListItem] (node_modules/@babel/parser/src/parser/expression.ts:2879:18)\n'
        '      at Parser.parseExprListItem [as parseCallExpressionArguments] (node_modules/@babel/parser/src/parser/expression.ts:1111:24)\n'
        '      at Parser.parseCallExpressionArguments [as parseCoverCallAndAsyncArrowHead] (node_modules/@babel/parser/src/parser/expression.ts:992:29)\n'
        '      at Parser.parseCoverCallAndAsyncArrowHead [as parseSubscript] (node_modules/@babel/parser/src/parser/expression.ts:868:19)\n'
        '      at Parser.parseSubscript [as parseSubscripts] (node_modules/@babel/parser/src/parser/expression.ts:827:19)\n'
        '      at Parser.parseSubscripts [as parseExprSubscripts] (node_modules/@babel/parser/src/parser/expression.ts:794:17)\n'
        '      at Parser.parseExprSubscripts [as parseUpdate] (node_modules/@babel/parser/src/parser/expression.ts:767:21)\n'
        '      at Parser.parseUpdate [as parseMaybeUnary] (node_modules/@babel/parser/src/parser/expression.ts:729:23)\n'
        '      at Parser.parseMaybeUnary [as parseMaybeUnaryOrPrivate] (node_modules/@babel/parser/src/parser/expression.ts:437:14)\n'
        '      at Parser.parseMaybeUnaryOrPrivate [as parseExprOps] (node_modules/@babel/parser/src/parser/expression.ts:449:23)\n'
        '      at Parser.parseExprOps [as parseMaybeConditional] (node_modules/@babel/parser/src/parser/expression.ts:404:23)\n'
        '      at Parser.parseMaybeConditional [as parseMaybeAssign] (node_modules/@babel/parser/src/parser/expression.ts:310:21)\n'
        '      at Parser.parseMaybeAssign [as parseExpressionBase] (node_modules/@babel/parser/src/parser/expression.ts:228:23)\n'
        '      at parseExpressionBase (node_modules/@babel/parser/src/parser/expression.ts:219:39)\n'
        '      at Parser.callback [as allowInAnd] (node_modules/@babel/parser/src/parser/expression.ts:3292:16)\n'
        '      at Parser.allowInAnd [as parseExpression] (node_modules/@babel/parser/src/parser/expression.ts:219:17)\n'
        '      at Parser.parseExpression [as parseStatementContent] (node_modules/@babel/parser/src/parser/statement.ts:737:23)\n'
        '      at Parser.parseStatementContent [as parseStatementLike] (node_modules/@babel/parser/src/parser/statement.ts:522:17)\n'
        '      at Parser.parseStatementLike [as parseModuleItem] (node_modules/@babel/parser/src/parser/statement.ts:459:17)\n'
        '      at Parser.parseModuleItem [as parseBlockOrModuleBlockBody] (node_modules/@babel/parser/src/parser/statement.ts:1506:16)\n'
        '      at Parser.parseBlockOrModuleBlockBody [as parseBlockBody] (node_modules/@babel/parser/src/parser/statement.ts:1480:10)\n'
        '      at Parser.parseBlockBody [as parseProgram] (node_modules/@babel/parser/src/parser/statement.ts:241:10)\n'
        '      at Parser.parseProgram [as parseTopLevel] (node_modules/@babel/parser/src/parser/statement.ts:215:25)\n'
        '      at Parser.parseTopLevel [as parse] (node_modules/@babel/parser/src/parser/index.ts:83:25)\n'
        '      at parse (node_modules/@babel/parser/src/index.ts:86:38)\n'
        '      at parser (node_modules/@babel/core/src/parser/index.ts:29:19)\n'
        '          at parser.next (<anonymous>)\n'
        '      at normalizeFile (node_modules/@babel/core/src/transformation/normalize-file.ts:49:24)\n'
        '          at normalizeFile.next (<anonymous>)\n'
        '      at run (node_modules/@babel/core/src/transformation/index.ts:41:36)\n'
        '          at run.next (<anonymous>)\n'
        '      at transform (node_modules/@babel/core/src/transform.ts:29:20)\n'
        '          at transform.next (<anonymous>)\n'
        '      at evaluateSync (node_modules/gensync/index.js:251:28)\n'
        '      at sync (node_modules/gensync/index.js:89:14)\n'
        '      at fn (node_modules/@babel/core/src/errors/rewrite-stack-trace.ts:99:14)\n'
        '      at transformSync (node_modules/@babel/core/src/transform.ts:66:52)\n'
        '      at ScriptTransformer.transformSource (node_modules/@jest/transform/build/ScriptTransformer.js:545:31)\n'
        '      at ScriptTransformer._transformAndBuildScript (node_modules/@jest/transform/build/ScriptTransformer.js:674:40)\n'
        '      at ScriptTransformer.transform (node_modules/@jest/transform/build/ScriptTransformer.js:726:19)\n'
        '\n'
        'Test Suites: 1 failed, 1 total\n'
        'Tests:       0 total\n'
        'Snapshots:   0 total\n'
        'Time:        0.556 s\n'
        'Ran all test suites.\n'
    ),
          argv=['npx', 'jest'], exit_code=1, category='syntax',
          facts={'tool': 'jest'},
          source='captured here: jest 29.7.0 (node v20.20.2), a test file with an unclosed call'),
    from_fixture('jest.syntax', 'jest.module_not_found', 'jest-cannot-find-module'),
    # a syntax error outside a test runner
    from_fixture('jest.syntax', 'node.SyntaxError', 'node-syntax-error'),
    # require() of a broken JSON file: the JSON file and the position are facts (json_edit repairs it)
    Match('node.SyntaxError', (
        'node:internal/modules/cjs/loader:1644\n'
        '    throw err;\n'
        '    ^\n'
        '\n'
        'SyntaxError: /tmp/t3/c.json: Expected double-quoted property name in JSON at position 8\n'
        '    at parse (<anonymous>)\n'
        '    at Module._extensions..json (node:internal/modules/cjs/loader:1641:39)\n'
        '    at Module.load (node:internal/modules/cjs/loader:1266:32)\n'
        '    at Module._load (node:internal/modules/cjs/loader:1091:12)\n'
        '    at Module.require (node:internal/modules/cjs/loader:1289:19)\n'
        '    at require (node:internal/modules/helpers:182:18)\n'
        '    at [eval]:1:1\n'
        '    at runScriptInThisContext (node:internal/vm:209:10)\n'
        '    at node:internal/process/execution:118:14\n'
        '    at [eval]-wrapper:6:24\n'
        '\n'
        'Node.js v20.20.2\n'
    ),
          argv=['node', '-e', "require('./c.json')"], exit_code=1, category='syntax',
          facts={'exception': 'SyntaxError', 'file': '/tmp/t3/c.json', 'position': '8', 'format': 'JSON'},
          source='captured here: node v20.20.2, require of {"a": 1,}'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
