"""Child process of the fault harness: applies a plan and kills itself with SIGKILL at a chosen
point, like a power cut. argv: ROOT PLAN_JSON MODE K HOST_FACTORY
  MODE "event": at the K-th event (0-based) the transaction reports;
  MODE "after-apply": right after change K's apply returns, before the journal says "applied"."""
import importlib
import json
import os
import signal
import sys


def resolve(spec):
    module, _, attr = spec.partition(":")
    target = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def main(root, plan_path, mode, k, host_factory):
    from backends.changes import Change
    from backends.transaction import Transaction
    import wizard.plan.drafts  # noqa: F401  registers the editor EditFile applies with, as planning does

    k = int(k)
    host = resolve(host_factory)(root)
    with open(plan_path) as handle:
        changes = [Change.from_dict(d) for d in json.load(handle)]
    seen = []

    def on_event(event):
        seen.append(event)
        if mode == "event" and len(seen) - 1 == k:
            die()

    if mode == "after-apply":
        real_apply = changes[k].apply

        def apply_then_die(h):
            real_apply(h)
            die()
        changes[k].apply = apply_then_die

    Transaction.run(host, changes, label="fault child", on_event=on_event)
    sys.exit(3)  # never reached when the kill point exists


if __name__ == "__main__":
    main(*sys.argv[1:])
