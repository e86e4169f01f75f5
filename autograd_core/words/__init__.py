"""The one place where a graph becomes words: captions, formulas, numbers, step texts."""

from .lines import (
    MAX_EXPRESSION,
    STATES,
    WHOLE_GRAPH,
    WIDTH,
    Captions,
    array_lines,
    caption,
    format_number,
    forward_lines,
    local_parts,
    local_text,
    short_number,
    step_lines,
    table_lines,
    vjp_text,
)

__all__ = [
    "MAX_EXPRESSION",
    "STATES",
    "WHOLE_GRAPH",
    "WIDTH",
    "Captions",
    "array_lines",
    "caption",
    "format_number",
    "forward_lines",
    "local_parts",
    "local_text",
    "short_number",
    "step_lines",
    "table_lines",
    "vjp_text",
]
