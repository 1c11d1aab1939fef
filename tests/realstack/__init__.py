"""Real-stack test harness: runs the real auditd, audisp-remote, audisp-syslog and rsyslogd
inside a private mount + network + pid namespace (loopback only), so nothing binds on the
host's network and nothing touches the host kernel's audit state (`local_events = no`)."""
