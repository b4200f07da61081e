// The timeline's volume bar: how many of the listed events (same filters, search and range) fall into each slice of
// time, errors and warnings apart, as GET /api/events/histogram counts them (summary.js asks for them with the top
// values, in one request). A click on a bar narrows the range to that slice.
// Everything shown is numbers and times formatted here (text nodes and attributes, never markup from the server).
import { $, clear, text, counted, number, localTime, localParts } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const BarWidth = 10;
const Height = 60;

function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** "10 min", "2 h", "1 d": a bucket's width as people say it. */
function widthText(seconds) {
  if (seconds % 86400 === 0) return seconds / 86400 + " d";
  if (seconds % 3600 === 0) return seconds / 3600 + " h";
  if (seconds % 60 === 0) return seconds / 60 + " min";
  return seconds + " s";
}

/** How many bars the figure has room for (the summary's buckets): 12 px each, 10 to 120. */
export function histogramBuckets() {
  return Math.max(10, Math.min(120, Math.floor(($("histogram").parentElement?.clientWidth || 800) / 12)));
}

/** The timeline was left (or its range is unusable): no bars. */
export function hideHistogram() {
  $("histogram").hidden = true;
}

/**
 * The room of the bars of a list just shown, until they are counted: the figure at its height, its caption saying so.
 * Hidden until the summary answered, the bars then pushed the list and the open event down under the pointer: a row or
 * a button of the detail pressed as they came was released over something else, and the click was lost. Bars already
 * shown (the list before's) keep their room until the new ones replace them.
 */
export function countingHistogram() {
  const figure = $("histogram");
  if (!figure.hidden) return;
  clear($("histogram-bars")).setAttribute("aria-label", "Events over time: counting");
  clear($("histogram-axis"));
  text($("histogram-caption"), "Counting the events over time…");
  figure.hidden = false;
}

/** A failure hides the bars and says why in the caption: the list itself does not depend on them. */
export function histogramFailed(err) {
  clear($("histogram-bars"));
  text($("histogram-caption"), "Events over time could not be counted: " + err.message);
  $("histogram").hidden = false;
}

/** Draws the bars of a histogram body (GET /api/events/histogram's, as the summary carries it). */
export function drawHistogram(body) {
  const figure = $("histogram");
  const bars = clear($("histogram-bars"));
  figure.hidden = body.total === 0; // nothing to show: the list says "No events …"
  if (figure.hidden) return;
  const seconds = body.bucketSeconds;
  const most = Math.max(1, ...body.buckets.map((b) => b.total));
  bars.setAttribute("viewBox", `0 0 ${body.buckets.length * BarWidth} ${Height}`);
  body.buckets.forEach((b, i) => {
    const start = new Date(b.start);
    const end = new Date(start.getTime() + seconds * 1000);
    const g = svg("g", { class: "bucket", "data-start": start.toISOString(), "data-end": end.toISOString(), "data-total": b.total });
    g.appendChild(svg("rect", { class: "hit", x: i * BarWidth, y: 0, width: BarWidth, height: Height }));
    const errors = b.error + b.critical;
    const warnings = b.warning;
    let y = Height;
    for (const [n, cls] of [[errors, "bar-error"], [warnings, "bar-warn"], [b.total - errors - warnings, "bar-other"]]) {
      if (n === 0) continue;
      const h = Math.max(1, (n / most) * (Height - 2));
      y -= h;
      g.appendChild(svg("rect", { class: cls, x: i * BarWidth + 1, y, width: BarWidth - 2, height: h }));
    }
    const title = svg("title");
    const parts = [counted(b.total, "event")];
    if (errors) parts.push(counted(errors, "error"));
    if (warnings) parts.push(counted(warnings, "warning"));
    title.textContent = `${localTime(start)} – ${localTime(end)}: ${parts.join(", ")}`;
    g.appendChild(title);
    bars.appendChild(g);
  });
  drawAxis(body);
  const busiest = body.buckets.reduce((a, b) => (b.total > a.total ? b : a));
  bars.setAttribute("aria-label", `${counted(body.total, "event")} in bars of ${widthText(seconds)}; the most, ${number(busiest.total)}, from ${localTime(busiest.start)}`);
  text($("histogram-caption"), `${counted(body.total, "event")} · bars of ${widthText(seconds)} · click a bar for its events`);
}

/**
 * Times under the bars (support read a 3-day chart only by hovering): about one label per 120 px, each at the start of
 * its bar, in the page's time zone; the date is shown when the bars span more than a day (or at a label's new day).
 */
function drawAxis(body) {
  const axis = clear($("histogram-axis"));
  const n = body.buckets.length;
  if (n === 0) return;
  const labels = Math.max(2, Math.min(8, Math.floor((axis.clientWidth || 800) / 120)));
  const step = Math.max(1, Math.ceil(n / labels));
  const spansDays = body.bucketSeconds * n > 86400;
  let lastDay = "";
  for (let i = 0; i < n; i += step) {
    const parts = localParts(new Date(body.buckets[i].start));
    const day = parts.day;
    const time = body.bucketSeconds < 60 ? parts.time : parts.time.slice(0, 5);
    const label = document.createElement("span");
    label.style.left = (i / n) * 100 + "%";
    label.textContent = spansDays || (lastDay && day !== lastDay) ? `${day.slice(5)} ${time}` : time;
    lastDay = day;
    axis.appendChild(label);
    // A label that would run past the axis's end is left out: cut by its edge it read as another time ("12-05 1").
    if (label.offsetLeft + label.offsetWidth > axis.clientWidth) label.remove();
  }
}

/** A click on a bar: <paramref name="pick"/> gets its range (the end inclusive, to the millisecond). */
export function wireHistogram(pick) {
  $("histogram-bars").addEventListener("click", (event) => {
    const g = event.target.closest?.("g.bucket");
    if (!g) return;
    pick(g.dataset.start, new Date(Date.parse(g.dataset.end) - 1).toISOString());
  });
}
