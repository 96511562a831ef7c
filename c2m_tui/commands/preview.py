"""``c2m-tui preview FILE.pdf [--xml BATCH.xml] [--job N] [--page P] [-o OUT.png] [--graphics MODE]``"""

from __future__ import annotations

import argparse

from c2m_tui.core.graphics import CHOICES

HELP = "show a page of the PDF in the terminal (or as a PNG) with the address zone drawn"
DESCRIPTION = (
    "Draw a page of the batch's PDF in the terminal: with the terminal's graphics protocol where "
    "it has one (Kitty's, or Sixel: asked of the terminal, with a deadline), in coloured "
    "half-block characters everywhere else (plain SSH, tmux, 16 colours); or write it as a PNG "
    "with -o. --graphics (or [preview] graphics in config.toml) overrides what the terminal is "
    "taken to support. With --xml, the page is job "
    "N's first (a postcard's address side; with --page, the job that mails that page) and the zone where Click2Mail prints the address is "
    "drawn over it, with the recipient's block as it will be printed: amber where the zone is "
    "clear, red where the PDF has ink in it. The zones are inferred (see docs); the check itself "
    "is part of `validate --pdf`. Exit 0; 1 unreadable PDF or XML, no such job or page; 2 usage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pdf", metavar="FILE.pdf", help="the batch's PDF")
    parser.add_argument("--xml", metavar="BATCH.xml", help="the batch XML: draw job N's address zone and recipient")
    parser.add_argument("--job", type=int, default=1, metavar="N", help="the job to show (with --xml; default 1)")
    parser.add_argument("--page", type=int, metavar="P", help="the PDF page to show (default: the job's first, or 1)")
    parser.add_argument("-o", "--output", metavar="OUT.png", help="write a PNG instead of drawing in the terminal")
    parser.add_argument("--width", type=int, metavar="COLUMNS", help="columns to use in the terminal (default: fit it)")
    parser.add_argument("--colors", choices=("16", "256", "truecolor"),
                        help="colours for half-blocks (default: from COLORTERM and TERM)")
    parser.add_argument("--graphics", choices=CHOICES, metavar="{" + ",".join(CHOICES) + "}",
                        help="how to draw: ask the terminal (auto), force Kitty's protocol or Sixel, or "
                             "half-blocks (default: [preview] graphics in config.toml, else auto)")


def run(args: argparse.Namespace) -> int:
    import shutil
    import sys
    from pathlib import Path

    from c2m_tui.core import halfblock, preview, zone_check
    from c2m_tui.core.atomic import atomic_write
    from c2m_tui.core.errors import InputError

    pdf = Path(args.pdf)
    pages = preview.page_count(pdf)
    job = on_page = None
    if args.xml:
        jobs = zone_check.read_job_facts(Path(args.xml))
        job = zone_check.pick_job(jobs, args.job)
    page = args.page if args.page is not None else (job.start if job else 1)
    if not 1 <= page <= pages:
        raise InputError(f"{pdf}: no page {page}; the PDF has {pages} page{'s' if pages != 1 else ''}")
    if args.xml:  # --page of another job: the job (and recipient) that mails it, as in the app's viewer
        from c2m_tui.core.addresses.pages import jobs_of_page

        on_page = jobs_of_page(jobs, page, prefer=args.job)
        job = on_page.job
    overlays = zone_check.job_overlays(pdf, job, page) if job else ()
    facts = preview.page_facts(pdf, page)
    head = f"{pdf.name}: page {page} of {pages}, {facts.size_text()}"
    if on_page is not None:
        head += f"; {on_page.words(of_jobs=False)}"
    notes = [f"{o.label}: {'INK IN THE ZONE' if o.ink else 'clear'}" for o in overlays]
    if job and (note := zone_check.separate_page_note(job)):
        notes.append(note)
    if args.output:
        output = Path(args.output)
        if output.is_dir():
            raise InputError(f"{output}: is a directory; give a file name for the PNG")
        data = preview.annotated_png(pdf, page, overlays)
        with atomic_write(output) as out:
            out.file.write(data)
        print(f"{head}: {output}")
        for note in notes:
            print(f"  {note}")
        return 0
    graphics = _graphics(args.graphics)
    size = shutil.get_terminal_size((80, 24))
    columns = args.width or size.columns
    head_lines = -(-len(head) // max(1, size.columns))  # a long head wraps
    rows = max(4, size.lines - 2 - head_lines - len(notes))  # and a line is left for the prompt
    out = sys.stdout
    if graphics.bitmap:
        lines = _bitmap_lines(pdf, page, columns, rows, overlays, graphics)
    else:
        grid, _ = preview.page_grid(pdf, page, columns, rows, overlays)
        lines = halfblock.ansi_lines(grid, args.colors or halfblock.colour_depth())
    out.write(head + "\n")
    for line in lines:
        out.write(line + "\n")
    for note in notes:
        out.write(f"  {note}\n")
    return 0


def _graphics(flag: str | None):
    """The flag, else the setting, else auto; what auto finds is asked of the terminal."""
    import sys

    from c2m_tui.core.graphics.detect import detect

    choice = flag
    if choice is None:
        from c2m_tui.config.settings import graphics_setting

        choice, problem = graphics_setting()
        if problem:
            print(f"c2m-tui preview: {problem}", file=sys.stderr)
    sys.stdout.flush()  # nothing of ours may sit in a buffer while the terminal's replies are read
    return detect(choice)


def _bitmap_lines(pdf, page: int, columns: int, rows: int, overlays, graphics) -> list[str]:
    """The page for Kitty's protocol (the transmission, then the placeholder rows) or as Sixel."""
    from c2m_tui.core import preview
    from c2m_tui.core.graphics import kitty, tmux_wrap

    bitmap, _ = preview.page_bitmap(pdf, page, columns, rows, overlays, protocol=graphics.protocol,
                                    cell_px=graphics.cell_px)
    if bitmap.protocol == "kitty":
        image_id = kitty.new_image_id()
        rows_text = kitty.ansi_rows(image_id, bitmap.columns, bitmap.rows)
        rows_text[0] = kitty.transmit(bitmap.data, image_id, bitmap.columns, bitmap.rows,
                                      tmux=graphics.tmux) + rows_text[0]
        return rows_text
    return [tmux_wrap(bitmap.data) if graphics.tmux else bitmap.data]
