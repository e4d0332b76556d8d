"""The shipped playbooks (patterns/playbooks/*.toml) are valid against the code they name: they load, their
match.rules name rules that exist, their steps name registered actions and kinds; and a malformed playbook
is a one-line PlaybookError naming the field."""

from __future__ import annotations

import glob
import os

import pytest

import heal.fixes

from heal.fixes.playbooks import Playbook, PlaybookError, load, load_all, playbook_dir

from diagnose.ruleids import all_rule_ids, id_pattern

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = sorted(glob.glob(os.path.join(ROOT, "patterns", "playbooks", "*.toml")))
# actions whose steps name a kind (the module's KINDS)
KINDS = {name: set(m.KINDS) for name, m in heal.fixes.ACTIONS.items() if hasattr(m, "KINDS")}


def names_a_rule(entry: str, ids: list[str]) -> bool:
    """A playbook's match.rules entry is a rule id or a prefix of one (playbooks match by prefix);
    `pytest.collection.ModuleNotFoundError` is one of the ids `pytest.collection.*` stands for."""
    return any(i == entry or i.startswith(entry) or ("*" in i and id_pattern(i).match(entry)) for i in ids)


def books() -> list[Playbook]:
    loaded, errors = load_all(os.path.join(ROOT, "patterns", "playbooks"))
    assert not errors, errors
    return loaded


def test_every_shipped_playbook_loads():
    assert len(SHIPPED) >= 10
    loaded = books()
    assert sorted(b.path for b in loaded) == SHIPPED
    ids = [b.id for b in loaded]
    assert len(ids) == len(set(ids)), f"two playbooks share an id: {ids}"


def test_the_installed_package_ships_the_same_playbooks():
    assert sorted(os.listdir(playbook_dir())) == sorted(os.path.basename(p) for p in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[os.path.basename(p)[:-5] for p in SHIPPED])
def test_match_rules_name_known_rules(path):
    ids = all_rule_ids()
    unknown = [r for r in load(path).rules if not names_a_rule(r, ids)]
    assert not unknown, f"{os.path.basename(path)}: match.rules names no known rule id or id prefix: {unknown} " \
                        "(a renamed rule? see tests/diagnose/rule_ids.txt)"


@pytest.mark.parametrize("path", SHIPPED, ids=[os.path.basename(p)[:-5] for p in SHIPPED])
def test_steps_name_registered_actions_and_kinds(path):
    for i, step in enumerate(load(path).steps):
        assert step["action"] in heal.fixes.ACTIONS, f"steps[{i}].action {step['action']!r} is not registered"
        if step["action"] in KINDS:
            assert step.get("kind") in KINDS[step["action"]], \
                f"steps[{i}].kind {step.get('kind')!r} is not a kind of action {step['action']}"
        else:
            assert "kind" not in step


def test_one_registry_every_action_declares_its_options():
    # heal.fixes.ACTIONS is the one registry: the loader checks a step's options against the action's OPTIONS
    for name, module in heal.fixes.ACTIONS.items():
        assert isinstance(module.OPTIONS, dict), name
        assert callable(module.plan), name


@pytest.mark.parametrize("entry, known", [
    ("git.push_rejected", True),  # an id
    ("python.", True),  # a prefix
    ("pytest.collection.ModuleNotFoundError", True),  # an id a function rule builds at run time
    ("git.push_rejected_by_hook", False),
    ("pyhton.", False),
])
def test_names_a_rule(entry, known):
    assert names_a_rule(entry, all_rule_ids()) is known


GOOD = '''id = "demo"
category = "dependency"
description = "demo"
'''
STEP = '''
[[steps]]
action = "install"
'''

# (playbook text, the field its one-line error must name)
MALFORMED = [
    ('category = "dependency"\ndescription = "d"\n' + STEP, "'id'"),
    ('id = "x"\ndescription = "d"\n' + STEP, "'category'"),
    ('id = "x"\ncategory = "dependency"\n' + STEP, "'description'"),
    ('id = "x"\ncategory = "dependencies"\ndescription = "d"\n' + STEP, "'category'"),
    (GOOD + 'risk = "extreme"\n' + STEP, "'risk'"),
    (GOOD + 'id2 = "x"\n' + STEP, "'id2'"),
    (GOOD + 'match = "python."\n' + STEP, "'match'"),
    (GOOD + '[match]\nrule = ["python."]\n' + STEP, "'match.rule'"),
    (GOOD + '[match]\nrules = "python."\n' + STEP, "'rules'"),
    (GOOD + '[match]\nrules = ["python.", 3]\n' + STEP, "'rules'"),
    (GOOD + '[match]\nexit_codes = ["1"]\n' + STEP, "'exit_codes'"),
    (GOOD + '[match]\noutput = ["(unclosed"]\n' + STEP, "'match.output'"),
    (GOOD, "'steps'"),
    (GOOD + 'steps = []\n', "'steps'"),
    (GOOD + '[[steps]]\naction = "reboot"\n', "'steps[0].action'"),
    (GOOD + STEP + '[[steps]]\nkind = "go-get"\n', "'steps[1].action'"),
    (GOOD + '[[steps]]\naction = "install"\nkind = "go-get"\n', "'steps[0].kind'"),
    (GOOD + '[[steps]]\naction = "run"\n', "'steps[0].kind'"),
    (GOOD + '[[steps]]\naction = "run"\nkind = "git-force-push"\n', "'steps[0].kind'"),
    (GOOD + '[[steps]]\naction = "suggest"\nkind = 3\n', "'steps[0].kind'"),
    (GOOD + '[[steps]]\naction = "retry"\nmax_retries = "lots"\n', "'steps[0].max_retries'"),
    (GOOD + '[[steps]]\naction = "retry"\nmax_retries = -1\n', "'steps[0].max_retries'"),
    (GOOD + '[[steps]]\naction = "retry"\nmax_retries_setting = "retry.base"\n', "'steps[0].max_retries_setting'"),
    (GOOD + 'validate = 1\n' + STEP, "'validate'"),
    (GOOD + STEP + '[validate]\nrerun = "yes"\n', "'rerun'"),
    (GOOD + STEP + '[validate]\ncheck = "pytest"\n', "'check'"),
]


@pytest.mark.parametrize("text, field", MALFORMED, ids=[f"{i}-{f.strip(chr(39))}" for i, (_, f) in
                                                         enumerate(MALFORMED)])
def test_a_malformed_playbook_is_a_one_line_error_naming_the_field(tmp_path, text, field):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(PlaybookError) as info:
        load(str(path))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"playbook {path}: ")
    assert field in message, message


def test_a_playbook_that_is_not_toml_is_a_one_line_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD + "[[steps]\naction = 'install'\n")
    with pytest.raises(PlaybookError) as info:
        load(str(path))
    assert "\n" not in str(info.value) and "cannot be read" in str(info.value)


def test_the_well_formed_rows_base_loads(tmp_path):
    # the malformed rows are GOOD + STEP with one field broken: GOOD + STEP itself must load
    path = tmp_path / "good.toml"
    path.write_text(GOOD + STEP)
    book = load(str(path))
    assert (book.id, book.category, book.steps) == ("demo", "dependency", ({"action": "install"},))


def test_one_malformed_playbook_does_not_stop_the_others(tmp_path):
    (tmp_path / "a-bad.toml").write_text(GOOD)
    (tmp_path / "b-good.toml").write_text(GOOD + STEP)
    loaded, errors = load_all(str(tmp_path))
    assert [b.id for b in loaded] == ["demo"]
    assert len(errors) == 1 and "a-bad.toml" in errors[0] and "'steps'" in errors[0]
