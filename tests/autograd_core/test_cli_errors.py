"""argparse's own refusals take the one error path of ``chainrule``: one line on stderr,
``chainrule <command>: error: ...``, status 2, no usage block, for every command alike."""

from __future__ import annotations

import pytest

from autograd_core.cli import main


@pytest.mark.parametrize(
    ("args", "prog", "fragment"),
    [
        (["check", "y = x*x", "x=1", "--eps", "abc"], "chainrule check", "argument --eps: invalid float value: 'abc'"),
        (["check", "y = x*x", "x=1", "--bogus"], "chainrule check", "unrecognized arguments: --bogus"),
        (["check"], "chainrule check", "the following arguments are required: formula"),
        (["draw", "y = x*x", "x=1", "--no-such-flag"], "chainrule draw", "unrecognized arguments: --no-such-flag"),
        (["train", "--epochs", "many"], "chainrule train", "argument --epochs"),
        (["check-engine", "engine.py", "--bogus"], "chainrule check-engine", "unrecognized arguments: --bogus"),
        (["no-such-command"], "chainrule", "invalid choice: 'no-such-command'"),
    ],
)
def test_a_bad_flag_or_argument_is_one_line_and_status_2(capsys, args, prog, fragment):
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{prog}: error: ") and fragment in lines[0], lines[0]
    assert lines[0].endswith(f"(see {prog} --help)")


def test_help_still_prints_and_exits_0(capsys):
    assert main(["check-engine", "--help"]) == 0  # returned, once the help is flushed, as every status is
    assert "exit status:" in capsys.readouterr().out
