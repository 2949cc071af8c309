#!/usr/bin/env python3
"""Draw keystroke latency against file size from a bench/lsp_scaling.py result file:
median per (server, key), whiskers p10..p90, 66 rules, debounce 0. Needs matplotlib
(the bench venv's, not a project dependency).

    WORK/venv/bin/python bench/plot_scaling.py WORK/results/lsp-scaling-*.json bench/keystroke-vs-size.png
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the file backend

STYLE = {("archrules", "space"): ("tab:blue", "o", "-"), ("archrules", "enter"): ("tab:blue", "s", "--"),
         ("ast-grep", "space"): ("tab:orange", "o", "-"), ("ast-grep", "enter"): ("tab:orange", "s", "--")}


def main(source: str, png: str) -> None:
    with open(source) as fh:
        results = json.load(fh)
    cells = [c for c in results["keystrokes"] if c["rules"] == 66 and c["debounce"] == 0 and "median_ms" in c]
    top: dict[tuple[str, int], float] = {}  # per server and size, the slower key's median: labelled above
    for c in cells:
        top[(c["server"], c["lines"])] = max(top.get((c["server"], c["lines"]), 0.0), c["median_ms"])
    fig, ax = plt.subplots(figsize=(8, 5.2), dpi=110)
    for (server, key), (colour, marker, line) in STYLE.items():
        row = sorted((c for c in cells if c["server"] == server and c["key"] == key), key=lambda c: c["lines"])
        if not row:
            continue
        x = [c["lines"] for c in row]
        y = [c["median_ms"] for c in row]
        err = [[c["median_ms"] - c["p10_ms"] for c in row], [c["p90_ms"] - c["median_ms"] for c in row]]
        ax.errorbar(x, y, yerr=err, color=colour, marker=marker, linestyle=line, capsize=4,
                    label=f"{server}, {'Enter' if key == 'enter' else 'space'} key")
        for c in row:
            ax.annotate(f"{c['median_ms']:.0f}" if c["median_ms"] >= 10 else f"{c['median_ms']:.1f}",
                        (c["lines"], c["median_ms"]), textcoords="offset points",
                        xytext=(-6, 7 if c["median_ms"] >= top[(server, c["lines"])] else -13),
                        ha="right", fontsize=8, color=colour)
    loads = sorted({c["load"].split()[0] for c in cells})
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sorted({c["lines"] for c in cells}))
    ax.set_xticklabels([f"{n // 1000}k lines" for n in sorted({c["lines"] for c in cells})])
    ax.set_xlabel("file size (the kit's module repeated, functions renamed)")
    ax.set_ylabel("didChange -> publishDiagnostics, ms (median, p10-p90)")
    ax.set_title(f"Keystroke latency vs file size, 66 rules, debounce 0\n"
                 f"{results['started']}, {results['cores']} cores, 1-min load {loads[0]}-{loads[-1]}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    # where a server skipped rules (its notices but the cap's), that point checked less: say so under the plot
    skipped = sorted({(c["server"], c["lines"], c["notices"] - c.get("capped", 0)) for c in cells
                      if c.get("notices", 0) > c.get("capped", 0)})
    note = "; ".join(f"{s} skipped {n} of 66 rules at {lines // 1000}k lines" for s, lines, n in skipped)
    fig.tight_layout(rect=(0, 0.05 if note else 0, 1, 1))
    if note:
        fig.text(0.01, 0.01, f"Not comparable: {note} (its notices).", fontsize=8, color="tab:red")
    fig.savefig(png)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
