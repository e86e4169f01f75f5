"""How a diagram shows inside a notebook cell: readable, scrolling sideways when it is wide.

A cell is narrower than most diagrams of a network.  Shrinking a diagram to the cell's width makes
its text unreadable (a 2,258 pt wide MLP at 1,160 px: 5 px letters), so a diagram shrinks only as
far as its smallest text stays :data:`READABLE_PX` pixels tall, and the cell scrolls sideways
past that.

>>> html = readable('<svg width="3000pt" height="100pt" viewBox="0 0 3000 100"><text font-size="12.00">a</text></svg>')
>>> 'overflow-x: auto' in html and 'min-width:2750px' in html
True
"""

from __future__ import annotations

import re

__all__ = ["READABLE_PX", "readable"]

#: The smallest text a notebook shows, in CSS pixels.
READABLE_PX = 11.0

_ROOT = re.compile(r"<svg\b([^>]*)>")
_WIDTH = re.compile(r'\bwidth="([\d.]+)pt"')
_FONT = re.compile(r'font-size="([\d.]+)"')


def readable(svg: str) -> str:
    """``svg`` (Graphviz's, sized in points) in a box that scrolls sideways; the drawing fits the
    cell's width down to the scale at which its smallest text is :data:`READABLE_PX` tall."""
    root = _ROOT.search(svg)
    width = _WIDTH.search(root.group(1)) if root else None
    sizes = [float(size) for size in _FONT.findall(svg)]
    style = "max-width:100%;height:auto"
    if width is not None and sizes:
        natural = float(width.group(1)) * 4 / 3  # points -> CSS pixels
        smallest = min(sizes) * 4 / 3
        least = natural * min(1.0, READABLE_PX / smallest) if smallest else natural
        style += f";min-width:{least:.0f}px"
    svg = _ROOT.sub(lambda m: f'<svg style="{style}"{m.group(1)}>', svg, count=1)
    return f'<div class="chainrule-diagram" style="overflow-x: auto; max-width: 100%">{svg}</div>'
