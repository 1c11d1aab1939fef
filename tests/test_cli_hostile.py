"""Hostile command lines (issue #11 item 9): whatever a user types, the wizard never exits 70
("internal error") and never shows a traceback; each bad value is refused with a message that
names the option or the file, and nothing is written."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.test_cli import EXAMPLES, run, snapshot
from wizard.doctor.delivery import ssh_argv
from wizard.errors import EXIT_INTERNAL
from wizard.sandbox import make_demo_root

SENDER = str(EXAMPLES / "sender.toml")


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    make_demo_root(base / "root", "almalinux-9")
    (base / "dir").mkdir()
    (base / "file").write_text("x")
    (base / "big.toml").write_text("# padding\n" * 120_000)           # 1.2 MB of comments
    (base / "latin1.toml").write_bytes(b'role = "sender"\n# caf\xe9\n')
    (base / "deep.toml").write_text("a = " + "[" * 50_000)
    (base / "name.toml").write_text('role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                                    '[auditd]\nname_format = "user"\nname = "web01;id"\n')
    return base


# (argv with {root} {dir} {file} {tmp}, expected exit code, text the message must contain)
CASES = [
    (["rollback", "nope", "--root", "{root}"], 2, "rollback nope: no transaction"),
    (["rollback", "../../etc", "--root", "{root}"], 2, "../../etc"),
    (["rollback", "", "--root", "{root}"], 2, "name a transaction id"),
    (["rollback", "--last", "--root", "{root}"], 2, "no applied transaction"),
    (["rollback", "nope", "--if-unconfirmed", "--root", "{root}"], 2, "nope"),
    (["rollback", "x/y", "--if-unconfirmed", "--root", "{root}"], 2, "x/y"),
    (["confirm", "nope", "--root", "{root}"], 2, "nope"),
    (["confirm", "--root", "{root}"], 2, "no trial apply"),
    (["plan", "--answers", "{dir}", "--root", "{root}"], 2, "{dir}: cannot read: Is a directory"),
    (["plan", "--answers", "/dev/zero", "--root", "{root}"], 2, "/dev/zero: larger than 1 MiB"),
    (["plan", "--answers", "{tmp}/big.toml", "--root", "{root}"], 2, "big.toml: larger than 1 MiB"),
    (["plan", "--answers", "/nonexistent.toml", "--root", "{root}"], 2, "/nonexistent.toml: cannot read"),
    (["plan", "--answers", "/proc/self/mem", "--root", "{root}"], 2, "/proc/self/mem: cannot read"),
    (["plan", "--answers", "{tmp}/latin1.toml", "--root", "{root}"], 2, "latin1.toml: not UTF-8"),
    (["plan", "--answers", "{tmp}/deep.toml", "--root", "{root}"], 2, "deep.toml: not valid TOML"),
    (["plan", "--answers", "{tmp}/name.toml", "--root", "{root}"], 2, "auditd.name"),
    (["apply", "--answers", "{dir}", "--yes", "--root", "{root}"], 2, "{dir}: cannot read"),
    (["apply", "--answers", "{tmp}/name.toml", "--yes", "--root", "{root}"], 2, "not a node name"),
    (["doctor", "--answers", "{dir}", "--root", "{root}"], 2, "{dir}: cannot read"),
    (["answers", "-o", "{dir}", "--root", "{root}"], 2, "{dir}: cannot write: Is a directory"),
    (["answers", "-o", "/dev/full", "--root", "{root}"], 2, "/dev/full: cannot write: No space left"),
    (["answers", "-o", "/nonexistent/x.toml", "--root", "{root}"], 2, "/nonexistent/x.toml: cannot write"),
    (["receiver-answers", "--answers", SENDER, "--sender-address", "192.0.2.9", "-o", "{dir}"], 2,
     "{dir}: cannot write"),
    (["receiver-answers", "--answers", SENDER, "--sender-address", "192.0.2.9", "-o", "/dev/full"], 2,
     "/dev/full: cannot write"),
    (["receiver-answers", "--answers", SENDER, "--sender-address", "192.0.2.9", "--merge", "{dir}"], 2,
     "{dir}: cannot read"),
    (["receiver-answers", "--answers", "{dir}", "--sender-address", "192.0.2.9"], 2, "{dir}: cannot read"),
    (["receiver-answers", "--answers", SENDER, "--sender-address", "x;y"], 2, "sender address"),
    (["export", "ansible", "--answers", SENDER, "-o", "/dev/null"], 2, "/dev/null: exists"),
    (["export", "ansible", "--answers", "{dir}", "-o", "{tmp}/out"], 2, "{dir}: cannot read"),
    (["export", "ansible", "--answers", SENDER, "-o", "/proc/nope/x"], 2, "/proc/nope/x: cannot write"),
    (["demo-root", "/dev/null"], 2, "/dev/null: exists and is not an empty directory"),
    (["demo-root", "/proc/nope"], 2, "/proc/nope: cannot make the sandbox there"),
    (["demo-root", "{file}"], 2, "{file}: exists"),
    (["history", "--root", "{dir}"], 4, "--root {dir}: not a sandbox root"),
    (["history", "--root", "/dev/null"], 4, "--root /dev/null"),
    (["history", "--root", ""], 4, "--root : not a sandbox root"),
    (["--version", "--root", "{dir}"], 4, "--root {dir}"),
    (["test", "--expect", "abcdef", "--wait", "nan", "--root", "{root}"], 2, "argument --wait"),
    (["test", "--expect", "abcdef", "--wait", "inf", "--root", "{root}"], 2, "argument --wait"),
    (["test", "--expect", "abcdef", "--wait", "1e999", "--root", "{root}"], 2, "argument --wait"),
    (["test", "--expect", "abcdef", "--wait=-1", "--root", "{root}"], 2, "argument --wait"),
    (["test", "--expect", "abcdef", "--wait", "86401", "--root", "{root}"], 2, "argument --wait"),
    (["test", "--expect", "abcdef", "--wait", "99999999999999999999", "--root", "{root}"], 2,
     "argument --wait"),
    (["test", "--timeout", "0", "--root", "{root}"], 2, "argument --timeout"),
    (["test", "--timeout", "NaN", "--root", "{root}"], 2, "argument --timeout"),
    (["apply", "--answers", SENDER, "--confirm-within", "99999999999999999999", "--root", "{root}"], 2,
     "argument --confirm-within"),
    (["apply", "--answers", SENDER, "--confirm-within", "nan", "--root", "{root}"], 2,
     "argument --confirm-within"),
    (["apply", "--answers", SENDER, "--confirm-within", "9", "--root", "{root}"], 2,
     "argument --confirm-within"),
    (["apply", "--answers", SENDER, "--confirm-within", "86401", "--root", "{root}"], 2,
     "argument --confirm-within"),
    (["apply", "--answers", SENDER, "--confirm-within", "1.5", "--root", "{root}"], 2,
     "argument --confirm-within"),
    (["apply", "--answers", SENDER, "--confirm-within=-10", "--root", "{root}"], 2,
     "argument --confirm-within"),
    (["test", "--receiver-ssh", "-oProxyCommand=touch {tmp}/pwned", "--root", "{root}"], 2,
     "argument --receiver-ssh"),
    (["test", "--receiver-ssh=-oProxyCommand=touch {tmp}/pwned", "--root", "{root}"], 2,
     "argument --receiver-ssh"),
    (["test", "--receiver-ssh", "root@host;touch {tmp}/pwned", "--root", "{root}"], 2,
     "argument --receiver-ssh"),
    (["test", "--receiver-ssh", "a b@host", "--root", "{root}"], 2, "argument --receiver-ssh"),
    (["test", "--receiver-ssh", "user@-oX", "--root", "{root}"], 2, "argument --receiver-ssh"),
    (["test", "--receiver-ssh", "$(touch {tmp}/pwned)", "--root", "{root}"], 2, "argument --receiver-ssh"),
    (["test", "--receiver-ssh", "", "--root", "{root}"], 2, "argument --receiver-ssh"),
    (["test", "--expect", "zzz", "--root", "{root}"], 2, "argument --expect"),
    (["test", "--expect", "abc;touch x", "--root", "{root}"], 2, "argument --expect"),
    (["test", "--expect", "abcdef", "--node", "a;b", "--root", "{root}"], 2, "argument --node"),
    (["test", "--expect", "abcdef", "--node=-x", "--root", "{root}"], 2, "argument --node"),
    (["test", "--node", "web01", "--root", "{root}"], 2, "--node: only with --expect"),
    (["test", "--expect", "abcdef", "--receiver-ssh", "host", "--root", "{root}"], 2, "--receiver-ssh"),
    (["--start-at", "99", "--root", "{root}"], 2, "needs a terminal"),
    (["--os", "nope", "--demo"], 2, "argument --os"),
    (["doctor", "--role", "x", "--root", "{root}"], 2, "argument --role"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["apply", "--root", "{root}"], 2, "--answers"),
    (["--demo", "--root", "{root}"], 2, "--demo"),
    (["--root", "{root}", "history"], 2, "--root before `history`"),
    (["--root={root}", "apply", "--answers", SENDER, "--yes"], 2, "--root before `apply`"),
    (["--ascii", "plan", "--answers", SENDER, "--root", "{root}"], 2, "--ascii before `plan`"),
    (["--version", "--demo"], 2, "not allowed with argument"),
    (["rollback", "--after", "5", "--root", "{root}"], 2, "--after: only with --if-unconfirmed"),
]


def _fill(place, text: str) -> str:
    return text.format(root=place / "root", dir=place / "dir", file=place / "file", tmp=place)


def _state(place):
    """The sandbox as tests/test_cli.snapshot sees it, and every other file next to it."""
    around = {str(p.relative_to(place)): p.lstat().st_size for p in place.rglob("*")
              if p.relative_to(place).parts[0] != "root"}
    return snapshot(place / "root"), around


def _main(capsys, argv):
    try:
        return run(capsys, *argv)
    except SystemExit as done:   # argparse's refusals
        out, err = capsys.readouterr()
        return done.code, out, err


def test_there_are_at_least_50_cases():
    assert len(CASES) >= 50


@pytest.mark.parametrize("argv,code,says", CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_hostile_argument_is_refused_by_name(place, capsys, argv, code, says):
    before = _state(place)
    got, out, err = _main(capsys, [_fill(place, a) for a in argv])
    assert "Traceback" not in out + err and "internal error" not in err
    assert got == code, err
    assert _fill(place, says) in err
    assert not (place / "pwned").exists()
    assert _state(place) == before   # nothing written, in the sandbox or next to it


def test_ssh_gets_the_target_after_double_dash_and_each_remote_argument_quoted():
    argv = ssh_argv("admin@logs.example.com", ["auditd-wizard", "--node", "a b;touch x"], 5)
    assert argv[argv.index("--") + 1] == "admin@logs.example.com"
    assert argv[-1] == "'a b;touch x'" and argv[-3] == "auditd-wizard"
    with pytest.raises(ValueError, match="receiver over ssh"):
        ssh_argv("-oProxyCommand=touch /tmp/x", ["auditd-wizard"], 5)


SLOTS = [
    ["rollback", "{}", "--root", "{root}"],
    ["confirm", "{}", "--root", "{root}"],
    ["plan", "--answers", "{}", "--root", "{root}"],
    ["test", "--expect", "{}", "--wait", "0", "--root", "{root}"],
    ["test", "--expect", "abcdef", "--node", "{}", "--wait", "0", "--root", "{root}"],
    ["test", "--expect", "abcdef", "--wait", "{}", "--root", "{dir}"],
    ["test", "--timeout", "{}", "--root", "{dir}"],
    ["test", "--receiver-ssh", "{}", "--root", "{dir}"],
    ["apply", "--answers", "/nonexistent.toml", "--confirm-within", "{}", "--root", "{root}"],
    ["receiver-answers", "--answers", SENDER, "--sender-address", "{}"],
    ["history", "--root", "{}"],
    ["--start-at", "{}", "--root", "{root}"],
    ["doctor", "--role", "{}", "--root", "{root}"],
    ["demo-root", "--os", "{}", "{dir}/new"],
]
hostile_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    st.sampled_from(["-oProxyCommand=id", "--", "-", "nan", "inf", "-inf", "1e309", "0x10", "١٢",
                     "99999999999999999999999", "../../../etc/passwd", "/dev/zero", "/proc/self/mem",
                     "$(id)", "`id`", "a;b", "a\nb", "é", " ", ""]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(SLOTS), value=hostile_text)
def test_random_hostile_values_never_exit_70_nor_traceback(place, capsys, template, value):
    argv = [value if part == "{}" else _fill(place, part) for part in template]
    code, out, err = _main(capsys, argv)
    assert code != EXIT_INTERNAL and "Traceback" not in out + err and "internal error" not in err
    if code not in (0, 3):
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines, "refused without a word"
        assert all(line.startswith(("auditd-wizard", "usage: auditd-wizard", " ")) for line in lines), err
