"""Pictures in text cells: each cell shows two pixels stacked, the upper half block ``▀`` in the
top pixel's colour over a background of the bottom one's. It works in every terminal, over SSH
and in tmux; at 16 colours each pixel takes the nearest of the 16 ANSI colours (a page comes out
white, grey and black, which is what a letter is).

The grid is plain data (``Cell``: character, foreground, background as RGB) so the CLI writes it
as ANSI and the app as Rich segments; overlays (the address zone, the recipient's block) are
drawn into the grid before either.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from PIL.Image import Image

RGB = tuple[int, int, int]
UPPER_HALF = "▀"

# the 16 ANSI colours as xterm draws them: index -> RGB (0-7 normal, 8-15 bright)
ANSI16: tuple[RGB, ...] = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
    (255, 255, 255),
)


@dataclass(slots=True)
class Cell:
    char: str
    fg: RGB
    bg: RGB


Grid = list[list[Cell]]


def fit(width_pt: float, height_pt: float, max_columns: int, max_rows: int,
        cell: tuple[int, int] = (1, 2)) -> tuple[int, int]:
    """The largest (columns, rows) that shows a page of this shape whole, for cells ``cell``
    (width, height) in square pixels: a half-block cell is two pixels, one wide and two tall; a
    graphics protocol's cell is the terminal's own size in pixels."""
    max_columns, max_rows = max(1, max_columns), max(1, max_rows)
    cell_w, cell_h = cell
    columns = max_columns
    rows = max(1, round(columns * cell_w * height_pt / width_pt / cell_h))
    if rows > max_rows:
        rows = max_rows
        columns = max(1, min(max_columns, round(rows * cell_h * width_pt / height_pt / cell_w)))
    return columns, rows


def grid_from_image(image: Image, columns: int, rows: int, ink_boost: float = 2.5) -> Grid:
    """``image`` scaled to ``columns`` × ``2·rows`` pixels as half-block cells. The scaling
    averages (so a line of text becomes a grey bar instead of vanishing between samples) and
    ``ink_boost`` then darkens what is not white, so the bar reads as a line of text."""
    from PIL import Image as PILImage

    small = image.convert("RGB").resize((columns, rows * 2), PILImage.Resampling.BOX)
    if ink_boost != 1:
        small = small.point([max(0, round(255 - (255 - v) * ink_boost)) for v in range(256)] * 3)
    data = small.tobytes()
    width = columns * 3
    grid: Grid = []
    for row in range(rows):
        top = data[2 * row * width:(2 * row + 1) * width]
        bottom = data[(2 * row + 1) * width:(2 * row + 2) * width]
        grid.append([Cell(UPPER_HALF, (top[i], top[i + 1], top[i + 2]), (bottom[i], bottom[i + 1], bottom[i + 2]))
                     for i in range(0, width, 3)])
    return grid


def tint_box(grid: Grid, box: tuple[int, int, int, int], colour: RGB, strength: float = 0.35) -> None:
    """Blend ``colour`` into the cells of ``box`` (col0, row0, col1, row1; ends exclusive) and draw
    its edge in full colour, so the box shows at 16 colours too."""
    col0, row0, col1, row1 = _clip(grid, box)
    for r in range(row0, row1):
        for c in range(col0, col1):
            cell = grid[r][c]
            side = c in (col0, col1 - 1)
            top = 1.0 if side or r == row0 else strength  # the top edge is the upper pixel of row0
            bottom = 1.0 if side or r == row1 - 1 else strength
            if cell.char == UPPER_HALF:
                cell.fg, cell.bg = _blend(cell.fg, colour, top), _blend(cell.bg, colour, bottom)
            else:
                cell.bg = _blend(cell.bg, colour, strength)


def write_text(grid: Grid, col: int, row: int, lines: Iterable[str], fg: RGB, bg: RGB, width: int) -> None:
    """Write ``lines`` into the grid from (col, row), each cut to ``width`` characters."""
    for r, line in enumerate(lines, start=row):
        if not 0 <= r < len(grid):
            break
        for c, ch in enumerate(line[:width], start=col):
            if 0 <= c < len(grid[r]):
                grid[r][c] = Cell(ch, fg, bg)


def _clip(grid: Grid, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    rows = len(grid)
    cols = len(grid[0]) if grid else 0
    col0, row0, col1, row1 = box
    return max(0, col0), max(0, row0), min(cols, max(col1, col0 + 1)), min(rows, max(row1, row0 + 1))


def _blend(a: RGB, b: RGB, s: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * s), round(a[1] + (b[1] - a[1]) * s), round(a[2] + (b[2] - a[2]) * s))


# ----------------------------------------------------------------------------------- ANSI output

def colour_depth(environ: dict[str, str] | None = None) -> str:
    """``truecolor``, ``256`` or ``16`` from the environment (COLORTERM, TERM, NO_COLOR)."""
    env = os.environ if environ is None else environ
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = env.get("TERM", "")
    if "256" in term:
        return "256"
    if "direct" in term:
        return "truecolor"
    return "16"


def nearest16(rgb: RGB) -> int:
    """The ANSI colour (0-15) nearest ``rgb``, by weighted distance (the eye's weights)."""
    r, g, b = rgb
    return min(range(16), key=lambda i: 2 * (ANSI16[i][0] - r) ** 2 + 4 * (ANSI16[i][1] - g) ** 2
               + 3 * (ANSI16[i][2] - b) ** 2)


def _nearest256(rgb: RGB) -> int:
    r, g, b = rgb
    if max(rgb) - min(rgb) < 10:  # a grey: the 24-step ramp is finer than the cube
        level = (r + g + b) // 3
        if level < 4:
            return 16
        if level > 246:
            return 231
        return 232 + min(23, (level - 3) // 10)

    def step(v: int) -> int:
        return 0 if v < 48 else 1 if v < 115 else (v - 35) // 40

    return 16 + 36 * step(r) + 6 * step(g) + step(b)


def _sgr(rgb: RGB, depth: str, background: bool) -> str:
    if depth == "truecolor":
        return f"{48 if background else 38};2;{rgb[0]};{rgb[1]};{rgb[2]}"
    if depth == "256":
        return f"{48 if background else 38};5;{_nearest256(rgb)}"
    index = nearest16(rgb)
    base = (40 if background else 30) if index < 8 else (100 if background else 90)
    return str(base + index % 8)


def ansi_lines(grid: Grid, depth: str = "truecolor") -> list[str]:
    """The grid as lines of ANSI SGR escapes (a colour is only written when it changes)."""
    out = []
    for row in grid:
        parts: list[str] = []
        last: tuple[str, str] | None = None
        for cell in row:
            codes = (_sgr(cell.fg, depth, False), _sgr(cell.bg, depth, True))
            if codes != last:
                parts.append(f"\x1b[{codes[0]};{codes[1]}m")
                last = codes
            parts.append(cell.char)
        parts.append("\x1b[0m")
        out.append("".join(parts))
    return out
