"""Put a review packet together from its parts: the cover and table of
contents, then each department's section in agenda order, with a footer on
every page after the cover (the packet's title and "Page n of N") and a PDF
outline (bookmarks) per department and agenda item.

The merge uses pikepdf (qpdf): measured on 300 six-page sections, pypdf took
43 s and 600 MiB in the worker; qpdf copies the same pages in about 2 s and
under 100 MiB, which keeps the outcomes packet within its time and memory.

The sections are rendered apart (several workers share them; an unchanged one
is reused), so page numbers are only known here: the footer is written into
each page as a small content stream in a standard PDF font, which costs no
layout.

packet_compose_files runs the merge in a child process of its own (this module
run as a script: pikepdf only, no Django), so the memory the merge of
hundreds of sections takes is given back when it ends and the worker process
stays small.
"""

import io
import json
import subprocess
import sys

import pikepdf
from pikepdf import Dictionary, Name, OutlineItem

FOOTER_FONT = "/CSOPacketFooter"
FOOTER_SIZE = 8
FOOTER_GREY = b"0.357 0.396 0.451"  # the packet's muted colour, #5b6573
MARGIN_X = 16 / 25.4 * 72  # the sections' left and right page margins (16 mm)
BASELINE_Y = 10 / 25.4 * 72
# Helvetica's advance widths (per 1000 em) of the characters "Page n of N" uses.
_WIDTHS = {" ": 278, "P": 667, "a": 556, "g": 556, "e": 556, "o": 556, "f": 278}


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _width(text: str) -> float:
    return sum(_WIDTHS.get(c, 556) for c in text) * FOOTER_SIZE / 1000


def _footer_stream(title: str, number: int, total: int, page_width: float) -> bytes:
    label = f"Page {number} of {total}"
    right = page_width - MARGIN_X - _width(label)
    short = title if len(title) <= 90 else title[:89] + "…"
    text = b"BT %s %d Tf %s rg %.2f %.2f Td (%s) Tj ET"
    font = FOOTER_FONT.encode()
    return (
        b"Q q "
        + b" ".join(
            (
                text % (font, FOOTER_SIZE, FOOTER_GREY, MARGIN_X, BASELINE_Y, _pdf_text(short)),
                text % (font, FOOTER_SIZE, FOOTER_GREY, right, BASELINE_Y, _pdf_text(label)),
            )
        )
        + b" Q\n"
    )


def _stamp(pdf: pikepdf.Pdf, title: str, *, skip: int = 1) -> None:
    font = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name.Helvetica,
            Encoding=Name.WinAnsiEncoding,
        )
    )
    total = len(pdf.pages)
    for index, page in enumerate(pdf.pages):
        if index < skip:
            continue
        # The page's own drawing runs between q and Q, so the footer starts from
        # the default graphics state whatever the page left behind.
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        width = float(page.mediabox[2]) - float(page.mediabox[0])
        page.contents_add(
            pdf.make_stream(_footer_stream(title, index + 1, total, width)), prepend=False
        )
        if Name.Resources not in page.obj:
            page.obj.Resources = Dictionary()
        if Name.Font not in page.obj.Resources:
            page.obj.Resources.Font = Dictionary()
        page.obj.Resources.Font[Name(FOOTER_FONT)] = font


def packet_compose(
    *, cover, sections: list[dict], title: str, cover_pages: int, out=None
) -> bytes | None:
    """sections: {"name", "pdf" (bytes, or a path), "contents": [[heading, page]]},
    in agenda order; cover: bytes or a path. Writes the packet's PDF to `out`
    (a path) or returns it."""
    packet = pikepdf.Pdf.open(io.BytesIO(cover) if isinstance(cover, bytes) else cover)
    sources = []  # kept open until the packet is saved: qpdf copies lazily
    outline = []
    start = cover_pages
    for section in sections:
        pdf = section["pdf"]
        source = pikepdf.Pdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
        sources.append(source)
        packet.pages.extend(source.pages)
        item = OutlineItem(section["name"], start)
        item.children.extend(
            OutlineItem(heading, start + page) for heading, page in section["contents"]
        )
        outline.append(item)
        start += len(source.pages)
    with packet.open_outline() as root:
        root.root.extend(outline)
    _stamp(packet, title)
    packet.Root.PageMode = Name.UseOutlines
    buffer = io.BytesIO() if out is None else None
    packet.save(out if out is not None else buffer, compress_streams=True)
    for source in sources:
        source.close()
    return None if buffer is None else buffer.getvalue()


def packet_compose_files(*, spec: dict, timeout: float) -> float:
    """packet_compose in a child process. spec: cover (path), cover_pages, title,
    sections ({"name", "pdf" (path), "contents"}), out (path). Returns the
    child's peak memory in MiB."""
    done = subprocess.run(  # noqa: S603 - this module, a JSON spec on stdin
        # -P: not the script's folder first on the path (it has a selectors.py).
        [sys.executable, "-P", __file__],
        input=json.dumps(spec).encode(),
        timeout=timeout,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"the merge stopped ({done.returncode}): {last}")
    return float(done.stdout.decode().strip() or 0)


if __name__ == "__main__":
    import resource

    packet_compose(**json.load(sys.stdin))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # MiB
