"""Real-stack test harness: runs the real auditd, audisp-remote, audisp-syslog and rsyslogd
inside a private mount + network + pid namespace (loopback only), so nothing binds on the
host's network and nothing touches the host kernel's audit state (`local_events = no`).

- roots.py: Debian roots with other audit / rsyslog versions and the host tools (mmdebstrap,
  cached in /var/cache/auditd-wizard-tests); ns.open_root runs their daemons with chroot in an
  overlay, inside the namespace.
- nspawn.py, elhost.py, realhost.py: machines booted with systemd-nspawn (own network namespace
  and overlay, CAP_AUDIT_WRITE and CAP_AUDIT_CONTROL dropped) for the wizard's real-host path.
- Root builds run without CAP_AUDIT_WRITE; every daemon is stopped by its PID; mounts live and
  die with private mount namespaces; the machines' cgroups are removed after them."""
