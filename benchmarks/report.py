"""Turn a results dict (as saved in results/latest.json) into a terminal table or Markdown."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

__all__ = ["format_markdown", "format_text", "summary_lines", "table_rows"]

_ORDER = ("compiled", "pure", "official", "tiktoken")


def _num(v: float) -> str:
    """Three significant digits, thousands separators for big numbers."""
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a >= 0.01:
        return f"{v:.3f}"
    return f"{v:.2e}"


def _cell(w: Dict[str, Any], key: str, notes: List[str]) -> str:
    st = w["status"].get(key)
    if st is None:
        return ""
    if st == "ok":
        mark = " !" if key in w.get("mismatch", {}) else ""
        if key in w["errors"]:  # succeeded in some rounds only, or with a warning
            note = f"{w['label']} / {key}: {w['errors'][key]}"
            if note not in notes:
                notes.append(note)
            mark += f" [{notes.index(note) + 1}]"
        return _num(w["median"][key]) + mark
    if st == "na":
        return "—"
    # error / timeout / skipped: keep the cell short, the reason goes in a footnote
    reason = w["errors"].get(key, st)
    note = f"{w['label']} / {key}: {reason}"
    if note not in notes:
        notes.append(note)
    return {"error": "n/a", "timeout": "timeout", "skipped": "skipped"}.get(st, st) + f" [{notes.index(note) + 1}]"


def _ratio_cell(w: Dict[str, Any], key: str) -> str:
    r = w["ratios"].get(key)
    if r is None:
        return ""
    verdict = w["verdicts"].get(key)
    # Three significant digits below 1, so that a ratio just under a target of 0.3 does not
    # print as "0.30x FAIL".
    text = f"{r:.3f}x" if r < 1 else f"{r:.2f}x"
    return text + (f" {verdict}" if verdict else "")


def _target_cell(w: Dict[str, Any], key: str) -> str:
    t = w["targets"].get(key)
    return f">= {t:g}x" if t is not None else ""


def table_rows(results: Dict[str, Any]) -> tuple:
    """Return (header, rows, footnotes) shared by the text and Markdown renderings."""
    contenders = [k for k in _ORDER if k in results["contenders"]]
    labels = {k: results["contenders"][k]["label"] for k in contenders}
    ours = [k for k in ("compiled", "pure") if k in contenders]
    header = ["workload", "unit"] + [labels[k] for k in contenders] + ["ref"]
    for k in ours:
        header += [f"{k} vs ref", "target"]
    rows: List[List[str]] = []
    notes: List[str] = []
    group: Optional[str] = None
    for w in results["workloads"]:
        if w["group"] != group:
            group = w["group"]
            rows.append([f"[{group}]"] + [""] * (len(header) - 1))
        ref = w["reference"]
        row = [w["label"], w["unit"]] + [_cell(w, k, notes) for k in contenders]
        row.append(labels.get(ref, ref) if ref in contenders else "")
        for k in ours:
            row += [_ratio_cell(w, k), _target_cell(w, k)]
        rows.append(row)
    if any(w.get("mismatch") for w in results["workloads"]):
        notes.append("! = output differs from the reference contender's output for the same input "
                     "(see 'mismatch' in the JSON)")
    return header, rows, notes


def summary_lines(results: Dict[str, Any]) -> List[str]:
    """A few lines describing the run: date, machine, interpreters, versions."""
    m = results["machine"]
    lines = [
        f"openai-harmony benchmarks, {results['date']} ({results['mode']} mode, {results['rounds']} rounds, "
        f"medians; ratio > 1 means ours is faster / smaller)",
        f"machine: {m.get('cpu_model') or m.get('processor') or '?'}, {m.get('cpu_count')} CPUs, "
        f"{m.get('mem_total_gib', '?')} GiB, {m.get('platform')}",
    ]
    for k in _ORDER:
        c = results["contenders"].get(k)
        if not c:
            continue
        info = c.get("info") or {}
        extra = f", backend={info['backend']}" if info.get("backend") else ""
        lines.append(f"{c['label']}: python {info.get('python', '?')}, version {info.get('version') or '?'}"
                     f"{extra}" + (f" -- {c['error']}" if c.get("error") else ""))
    if results.get("git_commit"):
        lines.append(f"checkout: {results['git_commit']}")
    return lines + [f"warning: {w}" for w in results.get("warnings", [])]


def format_text(results: Dict[str, Any]) -> str:
    """Aligned plain-text table for the terminal."""
    header, rows, notes = table_rows(results)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            out.append(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]))
        return "  ".join(out).rstrip()

    text = summary_lines(results) + ["", line(header), line(["-" * w for w in widths])]
    for r in rows:
        text.append(r[0] if r[0].startswith("[") else line(r))
    if notes:
        text.append("")
        text += [f"[{i}] {n}" if not n.startswith("!") else n for i, n in enumerate(notes, 1)]
    return "\n".join(text)


def format_markdown(results: Dict[str, Any]) -> str:
    """GitHub-flavoured Markdown table (paste into a README)."""
    header, rows, notes = table_rows(results)

    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    md = [" ".join(summary_lines(results)[:1]), ""]
    md += ["- " + esc(s) for s in summary_lines(results)[1:]]
    md += ["", "| " + " | ".join(esc(h) for h in header) + " |",
           "|" + "|".join(":---" if i < 2 else "---:" for i in range(len(header))) + "|"]
    for r in rows:
        if r[0].startswith("["):
            md.append("| **" + esc(r[0].strip("[]")) + "** |" + " |" * (len(header) - 1))
        else:
            md.append("| " + " | ".join(esc(c) for c in r) + " |")
    if notes:
        md.append("")
        md += [f"{i}. {esc(n)}" if not n.startswith("!") else esc(n) for i, n in enumerate(notes, 1)]
    return "\n".join(md)
