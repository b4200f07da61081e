// What the timeline counts beside its rows — the histogram's bars and the top values — asked for in one request,
// GET /api/events/summary (the same filters, search and range as the list): the collector reads the range's events once
// for all of them, where a request each read them five times over (docs/QUERY.md, bench/README.md).
import { getJson } from "./api.js";
import { $ } from "./dom.js";
import { drawHistogram, histogramBuckets, histogramFailed, hideHistogram, countingHistogram } from "./histogram.js";
import { drawTop, topFailed, topFields, hideTop, countingTop, Shown } from "./top.js";

/** Counts and shows the bars and the top values for the list's query (as the list asked for it). */
export async function showSummary(params, state, signal) {
  const p = new URLSearchParams(params);
  p.set("buckets", String(histogramBuckets()));
  // "All" (no from, no to): bars over the matches' own span, first to last, not first to now (a burst days ago was one bar).
  if (!p.has("from") && !p.has("to")) p.set("span", "matches");
  p.set("top", topFields(state).map((f) => f.field).join(","));
  p.set("count", String(Shown));
  let body;
  try {
    body = await getJson("/api/events/summary", p, signal);
  } catch (err) {
    if (err.name === "AbortError") return;
    // Asked once the list loaded (timeline.js): a list that failed since ("Older events") says why above itself; the
    // bars and top values say their own failure only when it did not.
    if (!$("events-error").hidden) { hideHistogram(); hideTop(); return; }
    histogramFailed(err);
    topFailed(err);
    return;
  }
  drawHistogram(body.histogram);
  drawTop(body.top, state);
}

/**
 * Keeps the counts' room above a list just shown, in the same frame as its rows: the bars' and the top values' (the list
 * and the open event beside it do not move when they come), or none for a list without rows (nothing to count).
 */
export function summaryRoom(empty) {
  if (empty) { hideHistogram(); hideTop(); return; }
  countingHistogram();
  countingTop();
}
