"""``chainrule check``: backprop and numerical gradients side by side, a non-zero exit when they
disagree, and the wrong op named."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from autograd_core.cli import main


def rows(output: str) -> dict[str, list[str]]:
    """The table's rows by variable name."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("variable"))
    table = {}
    for line in lines[start + 1 :]:
        parts = line.split()
        if len(parts) < 6:
            break
        table[parts[0]] = parts[1:]
    return table


def test_check_prints_both_gradients_and_exits_zero(capsys):
    status = main(["check", "f = x**3 * exp(y)", "x=2", "y=0.5"])
    out = capsys.readouterr().out
    assert status == 0
    table = rows(out)
    # By hand: df/dx = 3 x^2 e^y, df/dy = x^3 e^y.
    for name, expected in (("x", 12 * math.exp(0.5)), ("y", 8 * math.exp(0.5))):
        backprop, numerical = float(table[name][0]), float(table[name][1])
        assert backprop == pytest.approx(expected, rel=1e-5)
        assert numerical == pytest.approx(expected, rel=1e-5)
        assert float(table[name][3]) < 1e-8  # relative error
        assert table[name][4] == "ok"
    assert "agree" in out


def test_check_with_a_wrong_op_exits_one_and_names_it(wrong_scalar_op, capsys):
    wrong_scalar_op("exp", 1.01)
    status = main(["check", "g = exp(y); f = x**3 * g", "x=2", "y=0.5"])
    out = capsys.readouterr().out
    assert status == 1
    assert rows(out)["y"][4] == "DIFFERENT"
    assert rows(out)["x"][4] == "ok"
    assert "exp node 'g' input 0 ('y')" in out
    assert "DISAGREE" in out


def test_check_reports_a_missing_value_and_exits_two(capsys):
    status = main(["check", "f = x * y", "x=2"])
    err = capsys.readouterr().err
    assert status == 2
    assert "'y'" in err


def test_check_is_installed_as_a_command():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core.cli", "check", "f = tanh(x) * x", "x=0.3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    sech2 = 1 - math.tanh(0.3) ** 2
    assert float(rows(result.stdout)["x"][0]) == pytest.approx(math.tanh(0.3) + 0.3 * sech2, rel=1e-5)


def test_check_at_a_kink_is_inconclusive_not_wrong(capsys):
    """relu'(0) is taken as 0 by backprop while central differences give (relu(h) - relu(-h)) / 2h
    = 0.5: neither is wrong, so the command must not claim the gradients disagree."""
    status = main(["check", "f = relu(x) * y + y * y", "x=0", "y=2"])
    out = capsys.readouterr().out
    assert status == 3
    table = rows(out)
    assert float(table["x"][0]) == 0.0
    assert float(table["x"][1]) == pytest.approx(0.5 * 2, rel=1e-6)  # d/dx of relu(x) * y, averaged at 0
    assert table["x"][4] == "INCONCLUSIVE"
    assert table["y"][4] == "ok"
    assert "kink" in out and "INCONCLUSIVE at a kink" in out
    assert "DISAGREE" not in out


def test_check_at_a_kink_with_a_wrong_op_elsewhere_still_disagrees(wrong_scalar_op, capsys):
    wrong_scalar_op("exp", 1.01)
    status = main(["check", "f = relu(x) + exp(y)", "x=0", "y=0.5"])
    out = capsys.readouterr().out
    assert status == 1
    assert "exp node" in out and "DISAGREE" in out


def test_check_help_documents_the_exit_statuses(capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    for line in ("0  backprop and numerical gradients agree", "1  they disagree", "2  bad input", "3  inconclusive"):
        assert line in out


# -- values where float64 overflows, and steps that cannot work -------------------------------------
def chainrule(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograd_core.cli", *args], capture_output=True, text=True,
                          timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule check: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_overflow_is_reported_as_overflow_not_blamed_on_an_op():
    # (1e200)^2 = 1e400 is beyond float64's largest number, about 1.8e308.
    result = chainrule("check", "y = x*x", "x=1e200")
    # the forward pass is refused where it overflows, naming the node and the values, as every command does
    assert_one_line_error(result, "y = mul(1e200, 1e200) = inf at x=1e200", "float64 overflows there")
    assert "DISAGREE" not in result.stdout + result.stderr


def test_overflow_inside_a_finite_difference_is_overflow_too(capsys):
    # exp(-x*x) at 1e200 is 0 (finite), but x*x overflows inside the finite differences of the mul node
    # (a step of 1e190 is within float64's resolution at 1e200).
    assert main(["check", "y = exp(-x*x)", "x=1e200", "--eps", "1e190"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "overflows" in err and "DISAGREE" not in err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--eps", "nan"], "--eps must be a finite number above 0, got nan"),
        (["--eps", "inf"], "--eps must be a finite number above 0, got inf"),
        (["--eps", "0"], "--eps must be a finite number above 0, got 0"),
        (["--eps=-1e-6"], "--eps must be a finite number above 0, got -1e-06"),
        (["--atol=-1"], "--atol must be a finite number, 0 or more, got -1"),
        (["--rtol", "nan"], "--rtol must be a finite number, 0 or more, got nan"),
    ],
)
def test_tolerances_must_be_usable_numbers(flags, message, capsys):
    assert main(["check", "y = x*x", "x=1", *flags]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"chainrule check: error: {message}\n"


def test_a_step_below_the_inputs_resolution_is_refused(capsys):
    # float64 spacing at 1e154 is about 2e138: x + 1e-6 == x, so every finite difference would be 0.
    assert math.ulp(1e154) > 2e-6
    assert main(["check", "y = x*x", "x=1e154"]) == 2
    assert "below float64's resolution at x=1e+154" in capsys.readouterr().err


def test_bad_eps_through_the_installed_command_is_one_line():
    assert_one_line_error(chainrule("check", "y = x*x", "x=1", "--eps", "nan"), "--eps")
