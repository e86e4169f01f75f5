"""A safe parser for small formulas: ``"price = apple * count * tax"`` -> a graph of ``Value`` nodes.

The text is read with Python's :mod:`ast` and checked against a whitelist: numbers, variable
names, ``+ - * / **``, unary ``-``/``+`` and calls of the one-input scalar ops (:func:`functions`:
``exp log tanh sigmoid relu sin cos`` and any op you defined with ``define_op``), each read from
its op's record.  Nothing is ever passed to ``eval``; anything else (attribute access, other
calls, lambdas, imports, comparisons, subscripts, ...) is refused by name.  Several statements separated by ``;`` (or
newlines) name intermediate nodes; the last statement's target is the output.  A last statement
without a target (``"a * a + a"``) names its result ``out``.

Example:
    >>> from autograd_core.expr import parse
    >>> program = parse("apple_price = apple * count; price = apple_price * tax")
    >>> program.inputs, program.targets, program.output
    (('apple', 'count', 'tax'), ('apple_price', 'price'), 'price')
    >>> nodes = program.evaluate({"apple": 100, "count": 2, "tax": 1.1})
    >>> price = nodes["price"]
    >>> price.backward()
    >>> round(price.data, 9), round(nodes["apple"].grad, 9), nodes["tax"].grad
    (220.0, 2.2, 200.0)
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import operator
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .ops.record import OPS
from .value import Value, apply_scalar_op

__all__ = [
    "ARITHMETIC",
    "OUTPUT_NAME",
    "POINTER_WIDTH",
    "ExpressionError",
    "Program",
    "Statement",
    "apply_arithmetic",
    "functions",
    "parse",
]


def functions() -> tuple[str, ...]:
    """The functions a formula may call, each with one argument: every scalar op of one input
    that is written as a call (not ``-x`` or ``x**3``), built-in or defined with ``define_op``.

    >>> functions()[:7]
    ('exp', 'log', 'tanh', 'sigmoid', 'relu', 'sin', 'cos')
    """
    return tuple(op.name for op in OPS.values() if op.arity == 1 and not op.has_arg and op.infix is None)

#: The name given to the result of a last statement written without ``name =``.
OUTPUT_NAME = "out"

# Python's own operators, by symbol and number of operands: how a formula's infix ops apply to
# numbers and nodes alike (the engine picks pow or powv from the exponent's type).
_PYTHON = {
    ("+", 2): operator.add, ("-", 2): operator.sub, ("*", 2): operator.mul, ("/", 2): operator.truediv,
    ("**", 2): operator.pow, ("-", 1): operator.neg,
}

#: The scalar ops written with an operator, by name, each as Python applies it: read from the ops'
#: records (``infix``), shared by the parser and the random expressions of ``autograd_core.testing``.
ARITHMETIC: dict[str, Callable[..., Any]] = {
    op.name: _PYTHON[(op.infix.strip(), op.arity + op.has_arg)] for op in OPS.values() if op.infix is not None
}

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}

# What a refused construct is called in an error message.
_CONSTRUCT_NAMES = {
    "Attribute": "attribute access",
    "Call": "call",
    "Subscript": "subscript",
    "Slice": "slice",
    "Lambda": "lambda",
    "Import": "import",
    "ImportFrom": "import",
    "Compare": "comparison",
    "BoolOp": "boolean operator (and/or)",
    "IfExp": "conditional expression (x if c else y)",
    "List": "list",
    "Tuple": "tuple",
    "Set": "set",
    "Dict": "dict",
    "ListComp": "list comprehension",
    "SetComp": "set comprehension",
    "DictComp": "dict comprehension",
    "GeneratorExp": "generator expression",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
    "JoinedStr": "f-string",
    "FormattedValue": "f-string",
    "Starred": "starred expression",
    "NamedExpr": "assignment expression (:=)",
    "AugAssign": "augmented assignment (+=)",
    "AnnAssign": "annotated assignment",
    "FunctionDef": "function definition",
    "AsyncFunctionDef": "function definition",
    "ClassDef": "class definition",
    "If": "if statement",
    "For": "for loop",
    "AsyncFor": "for loop",
    "While": "while loop",
    "With": "with statement",
    "AsyncWith": "with statement",
    "Try": "try statement",
    "Raise": "raise",
    "Return": "return",
    "Delete": "del",
    "Assert": "assert",
    "Global": "global",
    "Nonlocal": "nonlocal",
    "Pass": "pass",
    "Break": "break",
    "Continue": "continue",
    "MatMult": "operator @",
    "FloorDiv": "operator //",
    "Mod": "operator %",
    "LShift": "operator <<",
    "RShift": "operator >>",
    "BitOr": "operator |",
    "BitAnd": "operator &",
    "BitXor": "operator ^",
    "Invert": "operator ~",
    "Not": "operator not",
}


class ExpressionError(ValueError):
    """A formula that cannot be parsed or evaluated; the message points at the problem.

    ``source`` is the formula and ``column`` the 0-based column of the problem (or None).
    """

    def __init__(self, message: str, source: str = "", column: int | None = None, line: int = 1) -> None:
        self.reason = message
        self.source = source
        self.column = column
        self.line = line
        super().__init__(message + _pointer(source, column, line))


#: The most characters of a formula's line an error message quotes (a window around the caret).
POINTER_WIDTH = 100


def _pointer(source: str, column: int | None, line: int) -> str:
    """The formula's line with a caret under ``column`` (empty when there is no column); a long
    line is cut to :data:`POINTER_WIDTH` characters around the caret, with ``...`` where cut."""
    if column is None or not source:
        return ""
    lines = source.splitlines() or [""]
    text = lines[min(max(line, 1), len(lines)) - 1]
    column = min(max(column, 0), len(text))
    if len(text) > POINTER_WIDTH:
        start = max(0, min(column - POINTER_WIDTH // 2, len(text) - POINTER_WIDTH))
        before = "..." if start > 0 else ""
        after = "..." if start + POINTER_WIDTH < len(text) else ""
        text = before + text[start : start + POINTER_WIDTH] + after
        column += len(before) - start
    return f"\n  {text}\n  {' ' * column}^"


# -- compiled form -------------------------------------------------------------------------------
# A statement's expression is compiled to postfix instructions run on a small stack:
#   ("num", value)  ("var", name, column)  ("bin", op name)  ("neg",)  ("call", function)


@dataclass(frozen=True)
class Statement:
    """One ``target = expression`` statement, compiled to postfix instructions."""

    target: str
    text: str
    instructions: tuple[tuple[Any, ...], ...]
    line: int


@dataclass(frozen=True)
class Program:
    """A parsed formula: its statements, its input variables (in order of first use), the names
    it defines and the output (the last statement's target).

    >>> p = parse("y = 2 * x ** 3")
    >>> p.inputs, p.output
    (('x',), 'y')
    >>> y = p.evaluate({"x": 2})["y"]
    >>> y.data
    16.0
    """

    source: str
    statements: tuple[Statement, ...]
    inputs: tuple[str, ...]

    @property
    def targets(self) -> tuple[str, ...]:
        """The names the statements define, in order."""
        return tuple(s.target for s in self.statements)

    @property
    def output(self) -> str:
        """The last statement's target: the node ``backward()`` starts from."""
        return self.statements[-1].target

    def evaluate(self, values: Mapping[str, Any]) -> dict[str, Value]:
        """Build the graph: every input (named ``Value`` leaves), then every statement's node.

        ``values`` maps each input variable to a number (or to a ``Value`` used as it is).
        Returns every named node, inputs first, then the targets in order; the output is last.
        An input without a value is reported by name with the variables that are known; so is a
        value given for a name the formula does not use.

        >>> nodes = parse("z = x * y").evaluate({"x": 3, "y": 4})
        >>> list(nodes), nodes["z"].data
        (['x', 'y', 'z'], 12.0)
        """
        if not isinstance(values, Mapping):
            raise TypeError(f"evaluate: expected a mapping of variable names to numbers, got {type(values).__name__}")
        for name in self.inputs:
            if name not in values:
                known = [k for k in values if isinstance(k, str)]
                statement, column = self._first_use(name)
                raise ExpressionError(
                    f"unknown variable {name!r}; known variables: {_listing(known)}",
                    self.source,
                    column,
                    statement.line,
                )
        inputs = set(self.inputs)
        unused = [name for name in values if name not in inputs]
        if unused:
            name = unused[0]
            if name in self.targets:
                raise ExpressionError(
                    f"{name!r} is computed by the formula, it cannot also be given a value "
                    f"(the inputs are: {_listing(self.inputs)})"
                )
            raise ExpressionError(
                f"a value was given for {name!r}, which the formula does not use "
                f"(its variables are: {_listing(self.inputs)})"
            )
        nodes: dict[str, Value] = {}
        for name in self.inputs:
            given = values[name]
            if isinstance(given, Value):
                nodes[name] = given
                continue
            try:
                nodes[name] = Value(given, name=name)
            except TypeError:
                raise TypeError(
                    f"evaluate: the value of {name!r} must be a number, got {type(given).__name__}: {given!r:.60}"
                ) from None
        for statement in self.statements:
            nodes[statement.target] = self._run(statement, nodes)
        return nodes

    def _first_use(self, name: str) -> tuple[Statement, int | None]:
        """The statement and column where an input variable first appears."""
        for statement in self.statements:
            for instruction in statement.instructions:
                if instruction[0] == "var" and instruction[1] == name:
                    return statement, instruction[2]
        return self.statements[0], None

    def _run(self, statement: Statement, nodes: dict[str, Value]) -> Value:
        stack: list[Any] = []
        push = stack.append
        pop = stack.pop
        for instruction in statement.instructions:
            kind = instruction[0]
            if kind == "num":
                push(instruction[1])
            elif kind == "var":
                name = instruction[1]
                node = nodes.get(name)
                if node is None:
                    known = list(nodes)
                    raise ExpressionError(
                        f"unknown variable {name!r}; known variables: {_listing(known)}",
                        self.source,
                        instruction[2],
                        statement.line,
                    )
                push(node)
            elif kind == "bin":
                right = pop()
                left = pop()
                push(_apply_binary(instruction[1], left, right))
            elif kind == "neg":
                operand = pop()
                push(apply_arithmetic("neg", operand if isinstance(operand, Value) else _constant(operand)))
            else:  # call
                operand = pop()
                if not isinstance(operand, Value):
                    operand = _constant(operand)
                push(apply_scalar_op(OPS[instruction[1]], (operand,)))
        result = pop()
        if not isinstance(result, Value):
            result = _constant(result)
        elif result.name is not None and (result.name in nodes or result.op == ""):
            # ``y = x`` makes y another name for the node x; the node keeps its own name.
            return result
        result.name = statement.target
        return result


def _constant(number: float) -> Value:
    """A number standing alone (``y = 2``, ``2 * 3``): a constant node, as the engine makes for ``2 * x``."""
    node = Value(number, requires_grad=False)
    node.op = "const"
    return node


def apply_arithmetic(op: str, *operands: Any) -> Any:
    """Apply the arithmetic op named ``op`` (a key of :data:`ARITHMETIC`) to numbers or nodes.

    >>> apply_arithmetic("sub", 7.0, 2.0), apply_arithmetic("neg", 3.0)
    (5.0, -3.0)
    >>> apply_arithmetic("mul", Value(3.0), 2.0).data
    6.0
    """
    try:
        function = ARITHMETIC[op]
    except KeyError:
        raise ValueError(f"apply_arithmetic: unknown op {op!r}; the ops are: {_listing(ARITHMETIC)}") from None
    return function(*operands)


def _apply_binary(op: str, left: Any, right: Any) -> Any:
    if not isinstance(left, Value) and not isinstance(right, Value):
        left = _constant(left)  # 2 * 3 in a formula is a graph of constants, as the engine makes for 2 * x
    return apply_arithmetic(op, left, right)


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names) if names else "(none)"


# -- parsing -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Parsed:
    """One statement as read from the text, before the checks that span statements."""

    target: str | None
    instructions: list[tuple[Any, ...]]
    line: int
    column: int
    text: str


def parse(source: str) -> Program:
    """Parse a formula into a :class:`Program`, refusing everything outside the whitelist.

    Raises :class:`ExpressionError` with the formula and a caret under the problem.  Time is
    linear in the formula's length; a flat chain such as ``x + x + ... + x`` of any length
    parses, while input nested deeper than Python's parser allows (thousands of parentheses,
    calls or ``**`` levels) is refused as "too deeply nested".

    >>> parse("price = apple * count * tax").inputs
    ('apple', 'count', 'tax')
    >>> parse("y = x.real")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd_core.expr.ExpressionError: attribute access is not allowed in a formula (allowed: ...)
      y = x.real
          ^
    """
    if not isinstance(source, str):
        raise TypeError(f"parse: expected the formula as a string, got {type(source).__name__}")
    if not source.strip():
        raise ExpressionError("empty formula: write e.g. 'price = apple * count * tax'")
    try:
        tree: ast.Module | None = ast.parse(source, mode="exec")
    except SyntaxError as error:
        raise _syntax_error(error, source) from None
    except RecursionError:
        tree = None  # a long chain nests Python's tree too deeply: read the chains from the tokens instead
    except MemoryError:  # how Python's parser reports nesting deeper than its stack
        raise ExpressionError(_TOO_DEEP, source) from None
    parsed = _tree_statements(tree, source) if tree is not None else _token_statements(source)
    statements: list[Statement] = []
    inputs: list[str] = []
    known_inputs: set[str] = set()
    defined: set[str] = set()
    for part in parsed:
        target = part.target
        if target is not None:
            if target in defined:
                raise ExpressionError(f"{target!r} is assigned twice", source, part.column, part.line)
            if target in known_inputs:
                raise ExpressionError(
                    f"{target!r} is used before it is assigned (as an input) and then assigned",
                    source,
                    part.column,
                    part.line,
                )
            if target in functions():
                raise ExpressionError(f"{target!r} is a function name; choose another name", source, part.column)
        for instruction in part.instructions:
            if instruction[0] == "var":
                name = instruction[1]
                if name == target and name not in defined:
                    raise ExpressionError(
                        f"{name!r} is used in its own definition", source, instruction[2], part.line
                    )
                if name not in defined and name not in known_inputs:
                    inputs.append(name)
                    known_inputs.add(name)
        if target is None:
            target = OUTPUT_NAME
            if target in defined or target in known_inputs:
                raise ExpressionError(
                    f"the last statement has no target and {OUTPUT_NAME!r} is already taken; write 'name = ...'",
                    source,
                    part.column,
                    part.line,
                )
        defined.add(target)
        statements.append(Statement(target, part.text.strip(), tuple(part.instructions), part.line))
    if not statements:
        raise ExpressionError("empty formula: write e.g. 'price = apple * count * tax'")
    return Program(source, tuple(statements), tuple(inputs))


def _syntax_error(error: SyntaxError, source: str, line: int = 0, column: int = 0) -> ExpressionError:
    """Python's syntax error as an :class:`ExpressionError`, shifted by ``line``/``column`` when the
    text parsed was a piece of the formula."""
    lineno = error.lineno or 1
    offset = (error.offset or 1) - 1 + (column if lineno == 1 else 0)
    return ExpressionError(f"syntax error: {error.msg}", source, offset, lineno + line)


_TOO_DEEP = (
    "formula too deeply nested to parse (parentheses, calls, ** or unary signs thousands of levels deep); "
    "long flat chains such as a + b + c + ... need no nesting"
)


def _source_lines(source: str) -> list[bytes]:
    """The formula's lines as UTF-8, split as :mod:`ast` counts lines (``\\r\\n``, ``\\r``, ``\\n``), so
    a node's ``lineno`` and byte ``col_offset`` index straight into them."""
    lines: list[bytes] = []
    start = 0
    for match in re.finditer(r"\r\n|\r|\n", source):
        lines.append(source[start : match.end()].encode("utf-8", "surrogatepass"))
        start = match.end()
    if start < len(source):
        lines.append(source[start:].encode("utf-8", "surrogatepass"))
    return lines


def _segment(lines: list[bytes], node: ast.stmt) -> str:
    """A node's source text from the precomputed lines: O(length of the node), where
    ``ast.get_source_segment`` splits the whole formula again for every statement."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start, end = node.col_offset, node.end_col_offset
    if first >= len(lines) or end is None:
        return ""
    if first == last:
        text = lines[first][start:end]
    else:
        text = lines[first][start:] + b"".join(lines[first + 1 : last]) + lines[last][:end]
    return text.decode("utf-8", "replace")


def _tree_statements(tree: ast.Module, source: str) -> Iterable[_Parsed]:
    """The statements of Python's tree, each checked against the whitelist and compiled."""
    lines = _source_lines(source)
    last = len(tree.body) - 1
    for index, node in enumerate(tree.body):
        target, value = _statement_parts(node, source, is_last=index == last)
        yield _Parsed(target, _compile(value, source), node.lineno, node.col_offset, _segment(lines, node))


# -- long chains: read from the tokens -----------------------------------------------------------
# ``x + x + ... + x`` is a left-leaning tree as deep as the chain is long, and Python's ast refuses
# trees more than a few thousand levels deep.  Only when it does, the statements are read from
# the tokens instead: each expression is split at the + and - outside parentheses, each term at
# the * and /, and only the pieces between (small: ``2 * x``, ``exp(y)``, ``-z ** 2``) go through
# ast and the whitelist.  Operators of lower precedence than + (comparisons, ``if``, ``lambda``,
# ``,``) leave their keyword or symbol inside a piece, where the whitelist refuses it by name.
_OPENING, _CLOSING = "([{", ")]}"
_OPERAND_KEYWORDS = {"True", "False", "None"}
_SKIPPED = {tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def _token_statements(source: str) -> list[_Parsed]:
    starts: list[int] = []  # character offset of each line tokenize reads
    reader = io.StringIO(source)
    position = 0

    def readline() -> str:
        nonlocal position
        line = reader.readline()
        starts.append(position)
        position += len(line)
        return line

    try:
        tokens = list(tokenize.generate_tokens(readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise ExpressionError(f"syntax error: {error}", source) from None

    def offset(point: tuple[int, int]) -> int:
        return starts[point[0] - 1] + point[1]

    statements: list[list[tokenize.TokenInfo]] = [[]]
    depth = 0
    for token in tokens:
        if token.type in _SKIPPED:
            continue
        if token.type == tokenize.OP and token.string in _OPENING:
            depth += 1
        elif token.type == tokenize.OP and token.string in _CLOSING:
            depth -= 1
        if depth == 0 and (token.type == tokenize.NEWLINE or (token.type == tokenize.OP and token.string == ";")):
            statements.append([])
        elif token.type != tokenize.NEWLINE:
            statements[-1].append(token)
    statements = [tokens_ for tokens_ in statements if tokens_]
    parsed: list[_Parsed] = []
    for index, toks in enumerate(statements):
        first = toks[0]
        target: str | None = None
        body = toks
        if len(toks) >= 2 and first.type == tokenize.NAME and toks[1].type == tokenize.OP and toks[1].string == "=":
            target, body = first.string, toks[2:]
        elif index != len(statements) - 1:
            raise ExpressionError(
                "only the last statement may be a bare expression; name the others ('name = ...')",
                source,
                first.start[1],
                first.start[0],
            )
        if not body:
            raise ExpressionError("syntax error: nothing after '='", source, toks[-1].end[1], toks[-1].end[0])
        instructions = _compile_chain(body, source, offset)
        text = source[offset(first.start) : offset(toks[-1].end)]
        parsed.append(_Parsed(target, instructions, first.start[0], first.start[1], text))
    return parsed


def _split(tokens: list[tokenize.TokenInfo], operators: dict[str, str]) -> list[tuple[str | None, list]]:
    """Split at the binary ``operators`` outside parentheses: ``[(None, first), (op, next), ...]``."""
    pieces: list[tuple[str | None, list]] = [(None, [])]
    depth = 0
    previous: tokenize.TokenInfo | None = None
    for token in tokens:
        string = token.string
        if token.type == tokenize.OP and string in _OPENING:
            depth += 1
        elif token.type == tokenize.OP and string in _CLOSING:
            depth -= 1
        binary = previous is not None and (
            previous.type in (tokenize.NUMBER, tokenize.STRING)
            or (previous.type == tokenize.NAME and (previous.string in _OPERAND_KEYWORDS
                                                    or not keyword.iskeyword(previous.string)))
            or (previous.type == tokenize.OP and previous.string in _CLOSING)
        )
        if depth == 0 and token.type == tokenize.OP and string in operators and binary and pieces[-1][1]:
            pieces.append((operators[string], []))
        else:
            pieces[-1][1].append(token)
        previous = token
    return pieces


def _compile_chain(tokens: list[tokenize.TokenInfo], source: str, offset: Callable[[tuple[int, int]], int]) -> list:
    """Postfix instructions of ``t1 ± t2 ± ...`` with ``t = f1 */ f2 */ ...``, left to right."""
    out: list[tuple[Any, ...]] = []
    for term_index, (term_op, term) in enumerate(_split(tokens, {"+": "add", "-": "sub"})):
        for factor_index, (factor_op, factor) in enumerate(_split(term, {"*": "mul", "/": "div"})):
            out.extend(_compile_piece(factor, source, offset))
            if factor_index:
                out.append(("bin", factor_op))
        if term_index:
            out.append(("bin", term_op))
    return out


def _compile_piece(tokens: list[tokenize.TokenInfo], source: str, offset: Callable[[tuple[int, int]], int]) -> list:
    line, column = tokens[0].start
    text = source[offset(tokens[0].start) : offset(tokens[-1].end)]
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(error, source, line - 1, column) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(_TOO_DEEP, source, column, line) from None
    try:
        instructions = _compile(tree.body, text)
    except ExpressionError as error:
        shift = column if (error.line or 1) == 1 else 0
        raise ExpressionError(
            error.reason, source, None if error.column is None else error.column + shift, error.line + line - 1
        ) from None
    return [("var", i[1], i[2] + column) if i[0] == "var" else i for i in instructions]


def _refuse(node: ast.AST, source: str, what: str | None = None) -> ExpressionError:
    if what is None:
        kind = type(node).__name__
        what = _CONSTRUCT_NAMES.get(kind, kind)
    column = getattr(node, "col_offset", None)
    line = getattr(node, "lineno", 1)
    return ExpressionError(
        f"{what} is not allowed in a formula (allowed: numbers, names, + - * / **, unary -, {', '.join(functions())})",
        source,
        column,
        line,
    )


def _statement_parts(node: ast.stmt, source: str, *, is_last: bool) -> tuple[str | None, ast.expr]:
    """A statement's target name (None for a bare expression) and its expression."""
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1:
            raise ExpressionError(
                "chained assignment (a = b = ...) is not allowed", source, node.col_offset, node.lineno
            )
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            raise _refuse(target, source, f"assigning to a {_CONSTRUCT_NAMES.get(type(target).__name__, 'target')}")
        return target.id, node.value
    if isinstance(node, ast.Expr):
        if not is_last:
            raise ExpressionError(
                "only the last statement may be a bare expression; name the others ('name = ...')",
                source,
                node.col_offset,
                node.lineno,
            )
        return None, node.value
    raise _refuse(node, source)


def _compile(root: ast.expr, source: str) -> list[tuple[Any, ...]]:
    """Check an expression against the whitelist and turn it into postfix instructions
    (iteratively, so long formulas such as ``a + a + ... + a`` need no recursion)."""
    out: list[tuple[Any, ...]] = []
    # Entries: (node, expanded?)  An expanded node emits its own instruction after its children.
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _refuse(node, source, f"the constant {value!r}")
            try:
                number = float(value)
            except OverflowError:  # an int with hundreds of digits
                number = math.inf
            if not math.isfinite(number):
                raise _refuse(node, source, f"the constant {value!r} (not a finite number)")
            out.append(("num", number))
        elif isinstance(node, ast.Name):
            if node.id in functions():
                raise _refuse(node, source, f"the function {node.id!r} without a call (write {node.id}(x))")
            out.append(("var", node.id, node.col_offset))
        elif isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                raise _refuse(node, source, _CONSTRUCT_NAMES.get(type(node.op).__name__))
            if expanded:
                out.append(("bin", op))
            else:
                stack.append((node, True))
                stack.append((node.right, False))
                stack.append((node.left, False))
        elif isinstance(node, ast.UnaryOp):
            symbol = _UNARY.get(type(node.op))
            if symbol is None:
                raise _refuse(node, source, _CONSTRUCT_NAMES.get(type(node.op).__name__))
            if expanded:
                if symbol == "-":
                    if out and out[-1][0] == "num":  # -2 is the number -2, not neg(const 2)
                        out[-1] = ("num", -out[-1][1])
                    else:
                        out.append(("neg",))
            else:
                stack.append((node, True))
                stack.append((node.operand, False))
        elif isinstance(node, ast.Call):
            if not expanded:
                _check_call(node, source)
                stack.append((node, True))
                stack.append((node.args[0], False))
            else:
                out.append(("call", node.func.id))
        else:
            raise _refuse(node, source)
    return out


def _check_call(node: ast.Call, source: str) -> None:
    func = node.func
    known = functions()
    allowed = ", ".join(known)
    if not isinstance(func, ast.Name):
        raise _refuse(func, source)  # (lambda: x)(), x.f(), f[0](x): refused by what is called
    if func.id not in known:
        raise ExpressionError(
            f"calling {func.id!r} is not allowed; the functions are: {allowed}", source, node.col_offset, node.lineno
        )
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise ExpressionError(
            f"{func.id}() takes exactly one argument, e.g. {func.id}(x)", source, node.col_offset, node.lineno
        )
