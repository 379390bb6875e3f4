"""Every CLI command and flag is documented in the README."""
from __future__ import annotations

import argparse

from conftest import ROOT

from eventwire.cli import build_parser


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def test_every_command_and_flag_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = []
    for name, p in _commands().items():
        if f"eventwire {name}" not in readme:
            missing.append(name)
        for action in p._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help" and opt not in readme:
                    missing.append(f"{name} {opt}")
    assert not missing, f"not documented in README.md: {missing}"
