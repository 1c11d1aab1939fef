"""The part of the playbook that edits audit's `key = value` files, replaying the planner's
edits with the rules of wizard/conf.py so the result is byte for byte the wizard's own:

* a key with an active line: the LAST active line is rewritten (lineinfile replaces the last
  line its regexp matches), unless it already holds the value (compared case-insensitively,
  as wizard.plan.drafts does);
* else the FIRST commented template (`#key =`, `##key = 60`) becomes the setting
  (lineinfile `firstmatch`);
* else the line goes after the last active line of the file (`insertafter`), or at the end;
* a removed key loses every active line (lineinfile `state: absent`).
Which case applies is read from the file once (slurp) before its edits, in the planner's order.
"""
from __future__ import annotations

from typing import Dict, List

from wizard.export.recording import FileEdits
from wizard.export.variables import lifted_variable
from wizard.export.yaml_text import dump

# The same lines wizard/conf.py calls active (`_ACTIVE`) and template (`_TEMPLATE`).
ANY_ACTIVE = r"^[ \t]*[^\s#=]+[ \t]*="
ACTIVE_KEYS = r"(?m)^[ \t]*([^\s#=]+)[ \t]*="
TEMPLATE_KEYS = r"(?m)^[ \t]*#+[ \t]*([A-Za-z0-9_]+)[ \t]*="


def active_regexp(key: str) -> str:
    return r"^[ \t]*(?i:%s)[ \t]*=" % key


def template_regexp(key: str) -> str:
    return r"^[ \t]*#+[ \t]*(?i:%s)[ \t]*=" % key


def setting_items(record: FileEdits) -> List[Dict[str, object]]:
    items = []
    for edit in record.edits:
        item: Dict[str, object] = {"key": edit.key}
        if edit.value is None:
            item["state"] = "absent"
        else:
            variable = lifted_variable(record.path, edit.key)
            item["value"] = "{{ %s }}" % variable if variable else edit.value
            if edit.only_if_set:
                item["only_if_set"] = True   # the planner sets it only when the file has it
        item["active"] = active_regexp(edit.key)
        item["template"] = template_regexp(edit.key)
        items.append(item)
    return items


def file_entries(records: List[FileEdits]) -> List[Dict[str, object]]:
    return [{"path": r.path, "settings": setting_items(r)}
            for r in records if r.edits]


def whole_file_entries(records: List[FileEdits]) -> List[Dict[str, object]]:
    return [{"path": r.path, "content": r.replaced[0], "mode": "0%o" % r.replaced[1]}
            for r in records if r.replaced is not None]


_SETTING_WHEN = (
    "auditd_wizard_read.content is defined and ("
    "(item.state | default('present') == 'absent' and item.key | lower in auditd_wizard_active_keys) or "
    "(item.state | default('present') == 'present'"
    " and not (item.only_if_set | default(false) and item.key | lower not in auditd_wizard_active_keys)"
    " and (auditd_wizard_text | regex_findall('(?m)' ~ item.active ~ '(.*)$') | last | default('') | trim | lower)"
    " != (item.value | string | trim | lower)))")


def edit_keys_tasks() -> str:
    path = "{{ auditd_wizard_prefix }}{{ auditd_wizard_file.path }}"
    tasks = [
        {"name": "Look for {{ auditd_wizard_file.path }}",
         "ansible.builtin.stat": {"path": path},
         "register": "auditd_wizard_stat"},
        {"name": "Read {{ auditd_wizard_file.path }}",
         "ansible.builtin.slurp": {"src": path},
         "register": "auditd_wizard_read",
         # In check mode a file the package install would create is not there yet.
         "when": "auditd_wizard_stat.stat.exists or not ansible_check_mode"},
        # Which keys have an active line and which a commented template, before any edit.
        {"name": "Find the settings and templates in {{ auditd_wizard_file.path }}",
         "ansible.builtin.set_fact": {
             "auditd_wizard_text": "{{ auditd_wizard_read.content | default('') | b64decode }}",
             "auditd_wizard_active_keys":
                 "{{ auditd_wizard_read.content | default('') | b64decode"
                 " | regex_findall(auditd_wizard_active_keys_re) | map('lower') | list }}",
             "auditd_wizard_template_keys":
                 "{{ auditd_wizard_read.content | default('') | b64decode"
                 " | regex_findall(auditd_wizard_template_keys_re) | map('lower') | list }}"}},
        {"name": "Set keys in {{ auditd_wizard_file.path }}",
         "ansible.builtin.lineinfile": {
             "path": path,
             "line": "{{ item.key }} = {{ item.value | default('') }}",
             "regexp": "{{ item.active if item.key | lower in auditd_wizard_active_keys"
                       " else (item.template if item.key | lower in auditd_wizard_template_keys else omit) }}",
             "firstmatch": "{{ item.key | lower not in auditd_wizard_active_keys"
                           " and item.key | lower in auditd_wizard_template_keys }}",
             "insertafter": "{{ auditd_wizard_any_active_line }}",
             "state": "{{ item.state | default('present') }}"},
         "loop": "{{ auditd_wizard_file.settings }}",
         "loop_control": {"label": "{{ item.key }}"},
         "when": _SETTING_WHEN,
         "notify": "Restart auditd"},
    ]
    return dump(tasks, "Edit one audit `key = value` file the way auditd-wizard does (see the role's README).\n"
                       "Included once per file from main.yml with auditd_wizard_file = {path, settings}.")


def regexp_vars() -> Dict[str, str]:
    return {"auditd_wizard_any_active_line": ANY_ACTIVE,
            "auditd_wizard_active_keys_re": ACTIVE_KEYS,
            "auditd_wizard_template_keys_re": TEMPLATE_KEYS}
