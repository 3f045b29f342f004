"""The README's performance table from `make bench`'s JSON lines.

    .venv/bin/python benchmarks/table.py var/bench.jsonl   (or on standard input)

One row per figure and persona, the sizes side by side: queries, median,
HTML size and the hand-written SQL floor. Lines starting with "#" (remarks:
machine, load) are printed above the table as they are.
"""

import fileinput
import json


def _ms(value) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _cell(value, fmt="{}") -> str:
    return "—" if value is None else fmt.format(value)


def table(rows: list[dict]) -> str:
    sizes = sorted({r["departments"] for r in rows if r["persona"] is not None})
    keys = list(dict.fromkeys((r["figure"], r["persona"]) for r in rows))
    by = {(r["figure"], r["persona"], r["departments"]): r for r in rows}
    head = ["Figure", "Persona"]
    for size in sizes:
        head += [f"Queries ({size})", f"Median ({size})", f"Floor ({size})", f"KiB ({size})"]
    head.append("Notes")
    lines = ["| " + " | ".join(head) + " |", "|---|---" + "|---:" * (len(head) - 3) + "|---|"]
    for figure, persona in keys:
        cells, notes = [figure, persona or "—"], []
        found = [r for r in rows if r["figure"] == figure and r["persona"] == persona]
        for size in sizes:
            r = by.get((figure, persona, size))
            if r is None and persona is None:
                r = (
                    next((x for x in found if x["departments"] != size), None)
                    if size == sizes[0]
                    else None
                )
            if r is None or r.get("status"):
                cells += ["—"] * 4
                if r is not None:
                    notes.append(f"{r['status']} for this persona")
                continue
            cells += [
                _cell(r["queries"]),
                _ms(r["median_ms"]),
                _ms(r["floor_ms"]),
                _cell(r["html_kib"], "{:.0f}"),
            ]
            extra = {
                k: v
                for k, v in r.items()
                if k
                not in {
                    "figure",
                    "departments",
                    "persona",
                    "queries",
                    "median_ms",
                    "html_kib",
                    "floor_ms",
                    "note",
                }
                and v is not None
            }
            if persona is None:
                extra = {"departments": r["departments"], **extra}
            if extra:
                notes.append(", ".join(f"{k} {v}" for k, v in extra.items()))
        cells.append("; ".join(dict.fromkeys(notes)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    rows = []
    with fileinput.input() as lines:
        for raw in lines:
            line = raw.strip()
            if line.startswith("#"):
                print(line[1:].strip() + "  ")
            elif line.startswith("{"):
                rows.append(json.loads(line))
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
