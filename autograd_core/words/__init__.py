"""The one place where a graph becomes words: captions, derivatives in words, numbers, step texts.

- :mod:`.numbers`: every number and array as every view writes it (:func:`format_number`);
- :mod:`.captions`: what every view calls a node (:class:`Captions`, :func:`caption`);
- :mod:`.formulas`: a derivative in words, from the op's own record (:func:`local_text`,
  :func:`vjp_text`);
- :mod:`.lines`: step texts, the forward pass and the table, within 80 columns;
- :mod:`.questions`: what an exercise asks and how it hints (the quiz, the lecture page);
- :mod:`.paths`: the sum over paths (each path's local derivatives, their product, the sum).

>>> from autograd_core import Value
>>> a = Value(0.5, name="a")
>>> t = a.tanh()
>>> caption(t), local_text(t, 0)
('tanh(a)', 'local d/da = 1 - tanh(a)² = 1 - 0.4621² = 0.7864')
"""

from .captions import MAX_EXPRESSION, OUTPUT, WHOLE_GRAPH, Captions, caption
from .formulas import local_parts, local_text, summed_over, vjp_text
from .lines import HIDDEN, STATES, WIDTH, forward_lines, step_body, step_head, step_lines, table_lines, table_rows
from .numbers import (
    DIGITS,
    SMALL_ARRAY,
    array_lines,
    array_text,
    clean_text,
    format_number,
    shape_text,
    summarize_array,
)
from .paths import path_lines, path_product, path_route, signed_sum
from .questions import grad_prompt, grad_rule, local_hint, local_name, local_prompt, local_rule, uses_note

__all__ = [
    "DIGITS",
    "HIDDEN",
    "MAX_EXPRESSION",
    "OUTPUT",
    "SMALL_ARRAY",
    "STATES",
    "WHOLE_GRAPH",
    "WIDTH",
    "Captions",
    "array_lines",
    "array_text",
    "caption",
    "clean_text",
    "format_number",
    "forward_lines",
    "grad_prompt",
    "grad_rule",
    "local_hint",
    "local_name",
    "local_parts",
    "local_prompt",
    "local_rule",
    "local_text",
    "path_lines",
    "path_product",
    "path_route",
    "shape_text",
    "signed_sum",
    "step_body",
    "step_head",
    "step_lines",
    "summarize_array",
    "summed_over",
    "table_lines",
    "table_rows",
    "uses_note",
    "vjp_text",
]
