"""Rule table for heal.diagnose.rules.other: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, NoMatch, Shadowed, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/ci_logs.jsonl case 151, the whole log_tail
    Match('compile.diagnostic', (
        "Extensions/CollectionExtensions.cs(20,40): error CS0103: The name 'key' does not exist in the current context [/home/travis/build/NancyFx/Nancy/src/Nancy/Nancy.csproj]\n"
        "Extensions/CollectionExtensions.cs(21,17): error CS0103: The name 'key' does not exist in the current context [/home/travis/build/NancyFx/Nancy/src/Nancy/Nancy.csproj]\n"
        "Extensions/CollectionExtensions.cs(23,24): error CS0029: Cannot implicitly convert type 'string[]' to 'System.Collections.Generic.IDictionarystring, System.Collections.Generic.IEnumerablestring>>' [/home/travis/build/NancyFx/Nancy/src/Nancy/Nancy.csproj]\n"
        "Extensions/CollectionExtensions.cs(25,20): error CS0029: Cannot implicitly convert type 'string[]' to 'System.Collections.Generic.IDictionarystring, System.Collections.Generic.IEnumerablestring>>' [/home/travis/build/NancyFx/Nancy/src/Nancy/Nancy.csproj]"
    ),
          argv=[], exit_code=None, category='build',
          facts={'file': 'Extensions/CollectionExtensions.cs', 'line': 20, 'error_code': 'CS0103'},
          source='shared/benchmarks/ci_logs.jsonl case 151, the whole log_tail'),
    # shared/benchmarks/ci_logs.jsonl case 220, the whole log_tail
    Match('compile.diagnostic', (
        'src/ShellCheck/Fixer.hs:38:10: error:\n'
        '[ 6 of 19] Compiling Paths_ShellCheck ( dist/build/autogen/Paths_ShellCheck.hs, dist/build/Paths_ShellCheck.o )\n'
        '[ 7 of 19] Compiling ShellCheck.Data  ( src/ShellCheck/Data.hs, dist/build/ShellCheck/Data.o )\n'
        "    Not in scope: type constructor or class `Semigroup'"
    ),
          argv=[], exit_code=None, category='build',
          facts={'file': 'src/ShellCheck/Fixer.hs', 'line': 38},
          source='shared/benchmarks/ci_logs.jsonl case 220, the whole log_tail'),
    # a TypeScript error of the same shape: the tsc rule decides
    from_fixture('compile.diagnostic', 'tsc.TS2322', 'tsc-ts2322-type-not-assignable'),
    # shared/benchmarks/ci_logs.jsonl case 253, the whole log_tail
    Match('compile.erlang', (
        'src/rabbit_vhost.erl:91: field description undefined in record vhost\n'
        'src/rabbit_vhost.erl:92: field tags undefined in record vhost\n'
        "src/rabbit_vhost.erl:344: variable 'Description' is unbound\n"
        'src/rabbit_vhost.erl:344: field description undefined in record vhost\n'
        "src/rabbit_vhost.erl:345: variable 'Tags' is unbound\n"
        'src/rabbit_vhost.erl:345: field tags undefined in record vhost'
    ),
          argv=[], exit_code=None, category='build',
          facts={'file': 'src/rabbit_vhost.erl', 'line': 91},
          source='shared/benchmarks/ci_logs.jsonl case 253, the whole log_tail'),
    from_fixture('compile.erlang', 'go.compile', 'go-build-undefined'),
    # shared/benchmarks/ci_logs.jsonl case 186, the whole log_tail
    Match('compile.elixir', (
        '** (CompileError) (for doctest at) lib/list.ex:102: undefined function i/1\n'
        '    (elixir 1.10.0-dev) src/elixir_locals.erl:108: :elixir_locals."-ensure_no_undefined_local/3-lc$^0/1-0-"/2\n'
        '    (elixir 1.10.0-dev) src/elixir_locals.erl:109: anonymous fn/3 in :elixir_locals.ensure_no_undefined_local/3'
    ),
          argv=[], exit_code=None, category='build',
          facts={'exception': 'CompileError', 'file': 'lib/list.ex', 'line': 102},
          source='shared/benchmarks/ci_logs.jsonl case 186, the whole log_tail'),
    from_fixture('compile.elixir', 'python.syntax_error', 'python-syntaxerror-missing-colon'),
    # shared/benchmarks/ci_logs.jsonl case 163, the whole log_tail
    Match('compile.sbt', (
        'error] /home/travis/build/akka/akka/akka-remote-tests/src/multi-jvm/scala/akka/remote/artery/TestMessage.scala:10:8: object internalByteString is not a member of package akka.protobufv3\n'
        '[error] import akka.protobufv3.internalByteString\n'
        '[error]        ^\n'
        '[error] /home/travis/build/akka/akka/akka-remote-tests/src/multi-jvm/scala/akka/remote/artery/TestMessage.scala:43:21: not found: value ByteString\n'
        '[error]         .setPayload(ByteString.copyFrom(msg.payload))\n'
        '[error]                     ^\n'
        '[error] two errors found'
    ),
          argv=[], exit_code=None, category='build',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 163, the whole log_tail'),
    from_fixture('compile.sbt', 'maven.compile_error', 'mvn-compilation-failure'),
    # shared/benchmarks/ci_logs.jsonl case 44, log_tail lines 47-60
    Match('compile.ant', (
        '    [javac] \t\t\tTriple<String, Expr, Expr> t = expr.sources.get(i);\n'
        '    [javac] \t\t\t^\n'
        '    [javac]   symbol:   class Triple\n'
        '    [javac]   location: class CodeGenerator\n'
        '    [javac] Note: Some input files use unchecked or unsafe operations.\n'
        '    [javac] Note: Recompile with -Xlint:unchecked for details.\n'
        '    [javac] 100 errors\n'
        '\n'
        'BUILD FAILED\n'
        '/home/travis/build/Whiley/WhileyCompiler/build.xml:19: Compile failed; see the compiler error output for details.\n'
        '\n'
        'Total time: 9 seconds\n'
        '\n'
        'The command "ant test" exited with 1.'
    ),
          argv=[], exit_code=None, category='build',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 44, log_tail lines 47-60'),
    from_fixture('compile.ant', 'javac.error', 'java-javac-cannot-find-symbol'),
    # shared/benchmarks/ci_logs.jsonl case 208, the whole log_tail
    Match('compile.haskell', (
        'src/Text/Pandoc/Ipynb.hs:94:10: Warning:\n'
        '    No explicit implementation for\n'
        '      ‘mappend’\n'
        '    In the instance declaration for ‘Monoid (Notebook a)’'
    ),
          argv=[], exit_code=None, category='build',
          facts={'file': 'src/Text/Pandoc/Ipynb.hs', 'line': 94},
          source='shared/benchmarks/ci_logs.jsonl case 208, the whole log_tail'),
    from_fixture('compile.haskell', 'rustc.error', 'rust-e0425-unresolved-name'),
    # shared/benchmarks/ci_logs.jsonl case 109, log_tail lines 47-60
    Match('build.failed', (
        '* What went wrong:\n'
        "A problem occurred evaluating project ':ethereumj-core'.\n"
        "> Could not find property 'buildEnv' on task ':ethereumj-core:publish'.\n"
        '\n'
        '* Try:\n'
        'Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output.\n'
        '\n'
        'BUILD FAILED\n'
        '\n'
        'Total time: 11.473 secs\n'
        '\n'
        'The command "eval ./gradlew assemble" failed 3 times.\n'
        '\n'
        'The command "./gradlew assemble" failed and exited with 1 during .'
    ),
          argv=[], exit_code=None, category='build',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 109, log_tail lines 47-60'),
    # make's `***` line is the fallout
    from_fixture('build.failed', 'c.compile_error', 'c-make-recipe-error'),
    # shared/benchmarks/ci_logs.jsonl case 131, log_tail lines 47-60
    Match('compile.warnings_as_errors', (
        '\n'
        '$ sphinx-build -nW -b html -d _build/doctrees . _build/html\n'
        'Running Sphinx v1.3.6\n'
        'Initializing Spelling Checker\n'
        'loading pickled environment... not yet created\n'
        'building [mo]: targets for 0 po files that are out of date\n'
        'building [html]: targets for 134 source files that are out of date\n'
        'updating environment: 134 added, 0 changed, 0 removed\n'
        'reading sources... [100%] tutorial/the-frontend\n'
        '\n'
        'Warning, treated as error:\n'
        '/home/travis/build/symfony-cmf/symfony-cmf-docs/bundles/sonata_phpcr_admin_integration/routing.rst:153: WARNING: Inline literal start-string without end-string.\n'
        '\n'
        'The command "sphinx-build -nW -b html -d _build/doctrees . _build/html" exited with 1.'
    ),
          argv=[], exit_code=None, category='build',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 131, log_tail lines 47-60'),
    # gcc names the warning that became an error: the compiler rule decides
    from_fixture('compile.warnings_as_errors', 'c.compile_error', 'c-gcc-werror-unused-variable'),
    # shared/benchmarks/ci_logs.jsonl case 75, log_tail lines 47-60
    Match('docs.sphinx', (
        '\n'
        'Build finished. The HTML pages are in build_en/html.\n'
        '\n'
        'The command "sh ./build-html_en.sh 2>> $ERROR_LOG_FILE" exited with 0.\n'
        '$ cat $ERROR_LOG_FILE\n'
        '/home/travis/build/terasolunaorg/guideline/source/Security/CSRF.rst:468: WARNING: Line block ends without a blank line.\n'
        '/home/travis/build/terasolunaorg/guideline/source/ArchitectureInDetail/FileUpload.rst:1808: WARNING: undefined label: csrf_use-multipart-filter (if the link has no caption the label must precede a section header)\n'
        '/home/travis/build/terasolunaorg/guideline/source_en/ArchitectureInDetail/DataAccessMyBatis3.rst:5859: ERROR: Unexpected indentation.\n'
        '\n'
        'The command "cat $ERROR_LOG_FILE" exited with 0.\n'
        '$ WARNING_COUNT=`grep WARNING $ERROR_LOG_FILE | wc -l`\n'
        '\n'
        '$ if [[ $WARNING_COUNT -ne 0 ]]; then echo "Build is failed. Please fix warnings."; exit 1; fi\n'
        'Build is failed. Please fix warnings.'
    ),
          argv=[], exit_code=None, category='build',
          facts={'file': '/home/travis/build/terasolunaorg/guideline/source_en/ArchitectureInDetail/DataAccessMyBatis3.rst', 'line': 5859},
          source='shared/benchmarks/ci_logs.jsonl case 75, log_tail lines 47-60'),
    from_fixture('docs.sphinx', 'c.compile_error', 'c-gcc-undeclared-identifier'),
    # shared/benchmarks/ci_logs.jsonl case 192, the whole log_tail
    Match('docs.failed', (
        '../xml/erl_parse.xml:72: element name: validity error : Element marker is not declared in name list of possible children\n'
        '      <name><marker id="type-af_binelement"/>af_binelement(_)</name>\n'
        '                                                                    ^\n'
        '../xml/erl_parse.xml:78: element name: validity error : Element marker is not declared in name list of possible children\n'
        '      <name><marker id="type-af_generator"/>af_generator()</name>\n'
        '                                                                 ^\n'
        '../xml/erl_parse.xml:85: element name: validity error : Element marker is not declared in name list of possible children\n'
        '      <name><marker id="type-af_remote_function"/>af_remote_function()></name>\n'
        '                                                                              ^'
    ),
          argv=[], exit_code=None, category='build',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 192, the whole log_tail'),
    from_fixture('docs.failed', 'c.compile_error', 'c-cmake-build-compile-error'),
    # shared/benchmarks/ci_logs.jsonl case 266, the whole log_tail
    Match('deps.composer', '- The requested package symfony/phpunit-bridge 4.4@dev exists as symfony/phpunit-bridge[2.7.x-dev, 2.8.x-dev, 3.0.x-dev, 3.1.x-dev, 3.2.x-dev, 3.3.x-dev, 3.4.x-dev, 4.0.x-dev, 4.1.x-dev, 4.2.x-dev, 4.3.x-dev, 4.4.x-dev, dev-master, 5.0.x-dev, v2.7.0, v2.7.0-BETA1, v2.7.0-BETA2, v2.7.1, v2.7.10, v2.7.11, v2.7.12, v2.7.13, v2.7.14, v2.7.15, v2.7.16, v2.7.17, v2.7.18, v2.7.19, v2.7.2, v2.7.20, v2.7.21, v2.7.22, v2.7.23, v2.7.24, v2.7.25, v2.7.26, v2.7.27, v2.7.28, v2.7.29, v2.7.3, v2.7.30, v2.7.31, v2.7.32, v2.7.33, v2.7.34, v2.7.35, v2.7.36, v2.7.37, v2.7.38, v2.7.39, v2.7.4, v2.7.40, v2.7.41, v2.7.42, v2.7.43, v2.7.44, v2.7.45, v2.7.46, v2.7.47, v2.7.48, v2.7.49, v2.7.5, v2.7.50, v2.7.51, v2.7.6, v2.7.7, v2.7.8, v2.7.9, v2.8.0, v2.8.0-BETA1, v2.8.1, v2.8.10, v2.8.11, v2.8.12, v2.8.13, v2.8.14, v2.8.15, v2.8.16, v2.8.17, v2.8.18, v2.8.19, v2.8.2, v2.8.20, v2.8.21, v2.8.22, v2.8.23, v2.8.24, v2.8.25, v2.8.26, v2.8.27, v2.8.28, v2.8.29, v2.8.3, v2.8.30, v2.8.31, v2.8.32, v2.8.33, v2.8.34, v2.8.35, v2.8.36, v2.8.37, v2.8.38, v2.8.39, v2.8.4, v2.8.40, v2.8.41, v2.8.42, v2.8.43, v2.8.44, v2.8.45, v2.8.46, v2.8.47, v2.8.48, v2.8.49, v2.8.5, v2.8.50, v2.8.6, v2.8.7, v2.8.8, v2.8.9, v3.0.0, v3.0.0-BETA1, v3.0.1, v3.0.2, v3.0.3, v3.0.4, v3.0.5, v3.0.6, v3.0.7, v3.0.8, v3.0.9, v3.1.0, v3.1.0-BETA1, v3.1.0-RC1, v3.1.1, v3.1.10, v3.1.2, v3.1.3, v3.1.4, v3.1.5, v3.1.6, v3.1.7, v3.1.8, v3.1.9, v3.2.0, v3.2.0-BETA1, v3.2.0-RC1, v3.2.0-RC2, v3.2.1, v3.2.10, v3.2.11, v3.2.12, v3.2.13, v3.2.14, v3.2.2, v3.2.3, v3.2.4, v3.2.5, v3.2.6, v3.2.7, v3.2.8, v3.2.9, v3.3.0, v3.3.0-BETA1, v3.3.0-RC1, v3.3.1, v3.3.10, v3.3.11, v3.3.12, v3.3.13, v3.3.14, v3.3.15, v3.3.16, v3.3.17, v3.3.18, v3.3.2, v3.3.3, v3.3.4, v3.3.5, v3.3.6, v3.3.7, v3.3.8, v3.3.9, v3.4.0, v3.4.0-BETA1, v3.4.0-BETA2, v3.4.0-BETA3, v3.4.0-BETA4, v3.4.0-RC1, v3.4.0-RC2, v3.4.1, v3.4.10, v3.4.11, v3.4.12, v3.4.13, v3.4.14, v3.4.15, v3.4.16, v3.4.17, v3.4.18, v3.4.19, v3.4.2, v3.4.20, v3.4.21, v3.4.22, v3.4.23, v3.4.24, v3.4.25, v3.4.26, v3.4.27, v3.4.28, v3.4.29, v3.4.3, v3.4.30, v3.4.4, v3.4.5, v3.4.6, v3.4.7, v3.4.8, v3.4.9, v4.0.0, v4.0.0-BETA1, v4.0.0-BETA2, v4.0.0-BETA3, v4.0.0-BETA4, v4.0.0-RC1, v4.0.0-RC2, v4.0.1, v4.0.10, v4.0.11, v4.0.12, v4.0.13, v4.0.14, v4.0.15, v4.0.2, v4.0.3, v4.0.4, v4.0.5, v4.0.6, v4.0.7, v4.0.8, v4.0.9, v4.1.0, v4.1.0-BETA1, v4.1.0-BETA2, v4.1.0-BETA3, v4.1.1, v4.1.10, v4.1.11, v4.1.12, v4.1.2, v4.1.3, v4.1.4, v4.1.5, v4.1.6, v4.1.7, v4.1.8, v4.1.9, v4.2.0, v4.2.0-BETA1, v4.2.0-BETA2, v4.2.0-RC1, v4.2.1, v4.2.10, v4.2.11, v4.2.2, v4.2.3, v4.2.4, v4.2.5, v4.2.6, v4.2.7, v4.2.8, v4.2.9, v4.3.0, v4.3.0-BETA1, v4.3.0-BETA2, v4.3.0-RC1, v4.3.1, v4.3.2, v4.3.3] but these are rejected by your constraint.',
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'composer'},
          source='shared/benchmarks/ci_logs.jsonl case 266, the whole log_tail'),
    from_fixture('deps.composer', 'cli.unknown_command', 'composer-unknown-command-suggestion'),
    # shared/benchmarks/ci_logs.jsonl case 148, the whole log_tail
    Match('deps.bundler', 'An error occured while installing Cake.',
          argv=[], exit_code=None, category='dependency',
          facts={'package': 'Cake.'},
          source='shared/benchmarks/ci_logs.jsonl case 148, the whole log_tail'),
    from_fixture('deps.bundler', 'python.ModuleNotFoundError', 'python-modulenotfound-yaml'),
    # shared/benchmarks/ci_logs.jsonl case 274, the whole log_tail
    Match('deps.r', (
        'Running ‘testthat.R’\n'
        ' ERROR\n'
        'Running the tests in ‘tests/testthat.R’ failed.\n'
        'Last 13 lines of output:\n'
        "  Type 'license()' or 'licence()' for distribution details.\n"
        '\n'
        '  R is a collaborative project with many contributors.\n'
        "  Type 'contributors()' for more information and\n"
        "  'citation()' on how to cite R or R packages in publications.\n"
        '\n'
        "  Type 'demo()' for some demos, 'help()' for on-line help, or\n"
        "  'help.start()' for an HTML browser interface to help.\n"
        "  Type 'q()' to quit R.\n"
        '\n'
        "  > library('testthat')\n"
        '  Error in library("testthat") : there is no package called \'testthat\''
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'package': 'testthat'},
          source='shared/benchmarks/ci_logs.jsonl case 274, the whole log_tail'),
    from_fixture('deps.r', 'python.ModuleNotFoundError', 'python-modulenotfound-requests'),
    # shared/benchmarks/ci_logs.jsonl case 153, the whole log_tail
    Match('deps.cocoapods', (
        '-> ReactiveMapKit\n'
        ' -> ReactiveMapKit (10.0.0)\n'
        '\n'
        '    - ERROR | [OSX] unknown: Encountered an unknown error (CocoaPods could not find compatible versions for pod "ReactiveCocoa":\n'
        '\n'
        '  In Podfile:\n'
        '\n'
        '    ReactiveMapKit (from `/Users/travis/build/ReactiveCocoa/ReactiveCocoa`) was resolved to 10.0.0, which depends on\n'
        '\n'
        '      ReactiveCocoa (= 10.0.0)\n'
        'nl\n'
        'nl\n'
        'nl\n'
        'nlNone of your spec sources contain a spec satisfying the dependency: `ReactiveCocoa (= 10.0.0)`.'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'pod'},
          source='shared/benchmarks/ci_logs.jsonl case 153, the whole log_tail'),
    from_fixture('deps.cocoapods', 'npm.code', 'npm-etarget-no-matching-version'),
    # shared/benchmarks/ci_logs.jsonl case 260, the whole log_tail
    Match('deps.conda', (
        'PackagesNotFoundError: The following packages are not available from current channels:\n'
        '\n'
        '  - numpy=1.10.4\n'
        '  - python=3.4\n'
        '  - scipy=0.16.1\n'
        '  - cython=0.25.2\n'
        '  - pillow=4.0.0'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'conda'},
          source='shared/benchmarks/ci_logs.jsonl case 260, the whole log_tail'),
    from_fixture('deps.conda', 'pip.no_matching_distribution', 'python-pip-no-matching-distribution'),
    # quoted from github.com/actions/setup-dotnet/issues/172 (a GitHub Actions log)
    Match('deps.nuget', (
        '  Determining projects to restore...\n'
        'D:\\a\\settings-dot-net\\settings-dot-net\\Settings.Net\\Settings.Net.csproj : error NU1102: Unable to find package Newtonsoft.Json with version (>= 12.0.3) [D:\\a\\settings-dot-net\\settings-dot-net\\Settings.Net.sln]\n'
        'D:\\a\\settings-dot-net\\settings-dot-net\\Settings.Net\\Settings.Net.csproj : error NU1102:   - Found 1 version(s) in Microsoft Visual Studio Offline Packages [ Nearest version: 9.0.1 ] [D:\\a\\settings-dot-net\\settings-dot-net\\Settings.Net.sln]\n'
        '  Failed to restore D:\\a\\settings-dot-net\\settings-dot-net\\Settings.Net\\Settings.Net.csproj (in 599 ms).\n'
        '  Restored D:\\a\\settings-dot-net\\settings-dot-net\\Settings.Net.Tests\\Settings.Net.Tests.csproj (in 42.2 sec).\n'
        'Error: Process completed with exit code 1.\n'
    ),
          argv=['dotnet', 'restore'], exit_code=None, category='dependency',
          facts={'tool': 'dotnet'},
          source='quoted from github.com/actions/setup-dotnet/issues/172 (a GitHub Actions log)'),
    from_fixture('deps.nuget', 'npm.code', 'npm-e404-package-not-found'),
    # shared/benchmarks/thefuck_cases.jsonl case 36 (thefuck tests/rules/test_pip_install.py), the whole log_tail
    Shadowed('deps.install_failed', 'pip.permission', (
        '\n'
        "    Could not install packages due to an EnvironmentError: [Errno 13] Permission denied: '/Library/Python/2.7/site-packages/entrypoints.pyc'\n"
        'Consider using the `--user` option or check the permissions.\n'
    ),
             argv=['pip', 'install', '-r', 'requirements.txt'], exit_code=None,
             source='shared/benchmarks/thefuck_cases.jsonl case 36 (thefuck tests/rules/test_pip_install.py), the whole log_tail',
             why="pip's own permission rule decides its 'Could not install packages due to an EnvironmentError'"),
    from_fixture('deps.install_failed', 'pip.permission', 'python-pip-permission-denied-venv'),
    # shared/benchmarks/ci_logs.jsonl case 222, the whole log_tail
    Match('deps.docker_image', (
        "Unable to find image 'koalaman/shellcheck:current' locally\n"
        'docker: Error response from daemon: manifest for koalaman/shellcheck:current not found.'
    ),
          argv=[], exit_code=None, category='dependency',
          facts={'tool': 'docker', 'image': 'koalaman/shellcheck:current'},
          source='shared/benchmarks/ci_logs.jsonl case 222, the whole log_tail'),
    from_fixture('deps.docker_image', 'docker.registry_denied', 'docker-manifest-unknown-tag'),
    # shared/benchmarks/ci_logs.jsonl case 199, the whole log_tail
    Match('config.rakefile', (
        'No Rakefile found (looking for: rakefile, Rakefile, rakefile.rb, Rakefile.rb)\n'
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/bin/ruby_executable_hooks:15:in `eval'\n"
        "/home/travis/.rvm/gems/ruby-1.9.3-p551/bin/ruby_executable_hooks:15:in `<main>'"
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'tool': 'rake'},
          source='shared/benchmarks/ci_logs.jsonl case 199, the whole log_tail'),
    from_fixture('config.rakefile', 'make.no_rule', 'c-make-no-rule-for-target'),
    # shared/benchmarks/ci_logs.jsonl case 200, the whole log_tail
    Match('config.task_runner', (
        'Using gulpfile ~/build/google/web-starter-kit/gulpfile.js\n'
        '[02:22:53] Task never defined: default'
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'task': 'default'},
          source='shared/benchmarks/ci_logs.jsonl case 200, the whole log_tail'),
    from_fixture('config.task_runner', 'npm.missing_script', 'npm-run-missing-script'),
    # shared/benchmarks/ci_logs.jsonl case 144, the whole log_tail
    Match('config.script_missing_file', '/home/travis/.travis/functions: line 104: /home/travis/build/LightTable/LightTable/install-jdk.sh: No such file or directory',
          argv=[], exit_code=None, category='configuration',
          facts={'script': '/home/travis/.travis/functions', 'path': '/home/travis/build/LightTable/LightTable/install-jdk.sh'},
          source='shared/benchmarks/ci_logs.jsonl case 144, the whole log_tail'),
    from_fixture('config.script_missing_file', 'shell.no_such_file', 'shell-cp-no-such-file'),
    # shared/benchmarks/ci_logs.jsonl case 197, the whole log_tail
    Match('config.bad_flag', (
        '+t/trace_schema_validator/trace_schema_validator --trace2_event_file=/tmp/tmp.7muyWDlizz --schema_file=t/trace_schema_validator/strict_schema.json --progress=10000\n'
        'flag provided but not defined: -trace2_event_file'
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'option': '-trace2_event_file'},
          source='shared/benchmarks/ci_logs.jsonl case 197, the whole log_tail'),
    from_fixture('config.bad_flag', 'docker.unknown_flag', 'docker-run-unknown-flag'),
    from_fixture('config.bad_flag', 'git.bad_option', 'git-unknown-option'),
    # shared/benchmarks/ci_logs.jsonl case 105, log_tail lines 47-60
    Match('config.gradle_wrapper', (
        'adding /home/travis/.m2 to cache\n'
        'adding /home/travis/.gradle to cache\n'
        'creating directory /home/travis/.gradle\n'
        '\n'
        '$ java -Xmx32m -version\n'
        'java version "1.8.0_131"\n'
        'Java(TM) SE Runtime Environment (build 1.8.0_131-b11)\n'
        'Java HotSpot(TM) 64-Bit Server VM (build 25.131-b11, mixed mode)\n'
        '$ javac -J-Xmx32m -version\n'
        'javac 1.8.0_131\n'
        '$ ./gradlew assemble --stacktrace\n'
        'Error: Could not find or load main class org.gradle.wrapper.GradleWrapperMain\n'
        '\n'
        'The command "./gradlew assemble --stacktrace" failed and exited with 1 during .'
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'tool': 'gradle'},
          source='shared/benchmarks/ci_logs.jsonl case 105, log_tail lines 47-60'),
    from_fixture('config.gradle_wrapper', 'gradle.task_not_found', 'gradle-task-not-found'),
    # shared/benchmarks/ci_logs.jsonl case 159, the whole log_tail
    Match('config.xcode_destination', (
        'xcodebuild: error: Unable to find a destination matching the provided destination specifier:\n'
        '\n'
        '\t\t{ platform:tvOS Simulator, name:Apple TV 1080p }'
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'tool': 'xcodebuild'},
          source='shared/benchmarks/ci_logs.jsonl case 159, the whole log_tail'),
    # shared/benchmarks/ci_logs.jsonl case 134, log_tail lines 48-61; another xcodebuild failure: a failing XCTest assertion
    NoMatch('config.xcode_destination', 'test.assertion_shape', (
        'nl\n'
        'nl\n'
        'nl\n'
        'nl  testThatUploadFileRequestWithInvalidURLStringThrowsResponseHandlerError, XCTAssertEqual failed: ("nil") is not equal to ("Optional("https://registry.example/get/äëïöü")")\n'
        '\n'
        '  /Users/travis/build/Alamofire/Alamofire/Tests/SessionTests.swift:639\n'
        '\n'
        '  ```\n'
        '\n'
        '            XCTAssertTrue(error.isInvalidURLError)\n'
        '\n'
        '            XCTAssertEqual(error.urlConvertible as? String, "https://registry.example/get/äëïöü")\n'
        '\n'
        '[... chunk truncated: 3 more lines]'
    ),
            argv=[], exit_code=None,
            source='shared/benchmarks/ci_logs.jsonl case 134, log_tail lines 48-61'),
    # shared/benchmarks/ci_logs.jsonl case 225, the whole log_tail
    Match('config.docker_reference', (
        '+docker build -t :current .\n'
        'invalid argument ":current" for t: invalid reference format'
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'tool': 'docker'},
          source='shared/benchmarks/ci_logs.jsonl case 225, the whole log_tail'),
    from_fixture('config.docker_reference', 'docker.unknown_command', 'docker-unknown-command'),
    # shared/benchmarks/ci_logs.jsonl case 224, the whole log_tail
    Match('config.exec_not_found', (
        'container_linux.go:265: starting container process caused "exec: \\"-c\\": executable file not found in $PATH"\n'
        'docker: Error response from daemon: oci runtime error: container_linux.go:265: starting container process caused "exec: \\"-c\\": executable file not found in $PATH".'
    ),
          argv=[], exit_code=None, category='configuration',
          facts={'command': '-c'},
          source='shared/benchmarks/ci_logs.jsonl case 224, the whole log_tail'),
    # the same `executable file not found` wording, for a credential helper
    from_fixture('config.exec_not_found', 'docker.credential_helper', 'docker-login-credential-helper-missing'),
    # shared/benchmarks/thefuck_cases.jsonl case 34 (thefuck tests/rules/test_sudo.py), the whole log_tail
    Match('permission.generic', 'npm ERR! Error: EACCES, unlink',
          argv=['mkdir', '&&', 'touch', 'a'], exit_code=None, category='permission',
          facts={'tool': 'mkdir'},
          source='shared/benchmarks/thefuck_cases.jsonl case 34 (thefuck tests/rules/test_sudo.py), the whole log_tail'),
    from_fixture('permission.generic', 'shell.permission_denied', 'shell-permission-denied-not-executable'),
    from_fixture('permission.generic', 'git.index_lock', 'git-commit-index-lock-permission-denied'),
    # shared/benchmarks/thefuck_cases.jsonl case 37 (thefuck tests/rules/test_unsudo.py), the whole log_tail:
    # refused because it runs as root, the opposite of a missing privilege
    Match('permission.generic', 'you cannot perform this operation as root',
          argv=['sudo', 'ls'], exit_code=None, category='permission',
          facts={'tool': 'ls', 'as_root': True},
          source='shared/benchmarks/thefuck_cases.jsonl case 37 (thefuck tests/rules/test_unsudo.py), the whole log_tail'),
    # shared/benchmarks/thefuck_cases.jsonl case 46 (thefuck tests/rules/test_tsuru_login.py), the whole log_tail
    Match('auth.not_logged_in', "Error: you're not authenticated or your session has expired.",
          argv=['tsuru', 'app-shell'], exit_code=None, category='deployment',
          facts={'tool': 'tsuru', 'run_first': 'tsuru login'},
          source='shared/benchmarks/thefuck_cases.jsonl case 46 (thefuck tests/rules/test_tsuru_login.py), the whole log_tail'),
    # kubectl's own "You must be logged in to the server" is kubectl's rule
    from_fixture('auth.not_logged_in', 'kubectl.unauthorized', 'kubectl-unauthorized-expired-token'),
    # a registry refusing credentials is docker's rule
    from_fixture('auth.not_logged_in', 'docker.unauthorized', 'docker-login-unauthorized'),
    # shared/benchmarks/thefuck_cases.jsonl case 42 (thefuck tests/rules/test_rails_migrations_pending.py), the whole log_tail
    Match('config.pending_migrations', (
        '\n'
        'Migrations are pending. To resolve this issue, run:\n'
        '\n'
        '        bin/rails db:migrate RAILS_ENV=test\n'
    ),
          argv=['bin/rspec'], exit_code=None, category='configuration',
          facts={'tool': 'rspec', 'run_first': 'bin/rails db:migrate RAILS_ENV=test'},
          source='shared/benchmarks/thefuck_cases.jsonl case 42 (thefuck tests/rules/test_rails_migrations_pending.py), the whole log_tail'),
    # another 'run this first' message
    from_fixture('config.pending_migrations', 'terraform.init_required', 'terraform-plan-backend-init-required'),
    # shared/benchmarks/thefuck_cases.jsonl case 47 (thefuck tests/rules/test_vagrant_up.py), the whole log_tail
    Shadowed('runtime.not_running', 'vagrant.machine_state', (
        'VM must be running to open SSH connection. Run `vagrant up`\n'
        'to start the virtual machine.'
    ),
             argv=['vagrant', 'ssh'], exit_code=None,
             source='shared/benchmarks/thefuck_cases.jsonl case 47 (thefuck tests/rules/test_vagrant_up.py), the whole log_tail',
             why='vagrant.machine_state (75) decides the only real output found that runtime.not_running (45) matches'),
    # 'Is the docker daemon running?' is docker's
    from_fixture('runtime.not_running', 'docker.daemon', 'docker-ps-daemon-not-running'),
    # shared/benchmarks/ci_logs.jsonl case 171, log_tail lines 1-6
    Match('runtime.sanitizer', (
        '==30799==ERROR: AddressSanitizer: heap-use-after-free on address 0x61b000080607 at pc 0x555888669d4c bp 0x7f3822083810 sp 0x7f3822083808\n'
        'READ of size 1 at 0x61b000080607 thread T2 (bitcoin-schedul)\n'
        '    #0 0x555888669d4b in CConnman::GetExtraOutboundCount() /home/travis/build/bitcoin/bitcoin/build/bitcoin-x86_64-unknown-linux-gnu/src/net.cpp:1636:25\n'
        '    #1 0x555888745612 in PeerLogicValidation::EvictExtraOutboundPeers(long) /home/travis/build/bitcoin/bitcoin/build/bitcoin-x86_64-unknown-linux-gnu/src/net_processing.cpp:3427:32\n'
        '    #2 0x5558887188ba in PeerLogicValidation::CheckForStaleTipAndEvictPeers(Consensus::Params const&) /home/travis/build/bitcoin/bitcoin/build/bitcoin-x86_64-unknown-linux-gnu/src/net_processing.cpp:3489:5\n'
        '    #3 0x555888824dce in void std::__invoke_impl<void, void (PeerLogicValidation::*&)(Consensus::Params const&), PeerLogicValidation*&, Consensus::Params&>(std::__invoke_memfun_deref, void (PeerLogicValidation::*&)(Consensus::Params const&), PeerLogicValidation*&, Consensus::Params&) /usr/bin/../lib/gcc/x86_64-linux-gnu/7.4.0/../../../../include/c++/7.4.0/bits/invoke.h:73:14\n'
    ),
          argv=[], exit_code=None, category='runtime',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 171, log_tail lines 1-6'),
    from_fixture('runtime.sanitizer', 'process.SIGABRT', 'process-sigabrt-assert'),
    # shared/benchmarks/ci_logs.jsonl case 177, the whole log_tail
    Match('runtime.php_fatal', "PHP Fatal error:  Class 'Composer\\Util\\Response' not found in /home/travis/build/composer/composer/src/Composer/Util/RemoteFilesystem.php on line 286",
          argv=[], exit_code=None, category='runtime',
          facts={'tool': 'php', 'file': '/home/travis/build/composer/composer/src/Composer/Util/RemoteFilesystem.php', 'line': 286},
          source='shared/benchmarks/ci_logs.jsonl case 177, the whole log_tail'),
    # gcc's 'fatal error:'
    from_fixture('runtime.php_fatal', 'c.missing_header', 'c-gcc-missing-header-curl'),
    # shared/benchmarks/ci_logs.jsonl case 189, the whole log_tail
    Match('runtime.erlang_crash', 'System process <0.0.0> terminated: {{badmatch,{error,{bad_lib,"Function not found prim_file:read_handle_info_nif/1"}}},[{prim_file,on_load,0,[]},{erl_init,start,2,[]}]}',
          argv=[], exit_code=None, category='runtime',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 189, the whole log_tail'),
    from_fixture('runtime.erlang_crash', 'go.panic', 'go-run-panic-index-out-of-range'),
    # shared/benchmarks/ci_logs.jsonl case 247, the whole log_tail
    Match('runtime.access_violation', 'Access violation in generated code when reading ffffffffffffffff',
          argv=[], exit_code=None, category='runtime',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 247, the whole log_tail'),
    from_fixture('runtime.access_violation', 'process.SIGSEGV', 'process-sigsegv-c-program'),
    # shared/benchmarks/ci_logs.jsonl case 161, the whole log_tail
    Match('syntax.yaml', '(./es-es/coldfusion-es.html.markdown): found character that cannot start any token while scanning for the next token at line 8 column 1',
          argv=[], exit_code=None, category='syntax',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 161, the whole log_tail'),
    # the parser names the file: yaml.parse
    from_fixture('syntax.yaml', 'yaml.parse', 'docker-compose-v1-yaml-error'),
    from_fixture('syntax.yaml', 'kubectl.config_yaml', 'kubectl-kubeconfig-yaml-error'),
    # shared/benchmarks/ci_logs.jsonl case 210, the whole log_tail
    Match('syntax.css', (
        'Error: Invalid CSS after ""sass/flex/_all" ": expected media query list, was "/*! it was call..."\n'
        '        on line 7 of bulma.sass'
    ),
          argv=[], exit_code=None, category='syntax',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 210, the whole log_tail'),
    from_fixture('syntax.css', 'node.SyntaxError', 'node-syntax-error'),
    # shared/benchmarks/ci_logs.jsonl case 60, log_tail lines 47-60
    Match('syntax.flake8', (
        'copying static files... done\n'
        'copying extra files... done\n'
        'dumping search index in English (code: en) ... done\n'
        'dumping object inventory... done\n'
        'build succeeded.\n'
        '\n'
        'The command "inv sites" exited with 0.\n'
        '$ flake8\n'
        './paramiko/authenticator.py:45:44: E226 missing whitespace around arithmetic operator\n'
        './paramiko/authenticator.py:45:45: E901 SyntaxError: invalid syntax\n'
        './paramiko/authenticator.py:45:46: E226 missing whitespace around arithmetic operator\n'
        './paramiko/authenticator.py:45:53: E226 missing whitespace around arithmetic operator\n'
        '\n'
        'The command "flake8" exited with 1.'
    ),
          argv=[], exit_code=None, category='syntax',
          facts={'tool': 'flake8', 'file': './paramiko/authenticator.py', 'line': 45},
          source='shared/benchmarks/ci_logs.jsonl case 60, log_tail lines 47-60'),
    from_fixture('syntax.flake8', 'python.syntax_error', 'python-syntaxerror-compileall'),
    # captured here: Python 3.11.7 -m json.tool on a package.json with a trailing comma
    Match('syntax.json', 'Expecting property name enclosed in double quotes: line 4 column 1 (char 41)\n',
          argv=['/root/.pyenv/versions/3.11.7/bin/python3', '-m', 'json.tool', 'package.json'], exit_code=1, category='syntax',
          facts={'tool': 'python'},
          source='captured here: Python 3.11.7 -m json.tool on a package.json with a trailing comma'),
    # captured here: node v20.20.2, JSON.parse of a file with a trailing comma
    NoMatch('syntax.json', 'node.SyntaxError', (
        '<anonymous_script>:3\n'
        '}\n'
        '^\n'
        '\n'
        'SyntaxError: Expected double-quoted property name in JSON at position 19\n'
        '    at JSON.parse (<anonymous>)\n'
        '    at Object.<anonymous> (/tmp/heal-rt-t2vx8esw/index.js:2:21)\n'
        '    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n'
        '    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)\n'
        '    at Module.load (node:internal/modules/cjs/loader:1266:32)\n'
        '    at Module._load (node:internal/modules/cjs/loader:1091:12)\n'
        '    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)\n'
        '    at node:internal/main/run_main_module:28:49\n'
        '\n'
        'Node.js v20.20.2\n'
    ),
            argv=['node', 'index.js'], exit_code=1,
            source='captured here: node v20.20.2, JSON.parse of a file with a trailing comma'),
    from_fixture('syntax.json', 'python.JSONDecodeError', 'python-json-decode-error-named-file'),
    # shared/benchmarks/ci_logs.jsonl case 174, the whole log_tail
    Match('network.transfer', (
        'ERROR: no certificate subject alternative name matches\n'
        "\trequested host name 'registry.example'.\n"
        "To connect to registry.example insecurely, use `--no-check-certificate'.\n"
        '+ nn4.small2.v1.t7: Error in wget.\n'
        'ERROR: no certificate subject alternative name matches\n'
        "\trequested host name 'registry.example'.\n"
        "To connect to registry.example insecurely, use `--no-check-certificate'.\n"
        '+ celeb-classifier.nn4.small2.v1.pkl: Error in wget.'
    ),
          argv=[], exit_code=None, category='network',
          facts={},
          source='shared/benchmarks/ci_logs.jsonl case 174, the whole log_tail'),
    from_fixture('network.transfer', 'network.curl', 'network-curl-tls-self-signed'),
    # quoted from github.com/firebase/firebase-tools/issues/865 (firebase deploy on Travis CI)
    Match('deploy.push', 'Error: HTTP Error: 500, Internal error encountered.\n',
          argv=['firebase', 'deploy'], exit_code=None, category='deployment',
          facts={'tool': 'firebase'},
          source='quoted from github.com/firebase/firebase-tools/issues/865 (firebase deploy on Travis CI)'),
    from_fixture('deploy.push', 'git.push_rejected', 'git-push-rejected-non-fast-forward'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)
