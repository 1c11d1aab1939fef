"""auditd-wizard, installed as one package so that nothing it installs shadows, or is shadowed
by, another distribution's top-level package: its three layers (wizard/, screens/, backends/)
are installed inside this package, and main() puts their folder first on sys.path before it
imports them, in the wizard's own process only."""
import os
import sys
from importlib.util import find_spec


def code_folder() -> str:
    """The folder holding wizard/, screens/ and backends/: this package's own folder when
    installed (wheel, pipx, the pyz), the source checkout in an editable install."""
    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.isdir(os.path.join(here, "wizard")):
        return here
    spec = find_spec(f"{__name__}.wizard")
    return os.path.dirname(list(spec.submodule_search_locations)[0])


def main() -> int:
    folder = code_folder()
    if folder not in sys.path:
        sys.path.insert(0, folder)
    # Imported here and not at the top: the layers are importable only once their folder is
    # on sys.path (the one import of this kind in the project).
    from wizard.cli import main as cli_main
    return cli_main()
