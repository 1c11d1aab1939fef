"""The layers wizard/, screens/ and backends/ are installed inside the one package
`auditd_wizard` (see packaging/auditd_wizard/__init__.py); the metadata is in pyproject.toml."""
from setuptools import find_packages, setup

LAYERS = ("wizard", "screens", "backends")
# Every file of a layer that is not Python (tests/test_packaging.py checks none is left out).
PACKAGE_DATA = {"wizard": ["fixtures/**/*", "compliance/*.json"], "screens": ["*.tcss"]}

if __name__ == "__main__":
    setup(
        packages=["auditd_wizard"] + [f"auditd_wizard.{name}"
                                      for name in find_packages(include=[f"{layer}*" for layer in LAYERS])],
        package_dir={"auditd_wizard": "packaging/auditd_wizard",
                     **{f"auditd_wizard.{layer}": layer for layer in LAYERS}},
        package_data={f"auditd_wizard.{layer}": globs for layer, globs in PACKAGE_DATA.items()},
    )
