"""`chainrule quiz` never prints a number before the prompt that asks for it.

The quiz is driven as a learner drives it: the test reads the output until a prompt appears and
types the right answer, which it takes from its own oracle (derived by hand below, and the
inputs' gradients checked against central differences), never from chainrule.  For every
prompt, no earlier output line may show the number asked, unless that number is one the learner
already holds: a value of the forward pass, the seed, or an answer the learner typed earlier (an
add node passes its gradient on unchanged: d(w*x) is the d(w*x + b) the learner just gave).
"""

from __future__ import annotations

import math
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd_core.steps.exercises import agrees

COMMAND = [sys.executable, "-m", "autograd_core.cli", "quiz"]
ROOT = Path(__file__).resolve().parents[2]
PROMPT = re.compile(r"(?m)^([^\n]*) = \? $")
# a number as the step texts write it; "step 2/3" counters are not numbers the quiz shows
NUMBER = re.compile(r"(?<![\w.(])-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?(?![\w(])")
COUNTER = re.compile(r"step \d+/\d+")


def _read_until_prompt(process: subprocess.Popen, seen: list[str], timeout: float = 60.0) -> str | None:
    """Output up to the next prompt (``... = ? ``), or None when the quiz ended."""
    deadline = time.monotonic() + timeout
    fd = process.stdout.fileno()
    while time.monotonic() < deadline:
        text = "".join(seen)
        if text.endswith("= ? "):
            return text
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            seen.append(chunk.decode())
        elif process.poll() is not None and not select.select([fd], [], [], 0)[0]:
            return None
    raise AssertionError(f"no prompt within {timeout} s; output so far: {''.join(seen)[-500:]!r}")


def drive(arguments: list[str], answer: Callable[[str], str]) -> tuple[list[tuple[str, str, int]], str, int]:
    """Run ``chainrule quiz`` answering each prompt with ``answer(prompt)``; returns the prompts
    with the answer typed and where the output stood when each was asked, the whole output and
    the exit status."""
    process = subprocess.Popen([*COMMAND, *arguments], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT)
    seen: list[str] = []
    asked = []
    try:
        while (text := _read_until_prompt(process, seen)) is not None:
            prompt = PROMPT.findall(text)[-1]
            typed = answer(prompt)
            asked.append((prompt, typed, len(text)))
            seen.append(typed + "\n")  # as a terminal would echo it
            process.stdin.write(typed.encode() + b"\n")
            process.stdin.flush()
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return asked, "".join(seen), status


def _numbers(line: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(COUNTER.sub("", line))]


def told_before_asked(asked: list[tuple[str, str, int]], output: str, expected: dict[str, float],
                      given: list[float]) -> tuple[list[str], int]:
    """The prompts whose number an earlier output line shows (none should), and how many prompts
    were checked (those whose number the learner did not already hold)."""
    told, checked = [], 0
    typed: list[float] = []
    for prompt, answer, position in asked:
        value = expected[prompt]
        if not any(agrees(value, g) for g in [*given, *typed]):
            checked += 1
            earlier = output[:position].splitlines()[:-1]  # the prompt's own line excluded
            shown = [line for line in earlier if any(agrees(n, value) for n in _numbers(line))]
            if shown:
                told.append(f"{prompt} = {value:g} shown before it was asked, in: {shown[0]!r}")
        typed.append(float(answer))
    return told, checked


def central(f: Callable[..., float], values: dict[str, float], name: str, h: float = 1e-6) -> float:
    up, down = dict(values), dict(values)
    up[name] += h
    down[name] -= h
    return (f(**up) - f(**down)) / (2 * h)


def tanh_neuron() -> tuple[dict[str, float], list[float]]:
    """y = tanh(w*x + b) at w=-2, x=0.5, b=0.3, by hand: dy/du = 1 - tanh(u)² for u = w*x + b,
    an add passes it on, a mul sends each input the other input's value times it."""
    w, x, b = -2.0, 0.5, 0.3
    u = w * x + b
    du = 1 - math.tanh(u) ** 2
    expected = {
        "local d/d(w*x + b) of y": du, "d(w*x + b)": du,
        "local d/d(w*x) of w*x + b": 1.0, "local d/db of w*x + b": 1.0, "d(w*x)": du, "db": du,
        "local d/dw of w*x": x, "local d/dx of w*x": w, "dw": du * x, "dx": du * w,
    }

    def f(w: float, x: float, b: float) -> float:
        return math.tanh(w * x + b)

    for name in ("w", "x", "b"):  # the hand derivation against central differences
        assert central(f, dict(w=w, x=x, b=b), name) == pytest.approx(expected[f"d{name}"], rel=1e-7)
    return expected, [w, x, b, w * x, u, math.tanh(u), 1.0]


def answers_from(expected: dict[str, float]) -> Callable[[str], str]:
    return lambda prompt: repr(expected[prompt])


def test_the_neuron_quiz_never_prints_a_gradient_before_asking_for_it():
    expected, given = tanh_neuron()
    asked, output, status = drive(["y = tanh(w*x + b)", "w=-2", "x=0.5", "b=0.3", "--ask", "both"],
                                  answers_from(expected))
    assert status == 0, output
    prompts = [p for p, _, _ in asked]
    assert sorted(prompts) == sorted(expected)  # every local derivative and every gradient, once each
    assert any(p.startswith("local ") for p in prompts)
    told, checked = told_before_asked(asked, output, expected, given)
    # new numbers: tanh's local derivative 0.6347 (d(w*x + b), d(w*x) and db then equal it), dw, dx
    assert told == [] and checked == 3
    assert "score: 10/10 right, 10 at the first try" in output


def test_the_checker_catches_a_quiz_that_tells_first():
    """The old quiz printed a step's text (ending "-> 0.6347") before asking for d(w*x + b)."""
    expected, given = tanh_neuron()
    output = ("step 1/3  y = tanh(w*x + b)   upstream dy = 1\n  d(w*x + b) += 1 x 0.6347   -> 0.6347\n"
              "d(w*x + b) = ? ")
    told, checked = told_before_asked([("d(w*x + b)", "0.6347", len(output))], output, expected, given)
    assert checked == 1 and told and "-> 0.6347" in told[0]


def apple(grad: float) -> tuple[dict[str, float], list[float]]:
    """price = apple*count*tax with an upstream gradient ``grad``: each mul sends the other input."""
    a, c, t = 100.0, 2.0, 1.1
    expected = {
        "local d/d(apple*count) of price": t, "local d/dtax of price": a * c, "d(apple*count)": grad * t,
        "dtax": grad * a * c, "local d/dapple of apple*count": c, "local d/dcount of apple*count": a,
        "dapple": grad * t * c, "dcount": grad * t * a,
    }
    for name, value in (("apple", a), ("count", c), ("tax", t)):
        values = dict(apple=a, count=c, tax=t)
        assert central(lambda apple, count, tax: grad * apple * count * tax, values, name) == pytest.approx(
            expected[f"d{name}"], rel=1e-7)
        assert value in (a, c, t)
    return expected, [a, c, t, a * c, a * c * t, grad]


@pytest.mark.parametrize("grad", [1.0, 1.3])
def test_the_apple_quiz_never_prints_a_gradient_before_asking_for_it(grad):
    expected, given = apple(grad)
    asked, output, status = drive(["price = apple * count * tax", "apple=100", "count=2", "tax=1.1", "--ask",
                                   "both", "--grad", str(grad)], answers_from(expected))
    assert status == 0, output
    assert sorted(p for p, _, _ in asked) == sorted(expected)
    told, checked = told_before_asked(asked, output, expected, given)
    # with upstream 1 each mul's gradient is a forward value (dtax = apple*count = 200); with 1.3
    # the four gradients are new numbers (1.43, 260, 2.86, 143)
    assert told == [] and checked >= (2 if grad == 1.0 else 4)


def test_a_node_used_three_times_is_asked_for_its_total_with_a_note():
    """h = x*y is used three times by f = h*h + h: df/dh = 2h + 1 (by hand), df/dx = (2h + 1) y."""
    x, y = 1.5, -0.4
    h = x * y
    dh = 2 * h + 1
    expected = {"d(h*h)": 1.0, "dh": dh, "dx": dh * y, "dy": dh * x}
    for name, value in (("x", dh * y), ("y", dh * x)):
        f = lambda x, y: (x * y) * (x * y) + x * y  # noqa: E731
        assert central(f, dict(x=x, y=y), name) == pytest.approx(value, rel=1e-7)
    asked, output, status = drive(["h = x * y; f = h * h + h", "x=1.5", "y=-0.4"], answers_from(expected))
    assert status == 0, output
    assert [p for p, _, _ in asked] == ["d(h*h)", "dh", "dx", "dy"]
    told, checked = told_before_asked(asked, output, expected, [x, y, h, h * h, h * h + h, 1.0])
    assert told == [] and checked == 3
    # the total is asked once, with a note that it is a sum over the uses
    note = output.index("(h is used 3 times: its gradient is the sum of what each use sends back)")
    assert note < output.index("dh = ? ")
    # the running sum of h, gathering at step 1, is hidden then; the step that finishes it shows it
    assert re.search(r"d\(h\) +\+= 1 x 1 \(local d/dh = 1\) +-> \? \(asked later\)", output)


def test_a_running_sum_of_an_input_used_by_two_ops_stays_hidden_until_its_total_is_asked():
    """f = x*y + x*z at x=2, y=3, z=-5: df/dx = y + z = -2 (by hand); the step at x*z adds -5 to
    dx first (a partial sum), the step at x*y finishes it."""
    expected = {"d(x*y)": 1.0, "d(x*z)": 1.0, "dz": 2.0, "dx": -2.0, "dy": 2.0}
    asked, output, status = drive(["f = x*y + x*z", "x=2", "y=3", "z=-5"], answers_from(expected))
    assert status == 0, output
    assert {p for p, _, _ in asked} == set(expected)
    before_dx = output[: output.index("dx = ? ")]
    assert "-> ? (asked later)" in before_dx and "-> -5" not in before_dx
    assert "-5 + 3 = -2" in output[output.index("dx = ? "):]  # shown once dx was given


def test_ctrl_c_stops_with_the_score_so_far_and_status_130():
    process = subprocess.Popen([*COMMAND, "price = apple * count * tax", "apple=100", "count=2", "tax=1.1"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    seen: list[str] = []
    try:
        _read_until_prompt(process, seen)
        process.stdin.write(b"1.1\n")
        process.stdin.flush()
        seen.clear()
        _read_until_prompt(process, seen)  # the second question
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    text = "".join(seen) + out.decode()
    assert process.returncode == 130
    assert "score: 1/1 right, 1 at the first try (stopped: interrupted)" in text
    assert err.decode().strip() == "chainrule quiz: interrupted"  # the command line's one path, one line


def test_long_and_odd_answers_get_a_short_refusal():
    long_answer = "1" * 100_000
    odd = iter([long_answer, "exp(1000)", "1e309"])
    asked, output, status = drive(["price = apple * count * tax", "apple=100", "count=2", "tax=1.1"],
                                  lambda prompt: next(odd, "0"))
    assert status == 0
    refusals = [line for line in output.splitlines() if line.startswith("answer:")]
    assert refusals[0] == "answer: too long (100000 characters): write a number or short arithmetic, at most 100"
    # an overflow is refused the same way whether written or computed
    assert refusals[1] == "answer: 'exp(1000)' is not a finite number: every number asked here is finite"
    assert refusals[2] == "answer: '1e309' is not a finite number: every number asked here is finite"
    assert len(output.replace(long_answer, "")) < 5000  # only the echo of the typing is long
    # a refusal spends a try, as a wrong answer does: after three the answer is shown
    assert "the answer: d(apple*count) = 1.1" in output and "right: dtax = 200" not in output


def test_the_score_says_what_to_review():
    expected, _ = tanh_neuron()
    wrong_then_right = {"dw": ["0.5", repr(expected["dw"])], "dx": [""]}

    def answer(prompt: str) -> str:
        if prompt in wrong_then_right and wrong_then_right[prompt]:
            return wrong_then_right[prompt].pop(0)
        return repr(expected[prompt])

    _, output, status = drive(["y = tanh(w*x + b)", "w=-2", "x=0.5", "b=0.3"], answer)
    assert status == 0
    score = output[output.index("score:"):]
    assert score.splitlines() == [
        "score: 4/4 right, 3 at the first try; 1 shown on request",
        "to review:",
        "  dw = upstream d(w*x) x local d/dw = x",
        "  dx = upstream d(w*x) x local d/dx = w",
    ]
