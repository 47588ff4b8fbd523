"""Page furniture shared by every page: the data-source line and the empty / error states."""

from __future__ import annotations

import streamlit as st

from drift.core import decisions

from . import data, safe, state
from .charts import PSI_BANDS

LOW, HIGH = PSI_BANDS
#: Hex digits of an uploaded file's SHA-256 shown beside its name: two uploads with one name but other
#: contents (a re-exported file) are told apart on screen.
DIGEST_SHOWN = 7



def require_data() -> data.Context:
    """The run's context if it holds data; otherwise show why not, with the way out, and stop."""
    ctx = data.page_context()
    if ctx.error is not None:
        st.error(safe.text(ctx.error), icon=":material/error:")
        st.caption("Fix the file and upload it again, or pick a built-in scenario in the sidebar.")
        st.stop()
    if ctx.waiting is not None:
        st.info(ctx.waiting, icon=":material/upload_file:")
        st.markdown(
            "**Formats:** CSV / TSV / TXT (delimiter and encoding detected), Parquet, JSON lines, Excel; "
            "any of them may be compressed (.gz, .bz2, .xz). "
            "Both files need the same feature columns; a target, a model-score, a time or a batch column "
            "is recognised and can be reassigned on the **Data** page.\n\n"
            "**Sample files:** `data/credit_reference_sample.csv` and `data/credit_production_sample.csv`.")
        st.stop()
    return ctx


def source_caption(ctx: data.Context, opts: data.Settings | None = None) -> None:
    """One line under a page title: what is being compared (uploads: names, rows and the start of each
    file's SHA-256), with which settings."""
    src = ctx.source
    batches = f" in {len(ctx.batches)} batches" if ctx.batches else ""
    if src.kind == "scenario":
        parts = [f"**{src.title}**", f"reference {len(ctx.reference):,} rows",
                 f"production {len(ctx.current):,} rows{batches}"]
        models = data.scenario_models(src.scenario)
        if src.task in models:
            parts.insert(1, f"model: {models[src.task]}")
    else:
        parts = [f"reference **{safe.text(src.reference_name)}** ({len(ctx.reference):,} rows, "
                 f"#{src.reference_digest[:DIGEST_SHOWN]})",
                 f"production **{safe.text(src.current_name)}** ({len(ctx.current):,} rows{batches}, "
                 f"#{src.current_digest[:DIGEST_SHOWN]})"]
    if opts is not None:
        if ctx.batches:
            parts.append(f"showing: **{safe.text(data.effective_batch(ctx, opts))}**")
        parts.append(f"α = {opts.alpha:g}, {state.CORRECTIONS[opts.correction]}")
    st.caption(" · ".join(parts))


def show_ground_truth(ctx: data.Context, batch: str, *, what: str = "batch ") -> bool:
    """What a built-in scenario injected into ``batch``, in a collapsed expander; ``False`` (nothing
    drawn) without a ground truth."""
    truth = data.ground_truth(ctx, batch)
    if truth is None:
        return False
    with st.expander(f"Ground truth of {what}{safe.text(batch)} (what the scenario injected)",
                     icon=":material/visibility:"):
        st.markdown(f"**{safe.text(truth['kind'].replace('_', ' '))}** — {safe.text(truth['description'])}"
                    + (f"  \nAffected features: {safe.text(truth['features'])}" if truth["features"] else ""))
    return True


def verdict(summary) -> tuple[str, str]:
    """Headline sentence for a ``drift.DriftSummary`` and its level: "success", "warning", "error" (the
    library's :func:`drift.core.decisions.summary_level`)."""
    sev = summary.by_severity
    apart = ""
    if summary.proxies or summary.entities:
        names = ", ".join(list(summary.proxies) + list(summary.entities))
        apart = f" Set apart and not counted: {names} (split proxies / names or ids; see Feature Drift)."
    if summary.n_features == 0:
        return "warning", "No feature could be tested: check the column roles on the Data page." + apart
    major, moderate, minor = sev.get("major", 0), sev.get("moderate", 0), sev.get("minor", 0)
    level = {"ok": "success", "warning": "warning", "alert": "error"}[decisions.summary_level(summary)]
    if level == "success" and minor == 0:
        return level, (f"No drift: none of the {summary.n_features} features differs significantly "
                       "from the reference." + apart)
    if level == "success":
        return level, (f"No material drift: {minor} of {summary.n_features} features differ significantly, "
                       f"but by a small amount (PSI < {LOW:g})." + apart)
    return level, (f"Drift: {summary.n_drifted} of {summary.n_features} features "
                   f"({summary.share_drifted:.0%}) moved materially — {major} major, {moderate} moderate"
                   + (f", plus {minor} minor." if minor else ".") + apart)


def worst_batch_line(ctx: data.Context, opts: data.Settings) -> tuple[str, str] | None:
    """Level and one sentence on the batches when the pool is shown: how many drifted, and the worst one
    (so a pooled "no drift" never hides a month with major drift)."""
    if not ctx.batches or data.effective_batch(ctx, opts) != state.ALL_BATCHES \
            or len(ctx.batches) > data.MAX_BATCHES_CHARTED:
        return None
    summaries = data.summaries_by_batch(ctx, opts)
    drifted = [b for b, s in summaries.items() if s.n_drifted]
    worst = decisions.worst_batch(summaries)
    if not drifted:
        return "success", f"Batch by batch: none of the {len(summaries)} batches has a drifted feature."
    s = summaries[worst]
    with_major = [b for b, x in summaries.items() if x.by_severity.get("major", 0)]
    level = "error" if with_major else "warning"
    listed = ", ".join(drifted[:6]) + (" …" if len(drifted) > 6 else "")
    return level, (f"Batch by batch: {len(drifted)} of {len(summaries)} batches have drifted features "
                   f"({listed}); {len(with_major)} with major drift. The worst is {worst}: {s.n_drifted} of "
                   f"{s.n_features} features drifted, {s.by_severity.get('major', 0)} major. The figures "
                   "above pool every batch, which averages changes out: pick a batch in the sidebar.")


def show_verdict(summary, line: tuple[str, str] | None = None) -> None:
    """The verdict as a callout: green without material drift, amber with it (st.error stays for errors).
    ``line`` (level, text) shows another callout the same way, e.g. :func:`worst_batch_line`."""
    level, text = line or verdict(summary)
    text = safe.text(text)                       # feature names and batch labels are data, never Markdown
    if level == "success":
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/error:" if level == "error" else ":material/warning:")


def headline_metrics(summary) -> None:
    """Features drifted / total, share, and the severity counts, as a row of metrics."""
    sev = summary.by_severity
    cols = st.columns(4)
    cols[0].metric("Features drifted", f"{summary.n_drifted} / {summary.n_features}", border=True,
                   help=f"Severity moderate or major: significant after correction and PSI ≥ {LOW:g}.")
    share = "—" if summary.n_features == 0 else f"{summary.share_drifted:.0%}"
    cols[1].metric("Share drifted", share, border=True, help="Drifted features / features tested.")
    cols[2].metric("Major", sev.get("major", 0), border=True, help=f"Significant and PSI ≥ {HIGH:g}.")
    cols[3].metric("Minor (significant, small)", sev.get("minor", 0), border=True,
                   help=f"Significant after correction but PSI < {LOW:g}: real, yet small.")


SEVERITY_LEGEND = (f"**Severity:** :green-badge[stable] no significant difference after correction · "
                   f":yellow-badge[minor] significant, PSI < {LOW:g} · :orange-badge[moderate] significant, "
                   f"{LOW:g} ≤ PSI < {HIGH:g} · :red-badge[major] significant, PSI ≥ {HIGH:g}. "
                   "A feature counts as *drifted* at moderate or major.")


def load_summary(frame) -> str | None:
    """How an uploaded file was read (format, delimiter, encoding, notes), from ``attrs["drift_load"]``."""
    info = frame.attrs.get("drift_load")
    if not info:
        return None
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    parts = [f"**{safe.text(info.get('file', 'file'))}**: read as "
             f"{safe.text(str(info.get('format', '?')).upper())}"]
    if info.get("delimiter"):
        parts.append(f"delimiter {safe.text(names.get(info['delimiter'], repr(info['delimiter'])))}")
    if info.get("encoding"):
        parts.append(f"encoding {safe.text(info['encoding'])}")
    if info.get("decimal") and info["decimal"] != ".":
        parts.append(f"decimal mark {safe.text(repr(info['decimal']))}")
    text = ", ".join(parts) + "."
    notes = [str(n) for n in info.get("notes") or []]
    if notes:
        text += " " + " ".join(safe.text(n if n.endswith(".") else f"{n}.") for n in notes)
    return text
