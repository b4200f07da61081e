// What, who and where, for what the timeline lists: its most frequent kinds of event (message templates), users (on a
// trace's or everyone's timeline), versions and machines, as GET /api/events/top counts them (same filters, search and
// range; summary.js asks for them with the histogram, in one request). A kind, a version (app= and version=) or a
// machine narrows the list to its events ("the most common errors", then one of them; "this version's spike"); a user
// opens that user's timeline with the same levels, search, kind, app, machine, instance, path, property conditions and
// range: "which users hit this error" is one click away.
import { $, el, clear, text, counted, number, excerpt, shortVersion } from "./dom.js";
import { change, timelineOf, acrossUsers, sourcePatch, versionFilter, MaxTemplate, SOURCE_FILTERS, NONE_FILTERS } from "./state.js";

export const Shown = 5;
const FIELDS = [
  { field: "template", label: "Messages", none: "" },
  { field: "user", label: "Users", none: "(no user)" },
  { field: "version", label: "Versions", none: "(none)" },
  { field: "machine", label: "Machines", none: "(none)" },
];

/** The fields the list's top values show: kinds only while the list is not one kind already; users only where the list crosses users. */
export function topFields(state) {
  return FIELDS.filter((f) => (f.field !== "user" || acrossUsers(state)) && (f.field !== "template" || !state.template));
}

/** Shows each field's top values (GET /api/events/top's bodies, in the order of topFields, as the summary carries them), or hides the panel when there are none. */
export function drawTop(bodies, state) {
  const line = clear($("top-line"));
  const fields = topFields(state);
  bodies.forEach((body, i) => { if (body.values.length) line.append(group(fields[i], body, state)); });
  $("top-values").hidden = line.childElementCount === 0;
  fit();
}

/**
 * A failure says why in the panel, all of it and aloud (an alert): the list itself does not depend on it. It was one line
 * cut with "…", the rest in its title, which a phone cannot hover and a screen reader did not say.
 */
export function topFailed(err) {
  const why = "Top values could not be counted: " + err.message;
  clear($("top-line")).append(el("span", { className: "status error top-error", role: "alert" }, why));
  $("top-values").hidden = false;
  fit();
}

/** The room of the top values of a list just shown, until they are counted (as countingHistogram): a line saying so. */
export function countingTop() {
  const panel = $("top-values");
  if (!panel.hidden) return;
  clear($("top-line")).append(el("span", { className: "status" }, "Counting the top values…"));
  panel.hidden = false;
  fit();
}

export function hideTop() {
  $("top-values").hidden = true;
  expanded = false; // the next list's values start on their one line
}

/**
 * The strip is one line high from its "Counting…" on (app.css), whatever comes: values that wrapped to a second or
 * third line pushed the list down under the pointer once they came, on a page's first list. What does not fit on the
 * line is hidden behind "+N more" (a button: Tab, Enter; aria-expanded), which shows every value until the list is left.
 * Hidden, never just clipped: a value cut off by the line would still take Tab and a click.
 */
let expanded = false;
// The strip's width as fitted: a window made wider or narrower fits the line again (wireTop's observer).
let fittedWidth = -1;

function fit() {
  const panel = $("top-values");
  const line = $("top-line");
  const more = $("top-more");
  fittedWidth = panel.hidden ? -1 : panel.clientWidth;
  panel.classList.remove("expanded");
  const groups = [...line.querySelectorAll(".top-group")];
  for (const node of line.querySelectorAll(".top-group, .top-group > *")) node.hidden = false;
  more.hidden = true;
  if (panel.hidden || fits(line)) return;
  more.hidden = false;
  // Each field keeps its first values longest: the fifth of every field goes first (the last field's first), then the
  // fourth, …; a field's "and N more" before its values, its name with its last value.
  const ranked = groups.flatMap((g) => [...g.children].filter((c) => c.matches(".value")).map((v, rank) => ({ g, v, rank: rank + 1 })));
  const order = [
    ...groups.flatMap((g) => [...g.children].filter((c) => !c.matches(".value, .top-label")).map((v) => ({ g, v, rank: 99 }))),
    ...ranked,
  ].sort((a, b) => b.rank - a.rank || groups.indexOf(b.g) - groups.indexOf(a.g));
  let hidden = 0;
  for (const { g, v } of order) {
    if (fits(line)) break;
    v.hidden = true;
    if (v.matches(".value")) hidden++;
    if (![...g.children].some((c) => c.matches(".value") && !c.hidden)) g.hidden = true;
  }
  more.dataset.hidden = String(hidden);
  showExpanded();
}

/** Every shown value of the line inside its box: none wrapped below it or cut at its end. */
function fits(line) {
  const box = line.getBoundingClientRect();
  return [...line.querySelectorAll(".top-group:not([hidden]) > :not([hidden]), .top-line > .status")].every((node) => {
    const r = node.getBoundingClientRect();
    return r.bottom <= box.bottom + 0.5 && r.right <= box.right + 0.5;
  });
}

/** The toggle's state drawn: "+N more" (collapsed) or every value and "Fewer" (expanded). */
function showExpanded() {
  const more = $("top-more");
  const panel = $("top-values");
  panel.classList.toggle("expanded", expanded);
  if (expanded) for (const node of $("top-line").querySelectorAll("[hidden]")) node.hidden = false;
  more.setAttribute("aria-expanded", String(expanded));
  text(more, expanded ? "Fewer" : `+${more.dataset.hidden} more`);
  more.title = expanded ? "Show the top values on one line" : "Show every top value counted";
}

/** The toggle, and the line fitted again when the window's width changes. */
export function wireTop() {
  $("top-more").addEventListener("click", () => {
    expanded = !expanded;
    if (expanded) showExpanded();
    else fit();
  });
  new ResizeObserver(() => {
    const panel = $("top-values");
    if (!panel.hidden && panel.clientWidth !== fittedWidth) fit();
  }).observe($("top-values"));
}

function group(f, body, state) {
  const items = body.values.map((v) => {
    const name = v.value ?? f.none;
    const title = counted(v.count, "event") + (v.errors ? ", " + counted(v.errors, "error") : "");
    const count = el("span", { className: "count" + errorShare(v) }, number(v.count));
    if (f.field === "template") {
      if (name.length > MaxTemplate) return el("span", { className: "value kind", title: title + " (too long to filter on: search its words)" }, el("span", { className: "kind-text" }, excerpt(name)), " ", count);
      const only = el("button", { type: "button", className: "value kind", title: "Only these events: " + title, "aria-label": "Only the events of " + name }, el("span", { className: "kind-text" }, excerpt(name)), " ", count);
      only.addEventListener("click", () => change({ template: v.value, at: "" }));
      return only;
    }
    // A version filters on its app and version (the API gives them apart from the label), a machine on itself; one sent
    // without (the API leaves it out: null) on noApp=, noVersion=, noMachine= (the label "(none)", or "Admin" for an app
    // without a version). An empty one ("") has no filter that finds only it ("app=" and "version=" empty are no filter:
    // the list would hold every app's), so it stays a label. Its count is of that version alone, and so is its filter:
    // 2.4.1 exactly (versionFilter), not with its builds (2.4.1+…), which a link's version=2.4.1 also finds.
    if (f.field === "version" && v.version !== "" && v.app !== "") {
      const patch = { ...(v.app == null ? { noapp: "1" } : { app: v.app }), ...(v.version == null ? { noversion: "1" } : versionFilter(v.version)) };
      const which = v.app == null && v.version == null ? "without an app and a version" : v.app == null ? `of version ${v.version} without an app` : v.version == null ? `of ${v.app} without a version` : "of " + name;
      return filterButton(which, shortVersion(name), title, count, patch);
    }
    if (f.field === "machine" && v.value !== "") return filterButton(v.value == null ? "without a machine" : "of " + name, name, title, count, v.value == null ? { nomachine: "1" } : { machine: v.value });
    if (f.field === "version" && shortVersion(name) !== name) return el("span", { className: "value", title: name + ": " + title }, shortVersion(name), " ", count);
    if (f.field !== "user") return el("span", { className: "value", title }, name, " ", count);
    const open = el("button", { type: "button", className: "value", title: "Open " + name + "'s events: " + title }, name, " ", count);
    // Everything that selects the events counted goes along (source filters too: "this app's errors, for this user").
    const sources = Object.fromEntries([...SOURCE_FILTERS, ...NONE_FILTERS, ["exactversion"]].map(([key]) => [key, state[key]]));
    open.addEventListener("click", () => change({
      ...timelineOf(v.value == null ? { nouser: "1" } : { user: v.value }), ...sources,
      levels: state.levels, q: state.q, template: state.template, property: state.property, range: state.range, from: state.from, to: state.to,
    }));
    return open;
  });
  const more = body.distinct > body.values.length ? [el("span", { className: "status" }, `and ${body.distinct - body.values.length} more`)] : [];
  return el("div", { className: "top-group", role: "group", "aria-label": f.label },
    el("span", { className: "top-label" }, `${f.label} (${body.distinct})`), ...items, ...more);
}

/**
 * How its count is marked by its errors: " hot" (red) when at least half of its events are errors, " some" (a red dot
 * after it, app.css) when fewer, "" when none. Red for any error made a machine with 1 error in 97 events look as bad as
 * one whose every event failed; the title says how many.
 */
function errorShare(v) {
  if (!v.errors) return "";
  return v.errors * 2 >= v.count ? " hot" : " some";
}

/** A value as a button that narrows the list to its events: the patch sets page filters (in the URL, removable chips), the list read again from its start. */
function filterButton(which, shown, title, count, patch) {
  const button = el("button", { type: "button", className: "value", title: "Only the events " + which + ": " + title, "aria-label": "Only the events " + which }, shown, " ", count);
  button.addEventListener("click", () => change(sourcePatch({ ...patch, at: "" })));
  return button;
}
