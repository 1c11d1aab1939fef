/* Test stand-in for libaudit's audit_log_user_message(): audisp-remote 4.2 calls it after each
   TLS handshake to write a CRYPTO_SESSION record to the KERNEL's audit log, and exits when that
   fails (as it must in the test namespace, without CAP_AUDIT_WRITE). This one sends the text to
   syslog instead. Loaded only in the sender's own mount namespace, through the root's
   /etc/ld.so.preload (auditd starts its plugins with an empty environment), never on the host. */
#include <syslog.h>

int audit_log_user_message(int fd, int type, const char *message, const char *hostname,
                           const char *addr, const char *tty, int result)
{
    (void)fd;
    syslog(LOG_INFO, "auditstub: type=%d %s hostname=%s addr=%s terminal=%s res=%s", type,
           message, hostname ? hostname : "?", addr ? addr : "?", tty ? tty : "?",
           result ? "success" : "failed");
    return 1;
}
