"""``chainrule check-engine``: check a hand-written micrograd-style engine from the shell.

``chainrule check-engine path/to/engine.py:Value`` loads the file, takes the class (``Value``
when no ``:Class`` is given; ``package.module:Class`` imports an installed module instead) and
runs :func:`autograd_core.testing.check_engine` on it.  Exit status 0 when every property
holds, 1 when one fails (the report explains the first), 2 for bad input, said in one line: a
missing file, a file that does not load, no such class, a class that is not Value-like, a bad
flag.

Example:
    $ chainrule check-engine examples/broken_engine.py:Value
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..check.engine.guard import describe_error, run_guarded
from ..extras import require
from ..words import format_number
from .errors import UsageError

__all__ = ["load_class", "register", "run_check_engine"]

#: Seconds the engine's file may take to load (its top-level code runs: a demo, a print).
LOAD_TIMEOUT = 60.0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``chainrule check-engine`` to the ``chainrule`` parser."""
    parser = subparsers.add_parser(
        "check-engine",
        help="property-test your own micrograd-style Value class against finite differences",
        description=(
            "Find the ops a micrograd-style value class has, then check each op alone, a node used twice, "
            "the topological order of backward, random expressions (shrunk to the smallest that fails), "
            "backward() twice, zero_grad and a 10,000-node chain. The report explains the first failure "
            "with the smallest example, as code for your class."
        ),
        epilog=(
            "example: chainrule check-engine engine.py:Value\n\n"
            "exit status:\n"
            "  0  every property holds (notes and limits are printed, not counted)\n"
            "  1  a property fails (or the engine hangs): the report names the op or the property\n"
            "  2  bad input: a missing file, a file that fails to load, no such class, a class that is\n"
            "     not Value-like, a bad flag (one line on stderr)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", metavar="FILE.py[:CLASS]", help="the engine's file and class (default class: Value)")
    parser.add_argument(
        "--adapter", action="append", default=[], metavar="NAME=SPELLING",
        help="your spelling of data, grad, backward, zero_grad, tanh, exp, relu, log or sigmoid, e.g. tanh=th "
             "(repeat the flag, or separate with commas)",
    )
    parser.add_argument("--strict", action="store_true",
                        help="a second backward() that neither accumulates nor starts afresh, or a zero_grad that "
                             "leaves a gradient, fails the check")
    parser.add_argument("--max-examples", default="100", metavar="N", help="examples per property (default 100)")
    parser.add_argument("--timeout", default="5", metavar="SECONDS",
                        help="seconds one small graph may take before the engine counts as hanging (default 5)")
    parser.set_defaults(func=run_check_engine)


def run_check_engine(args: argparse.Namespace) -> int:
    """``chainrule check-engine``: print the report; 0 when it passes, 1 when a property fails."""
    # The check runs on hypothesis (the dev extra): loaded when the command runs, not when the
    # parser is built, so the other commands work without it; a missing one is named with its extra.
    require("hypothesis", "dev", "chainrule check-engine")
    from ..check.engine import probe, properties

    max_examples = _whole_number(args.max_examples, "--max-examples")
    timeout = _seconds(args.timeout, "--timeout")
    adapter = _adapter(args.adapter, probe.ADAPTER_KEYS)
    value_class = load_class(args.target, timeout=max(LOAD_TIMEOUT, timeout))
    try:
        report = properties.check_engine(value_class, adapter=adapter, strict=args.strict,
                                         max_examples=max_examples, timeout=timeout, raise_exception=False)
    except probe.EngineInputError as error:
        raise UsageError(f"{args.target}: {str(error).removeprefix('check_engine: ')}") from None
    print(report)
    return 0 if report.passed else 1


def _whole_number(text: str, flag: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{flag} must be a whole number, 1 or more, got {text!r}") from None
    if value < 1:
        raise UsageError(f"{flag} must be a whole number, 1 or more, got {text!r}")
    return value


def _seconds(text: str, flag: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise UsageError(f"{flag} must be a number of seconds above 0, got {text!r}")
    return value


def _adapter(items: list[str], keys: Sequence[str]) -> dict[str, str] | None:
    """``["tanh=th,exp=ex", "grad=g"]`` -> ``{"tanh": "th", "exp": "ex", "grad": "g"}``, each
    name one of ``keys``."""
    adapter: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            name, sep, spelling = (p.strip() for p in part.partition("="))
            if not sep or not name or not spelling:
                raise UsageError(f"--adapter takes NAME=SPELLING, e.g. tanh=th; got {part.strip()!r}")
            if name not in keys:
                raise UsageError(f"--adapter: {name!r} is not one of {', '.join(keys)}")
            if not spelling.isidentifier():
                raise UsageError(f"--adapter: {name}={spelling} is not a Python attribute name")
            adapter[name] = spelling
    return adapter or None


def load_class(target: str, *, timeout: float = LOAD_TIMEOUT) -> type:
    """The class named by ``engine.py:Value`` (a file) or ``package.module:Value`` (an import).

    Raises :class:`UsageError` naming what is wrong: the file, the module, the class.
    """
    source, class_name = _split(target)
    if source.endswith(".py") or "/" in source or "\\" in source or Path(source).exists():
        module = _load_file(Path(source), timeout)
        where = source
    else:
        module = _import(source, timeout)
        where = f"module {source}"
    if not class_name.isidentifier():
        raise UsageError(f"{target}: {class_name!r} is not a class name")
    value_class = getattr(module, class_name, None)
    if value_class is None:
        classes = sorted(n for n, v in vars(module).items() if isinstance(v, type) and not n.startswith("_")
                         and getattr(v, "__module__", None) == module.__name__)
        found = f"; its classes: {', '.join(classes)}" if classes else "; it defines no class"
        raise UsageError(f"{where} has no class {class_name}{found}")
    if not isinstance(value_class, type):
        raise UsageError(f"{where}: {class_name} is a {type(value_class).__name__}, not a class")
    return value_class


def _split(target: str) -> tuple[str, str]:
    if not target.strip():
        raise UsageError("give the engine as FILE.py[:CLASS], e.g. engine.py:Value")
    if target.endswith(".py") or ":" not in target:
        return target, "Value"
    source, _, name = target.rpartition(":")
    if not source:
        raise UsageError(f"{target}: give the file before the colon, e.g. engine.py:{name}")
    return source, name or "Value"


def _load_file(path: Path, timeout: float) -> Any:
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    name = f"_chainrule_engine_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot be loaded as Python (is it a .py file?)")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)

    def load() -> None:
        sys.modules[name] = module  # dataclasses and pickling look the module up while it runs
        sys.path.insert(0, folder)  # the engine may import files beside it
        try:
            spec.loader.exec_module(module)  # type: ignore[union-attr]
        except BaseException:
            sys.modules.pop(name, None)
            raise
        finally:
            if folder in sys.path:
                sys.path.remove(folder)

    _run_loader(load, f"{path}", timeout, str(path.resolve()))
    return module


def _import(name: str, timeout: float) -> Any:
    box: dict[str, Any] = {}

    def load() -> None:
        box["module"] = importlib.import_module(name)

    try:
        _run_loader(load, f"module {name}", timeout, None)
    except UsageError as error:
        if "ModuleNotFoundError" in str(error):
            raise UsageError(f"{name}: no such file or module") from None
        raise
    return box["module"]


def _run_loader(load: Any, what: str, timeout: float, source: str | None) -> None:
    """Run the file's top-level code (its prints hidden) with a time bound; one line if it fails."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        outcome = run_guarded(load, timeout)
    if outcome.timed_out:
        raise UsageError(
            f"{what} did not finish loading within {format_number(timeout)} s (does it run a long demo at import?)"
        )
    error = outcome.error
    if isinstance(error, SyntaxError):
        raise UsageError(f"{what}: a syntax error at line {error.lineno}: {error.msg}")
    if error is not None:
        raise UsageError(f"{what} raised {describe_error(error, source)} while loading")
