"""Render a results dict of :mod:`bench.run` as the Markdown section of ``BENCHMARKS.md``."""

from __future__ import annotations


def _n(value: int) -> str:
    return f"{value // 1_000_000}M" if value >= 1_000_000 and value % 1_000_000 == 0 else (
        f"{value // 1000}k" if value >= 1000 and value % 1000 == 0 else str(value))


def _x(a: float, b: float) -> str:
    return f"{a / b:,.1f}×" if b else "–"


def _secs(found: dict | None) -> str:
    if not found:
        return "–"
    mark = " (timed out)" if found.get("timed_out") else "" if found.get("rc") == 0 else f" (exit {found.get('rc')})"
    return f"{found['seconds']:.2f} s{mark}"


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"## Results: `{results['command']}` ({results['profile']})",
        "",
        f"- Date: {results['date']}; whole run {results['total_seconds'] / 60:.1f} min "
        f"(corpus generation and bulk plan {results['generate_seconds']:.0f} s).",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['platform']}.",
        f"- Versions: Python {m['python']}, SQLAlchemy {m['sqlalchemy']}, rapidfuzz {m['rapidfuzz']}, "
        + ", ".join(
            f"{'SQLite' if name == 'sqlite' else 'PostgreSQL'} {b['version']}" for name, b in results["backends"].items()
        )
        + ".",
        f"- Stored claims: {results['corpus']['real']:,} real claims first, then look-alikes: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(results["corpus"]["by_origin"].items()) if k != "real")
        + " (at the largest size).",
        "- Queries: " + ", ".join(f"{int(v * 100)}% {k}" for k, v in results["query_mix"].items())
        + " (see `bench/README.md`).",
    ]
    if results.get("kept_from_previous_run"):
        lines.append(f"- Figures of {', '.join(results['kept_from_previous_run'])} kept from the previous `--full` run "
                     "(same corpus, queries and brute-force baseline; this run measured the other backend).")
    if results.get("postgres_error"):
        lines.append(f"- PostgreSQL not measured: {results['postgres_error']}")
    lines += [
        "",
        "### Match latency per query and recall@10 (factdb `match_text` vs brute-force rapidfuzz `token_set_ratio`)",
        "",
        "| backend | stored | factdb p50 | factdb p99 | brute force p50 | brute force p99 | speed-up (p50) "
        "| recall@10 candidates | strict | recall@10 final top 10 | recall of close hits (≥ 85) | queries (recall) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, b in results["backends"].items():
        for row in b["sizes"]:
            mt = row["match"]
            f, bf = mt["factdb"], mt["brute_force"]
            lines.append(
                f"| {name} | {_n(row['claims'])} | {f['p50_ms']:.2f} ms | {f['p99_ms']:.2f} ms | {bf['p50_ms']:.1f} ms "
                f"| {bf['p99_ms']:.1f} ms | {mt['speedup_p50']:,.0f}× | {mt['recall_candidates']:.3f} "
                f"| {mt['recall_candidates_strict']:.3f} | {mt['recall_top10']:.3f} "
                f"| {_close(mt)} | {f['n']} ({mt['recall_queries']}) |"
            )
    lines.append("")
    for name, b in results["backends"].items():
        sizes = b["sizes"]
        if len(sizes) > 1:
            first, last = sizes[0]["match"]["factdb"], sizes[-1]["match"]["factdb"]
            lines.append(
                f"- {name}: latency growth {_n(sizes[0]['claims'])} → {_n(sizes[-1]['claims'])}: "
                f"p50 {_x(last['p50_ms'], first['p50_ms'])}, p99 {_x(last['p99_ms'], first['p99_ms'])}; "
                f"recall by query kind at {_n(sizes[-1]['claims'])}: "
                + ", ".join(f"{k} {v:.3f}" for k, v in sizes[-1]["match"]["recall_by_kind"].items())
            )
    lines += [
        "",
        "### Ingest (`add_sources`, in process, into a copy of the store)",
        "",
        "Baseline: a naive ingest that brute-forces each claim against the store (1 / brute-force mean "
        "time per query, measured above; writes not counted, so the baseline is flattered).",
        "",
        "| backend | stored | generated articles/s | claims/s | claims (new / matched) | Wikinews claims/s "
        "| naive baseline claims/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, b in results["backends"].items():
        for row in b["sizes"]:
            ing, wiki = row["ingest"], row.get("ingest_wikinews")
            naive = 1000 / row["match"]["brute_force"]["mean_ms"]
            lines.append(
                f"| {name} | {_n(row['claims'])} | {ing['articles_per_s']:.1f} | {ing['claims_per_s']:,.0f} "
                f"| {ing['claims']} ({ing['new']} / {ing['matched']}) "
                f"| {_wiki(wiki)} "
                f"| {naive:,.1f} | {_x(ing['claims_per_s'], naive)} |"
            )
    if any("cli_match" in row for b in results["backends"].values() for row in b["sizes"]):
        lines += [
            "",
            "### CLI processes: wall time and peak RSS",
            "",
            "`factdb match` (one query; the median of three runs, and the highest peak RSS of them) beside "
            "`python -m bench.naive` (loads every claim and brute-forces: the baseline); `factdb add` of 10 "
            "generated articles into a copy of the store.",
            "",
            "| backend | stored | `factdb match` | peak RSS | naive match | naive peak RSS | RSS ratio "
            "| `factdb add` | peak RSS |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, b in results["backends"].items():
            for row in b["sizes"]:
                if "cli_match" not in row:
                    continue
                fm, nm, fa = row["cli_match"], row["cli_naive_match"], row["cli_add"]
                lines.append(
                    f"| {name} | {_n(row['claims'])} | {_secs(fm)} | {fm['peak_rss_mb']:.0f} MB | {_secs(nm)} "
                    f"| {nm['peak_rss_mb']:.0f} MB | {_x(nm['peak_rss_mb'], fm['peak_rss_mb'])} | {_secs(fa)} "
                    f"| {fa['peak_rss_mb']:.0f} MB |"
                )
        lines += [
            "",
            "### `contradictions`, `history`, `export` (CLI subprocess, wall time incl. ~0.5 s start-up)",
            "",
            "Baseline: the same command on the smallest store of the run (ratio = growth). A command that "
            "finishes in under 5 s is run three times: the median, with every run in `results-*.json`.",
            "",
            "| backend | stored | contradictions (all, JSON) | rows | `--limit 50` | `history` (busiest claim) "
            "| `export` JSONL | export size |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, b in results["backends"].items():
            with_cli = [row for row in b["sizes"] if "cli_contradictions" in row]
            base = with_cli[0] if with_cli else None
            for row in with_cli:
                c, c50, h, e = row["cli_contradictions"], row["cli_contradictions_50"], row["cli_history"], row.get("cli_export")
                grow = "" if row is base else f" ({_x(c['seconds'], base['cli_contradictions']['seconds'])})"
                size = f"{e['bytes'] / 1e6:,.0f} MB" if e else "–"
                lines.append(
                    f"| {name} | {_n(row['claims'])} | {_secs(c)}{grow} | {row.get('contradictions_rows', '–')} "
                    f"| {_secs(c50)} | {_secs(h)} | {_secs(e)} | {size} |"
                )
    par = [(name, row) for name, b in results["backends"].items() for row in b["sizes"] if "parallel" in row]
    if par:
        lines += ["", "### Parallel ingest into PostgreSQL (`factdb add --workers N`, CLI wall time)", "",
                  "| stored | workers | claims | seconds | claims/s | ratio to 1 worker |", "|---:|---:|---:|---:|---:|---:|"]
        for _, row in par:
            one = row["parallel"]["1"]["claims_per_s"]
            for workers, found in row["parallel"].items():
                lines.append(f"| {_n(row['claims'])} | {workers} | {found['claims']} | {found['seconds']:.1f} "
                             f"| {found['claims_per_s']:,.0f} | {_x(found['claims_per_s'], one)} |")
    if results.get("extraction"):
        ex = results["extraction"]
        lines += ["", f"### Extraction alone", "",
                  f"`factdb.extract.extract` over the 40 Wikinews articles (`bench/extraction_eval.py speed`): "
                  f"**{ex['sentences_per_s']:,.0f} sentences/s** ({ex['sentences']} sentences in {ex['seconds']} s)."]
    return "\n".join(lines) + "\n"


def _close(mt: dict) -> str:
    if mt.get("recall_close") is None:
        return "–"
    return f"{mt['recall_close']:.3f} ({mt['recall_close_queries']} q)"


def _wiki(found: dict | None) -> str:
    if not found:
        return "–"
    return f"{found['claims_per_s']:,.0f} ({found['claims']} claims, {found['articles']} articles)"
