"""Child process of the crash matrix: applies a plan (or rolls a transaction back) on a sandbox
root and says "go" on stdout right before it starts, so the parent can kill it (SIGKILL) at a
random moment of the work itself. Imports backends and the planner's editor only, so it
starts quickly.
argv: ROOT PLAN_JSON apply | ROOT - rollback TX_ID"""
import json
import sys
import time


def main(root, plan_path, mode, tx_id=None):
    from backends.changes import Change
    from backends.host import Host
    from backends.transaction import Transaction, rollback
    import wizard.plan.drafts  # noqa: F401  (registers the key=value editor EditFile applies with)

    host = Host.for_root(root)
    if mode == "apply":
        with open(plan_path) as handle:
            changes = [Change.from_dict(d) for d in json.load(handle)]
        print("go", flush=True)
        started = time.monotonic()
        result = Transaction.run(host, changes, label="crash matrix")
    else:
        print("go", flush=True)
        started = time.monotonic()
        result = rollback(host, tx_id)
    print(json.dumps({"ok": result.ok, "tx_id": result.tx_id, "error": result.error,
                      "seconds": time.monotonic() - started}), flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
