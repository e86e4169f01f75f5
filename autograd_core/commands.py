"""Subcommands of ``chainrule`` contributed by the engine itself (``chainrule check``)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the engine's subcommands to the ``chainrule`` parser."""
