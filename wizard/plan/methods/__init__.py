"""One module per forwarding method, each with the same shape:

    NAME                    the answers' `method` value
    install(ctx)            step 1: the packages the method needs
    plugin(ctx)             step 3 (sender): the audit plugin that hands records over
    remote(ctx)             step 4 (sender): where and how records go
    selinux_firewall(ctx)   step 5: port labels on both ends, the firewall on the receiver
    receiver(ctx)           step 6 (receiver): listening and storing
    security(ctx)           step 8: encryption and access control of this method
    restart(ctx, labels)    last: restart the daemons whose files changed or whose port gets
                            a label in `labels` (besides auditd)
    planning_paths(layout)  text files besides the audit files the method reads

A third method is one more module here and one more entry in registry.METHODS. This file
imports none of them: reading a setup back (wizard/detect) needs only the drop-ins' names.
"""
