#!/bin/sh
# heal git hook: @HOOK@ (heal-hook-id: 9d3c41a7)
# Installed by `heal hooks install git`; `heal hooks uninstall git` puts back exactly what was here before,
# kept meanwhile beside this file as @HOOK@.heal-legacy, which this hook runs first, once, with the same
# arguments and stdin. Off for one command: HEAL=0 git commit ..., or SKIP=heal as with pre-commit.
HEAL_PYTHON=@HEAL_PYTHON@
legacy="$0.heal-legacy"

heal_off() {
    [ "${HEAL:-}" = 0 ] && return 0
    case ",${SKIP:-}," in *,heal,*) return 0 ;; esac
    return 1
}

if ! heal_off; then
    # the Python heal was installed with; else a heal on PATH; else only the previous hook runs
    if [ -x "$HEAL_PYTHON" ]; then
        exec "$HEAL_PYTHON" -m heal hook git @HOOK@ "$0" "$@"
    elif command -v heal >/dev/null 2>&1; then
        exec heal hook git @HOOK@ "$0" "$@"
    fi
    echo "heal: not found ($HEAL_PYTHON, or heal on PATH): the @HOOK@ hook runs without it" >&2
fi
if [ -x "$legacy" ]; then
    exec "$legacy" "$@"
fi
exit 0
