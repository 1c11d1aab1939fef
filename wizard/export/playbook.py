"""Writes the exported playbook: site.yml, group_vars, an example inventory and the
auditd_wizard role (defaults, vars, tasks, handlers)."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, List, Optional

from wizard.answers import dump_answers
from wizard.export import file_tasks, native_tasks, rsyslog_tasks, system_tasks
from wizard.export.recording import ExportPlan, export_facts, record_for_export
from wizard.export.variables import answer_variables, described
from wizard.export.yaml_text import dump
from wizard.facts import HostFacts
from wizard.model import Answers
from wizard.plan import auditd
from wizard.plan.queues import native_queues

ROLE = "auditd_wizard"
# Each method's part of the playbook, the same functions in each (one more method = one more module).
METHODS = {"audisp-remote": native_tasks, "rsyslog": rsyslog_tasks}


def group_name(answers: Answers) -> str:
    return "audit_senders" if answers.role == "sender" else "audit_receivers"


def _method(answers: Answers):
    return METHODS[answers.method]


def _whole_files(answers: Answers, plan: ExportPlan) -> List[Dict[str, object]]:
    """Files written whole other than the method's drop-ins (those have tasks of their own).
    auditd.service's drop-in is for EL9 and later only (systemd 240+, wizard.plan.auditd)."""
    dropins = _method(answers).dropin_paths(export_facts().layout)
    entries = [entry for entry in file_tasks.whole_file_entries(plan.files) if entry["path"] not in dropins]
    for entry in entries:
        if entry["path"] == auditd.UNIT_DROPIN:
            entry["min_os_major"] = auditd.UNIT_DROPIN_MIN_OS_MAJOR
    return entries


_OS_MAJOR = ("{{ auditd_wizard_os_release.content | b64decode"
             " | regex_search('(?m)^VERSION_ID=\"?([0-9]+)', '\\1') | first | int }}")


def _role_vars(answers: Answers, plan: ExportPlan, facts: Optional[HostFacts]) -> Dict[str, object]:
    values: Dict[str, object] = {
        "auditd_wizard_prefix": "{{ auditd_wizard_root | regex_replace('/+$', '') }}",
        "auditd_wizard_packages": list(plan.packages),
        "auditd_wizard_files": file_tasks.file_entries(plan.files),
    }
    whole = _whole_files(answers, plan)
    if whole:
        values["auditd_wizard_whole_files"] = whole
    values.update(file_tasks.regexp_vars())
    values.update(_method(answers).role_vars(answers, plan, (facts or export_facts()).layout))
    if answers.selinux.manage:
        values["auditd_wizard_port_label_line"] = system_tasks.PORT_LABEL_LINE
    if system_tasks.wants_firewall(plan):
        values["auditd_wizard_firewall_port"] = "{{ %s }}" % _method(answers).PORT_VARIABLE
        values["auditd_wizard_firewall_rules"] = (
            "{{ [['port', '']] if not auditd_wizard_allowed_senders else "
            "(['rich-rule'] * (auditd_wizard_allowed_senders | length)) | zip(auditd_wizard_allowed_senders) | list }}")
        values["auditd_wizard_zone_in_use"] = (
            "{{ auditd_wizard_firewall_zone or auditd_wizard_default_zone.stdout }}")
    return values


def _main_tasks(answers: Answers, plan: ExportPlan) -> List[Dict[str, object]]:
    tasks = system_tasks.package_tasks(plan)
    tasks.append({"name": "Edit the audit configuration files",
                  "ansible.builtin.include_tasks": "edit_keys.yml",
                  "loop": "{{ auditd_wizard_files }}",
                  "loop_control": {"loop_var": "auditd_wizard_file", "label": "{{ auditd_wizard_file.path }}"}})
    whole = _whole_files(answers, plan)
    if any("min_os_major" in entry for entry in whole):
        tasks.append({"name": "Read os-release (which EL major this host runs)",
                      "ansible.builtin.slurp": {"src": "{{ auditd_wizard_prefix }}/etc/os-release"},
                      "register": "auditd_wizard_os_release"})
    if whole:
        condition = "(item.min_os_major | default(0) | int) <= (auditd_wizard_os_major | int)"
        needs_os = any("min_os_major" in entry for entry in whole)
        tasks.append({"name": "Look for the folders of the files the wizard writes whole",
                      "ansible.builtin.stat": {"path": "{{ auditd_wizard_prefix }}{{ item.path | dirname }}"},
                      "loop": "{{ auditd_wizard_whole_files }}",
                      "loop_control": {"label": "{{ item.path | dirname }}"},
                      "register": "auditd_wizard_whole_dirs"})
        # like the wizard's own write: a missing folder is made 0755 root:root, an existing one kept
        folder: Dict[str, object]     # a task: values of any kind
        folder = {"name": "Make the missing folders of the files the wizard writes whole",
                  "ansible.builtin.file": {"path": "{{ auditd_wizard_prefix }}{{ item.item.path | dirname }}",
                                           "state": "directory", "mode": "0755", "owner": "root",
                                           "group": "root"},
                  "loop": "{{ auditd_wizard_whole_dirs.results }}",
                  "loop_control": {"label": "{{ item.item.path | dirname }}"},
                  "when": "not item.stat.exists"}
        if needs_os:
            folder["vars"] = {"auditd_wizard_os_major": _OS_MAJOR}
            folder["when"] = "not item.stat.exists and " + condition.replace("item.", "item.item.")
        tasks.append(folder)
        task: Dict[str, object]
        task = {"name": "Write the files the wizard writes whole",
                "ansible.builtin.copy": {"dest": "{{ auditd_wizard_prefix }}{{ item.path }}",
                                         "content": "{{ item.content }}", "mode": "{{ item.mode }}"},
                "loop": "{{ auditd_wizard_whole_files }}",
                "loop_control": {"label": "{{ item.path }}"},
                "notify": "Restart auditd"}
        if needs_os:
            task["vars"] = {"auditd_wizard_os_major": _OS_MAJOR}
            task["when"] = condition
        tasks.append(task)
    tasks.extend(_method(answers).file_tasks(answers))
    if answers.selinux.manage:
        tasks.extend(_method(answers).selinux_tasks())
    if system_tasks.wants_firewall(plan):
        tasks.extend(system_tasks.firewall_tasks())
    if system_tasks.wants_service(plan):
        tasks.extend(system_tasks.service_tasks())
    if system_tasks.wants_service(plan, "rsyslog"):
        tasks.extend(rsyslog_tasks.service_tasks())
    return tasks


def _playbook(answers: Answers) -> List[Dict[str, object]]:
    return [{"name": f"Forward audit records: {answers.role}s, method {answers.method} (auditd-wizard)",
             "hosts": group_name(answers),
             "become": True,
             "gather_facts": False,
             "roles": [{"role": ROLE}]}]


def _inventory(answers: Answers) -> str:
    example = "web01.example.com\nweb02.example.com" if answers.role == "sender" else "logs.example.com"
    return (f"# Example inventory: list the hosts to configure under [{group_name(answers)}].\n"
            f"# Run: ansible-playbook -i inventory.ini site.yml --check --diff   (then without --check)\n"
            f"[{group_name(answers)}]\n{example}\n")


def _queues_readme(answers: Answers, facts: HostFacts) -> str:
    if answers.role != "sender" or answers.method != "audisp-remote":
        return ""
    queues = native_queues(answers, facts.event_rate)
    return ("Queues: %s They are sized for %d records/s (%s); every host gets the same "
            "queue_depth and q_depth, so set remote.peak_rate to your busiest host's rate and "
            "export again.\n\n" % (queues.words("/var/spool/audit"), queues.rate, queues.rate_source))


def _readme(answers: Answers, facts: HostFacts) -> str:
    return f"""# auditd-wizard export: {answers.role}, method {answers.method}

Made by `auditd-wizard export ansible` from answers.toml (kept here for reference). Uses
ansible.builtin modules only, so plain ansible-core runs it.

    cp inventory.example.ini inventory.ini   # list your hosts under [{group_name(answers)}]
    ansible-playbook -i inventory.ini site.yml --check --diff
    ansible-playbook -i inventory.ini site.yml

What it does, in the order the wizard's own apply does it: installs the packages, edits the audit
files key by key (the same lines the wizard changes, nothing else), labels a non-default port for
SELinux, opens the listen port in firewalld on a receiver, starts auditd, and restarts auditd when
a file changed with `service auditd restart` (or `auditctl --signal TERM` and a start where the
`service` command is missing), never `systemctl restart auditd`, which auditd refuses.

{_queues_readme(answers, facts)}{_method(answers).README}A second run changes nothing. Per-group and per-host values are variables (group_vars/, or
host_vars/HOST.yml); everything else follows the answers: change them and export again.
"""


def _handlers(answers: Answers, plan: ExportPlan) -> str:
    reload_units = any(system_tasks.reloads_units(c) for c in plan.commands)
    return _method(answers).handler_text(system_tasks.handler_tasks(reload_units))


def write_playbook(answers: Answers, directory: Path, facts: Optional[HostFacts] = None,
                   event_rate=None) -> List[Path]:
    refusal = _method(answers).refusal(answers)
    if refusal:
        from wizard.export import ExportError
        raise ExportError(refusal)
    facts = dataclasses.replace(facts or export_facts(), event_rate=event_rate)
    plan = record_for_export(answers, facts)
    system_tasks.check_covered(plan)
    variables = answer_variables(answers)
    role = directory / "roles" / ROLE
    documents = {
        directory / "site.yml": dump(_playbook(answers), "Made by auditd-wizard export ansible."),
        directory / "group_vars" / f"{group_name(answers)}.yml":
            dump(variables, "Values for every host of the group; override one host in host_vars/HOST.yml.\n"
                            + described(list(variables))),
        directory / "inventory.example.ini": _inventory(answers),
        directory / "answers.toml": dump_answers(answers),
        directory / "README.md": _readme(answers, facts),
        role / "defaults" / "main.yml": dump(variables, "Defaults from the answers; group_vars/ overrides them."),
        role / "vars" / "main.yml": dump(_role_vars(answers, plan, facts),
                                         "What the wizard's planner does for these answers; export again to change it."),
        role / "tasks" / "main.yml": dump(_main_tasks(answers, plan)),
        role / "tasks" / "edit_keys.yml": file_tasks.edit_keys_tasks(),
        role / "handlers" / "main.yml": _handlers(answers, plan),
        role / "meta" / "main.yml": dump({"galaxy_info": {
            "author": "auditd-wizard", "description": "Audit record forwarding as auditd-wizard sets it up",
            "license": "MIT", "min_ansible_version": "2.14",
            "platforms": [{"name": "EL", "versions": ["8", "9", "10"]}]}, "dependencies": []}),
    }
    written = []
    for path, text in documents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
