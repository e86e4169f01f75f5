"""Subcommands of ``chainrule`` contributed by the ``nn`` package."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands to the ``chainrule`` parser."""
