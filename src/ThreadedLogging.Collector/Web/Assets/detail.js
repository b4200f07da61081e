// Event detail: everything an event holds, as text (pre-formatted JSON for nested values), and its context.
import { getJson, toJson, numberText, fromRoot } from "./api.js";
import { $, el, clear, text, status, timeCell, localTime, excerpt, exceptionLine, shortVersion, copyText, codeText } from "./dom.js";
import { change, open, timelineOf, readState, conditionText, kindOf, toUrl, range, sourcePatch, versionFilter, badEvent, PRESETS } from "./state.js";
import { captureControls } from "./levels.js";
import { reachSlots, showReach, forgetReach } from "./reach.js";

let current = null;
// The reads of the last render (the event, its context), aborted by the next one, which asks again what it shows.
let loading = null;
// The shown event's own reads ({ id, controller }: its kind's count), aborted only when it is left (another event
// opened, the detail closed). A render of the same event again (its context opened, its row clicked again, a filter
// changed with it open) aborted the count with the render's reads and asked it again 300 ms later: a scan of the week
// (about 2 s on a store of a million events) thrown away at each change, never shown while they came quicker.
let shown = null;
// What "Copy as JSON" said in the status line ({ id, said, before }): it is that event's, so it gives the line back to
// what it said before (the list's count) once another event opens or the detail closes. It stayed through both, as if
// the event then shown had been copied, until a reload of the list replaced it.
let copied = null;

export async function showDetail(state) {
  const panel = $("detail");
  // Leaving an event (another opened, the detail closed) aborts what it still reads: its context, its kind's count.
  loading?.abort();
  if (shown && shown.id !== state.event) { shown.controller.abort(); shown = null; }
  if (copied && copied.id !== state.event) forgetCopy();
  if (!state.event) { panel.hidden = true; current = null; loading = null; return; }
  panel.hidden = false;
  // "Copy as JSON" copies the event loaded: until the one opened is (or when it cannot be), the button is disabled. Shown
  // enabled while the event was still being read, a click did nothing and said nothing (current was not yet set).
  $("detail-copy").disabled = !(current && String(current.id) === state.event);
  const bad = badEvent(state);
  if (bad) {
    current = null;
    $("detail-copy").disabled = true;
    loading = null;
    text($("detail-title"), "Event");
    clear($("detail-body")).appendChild(el("p", { className: "error", role: "alert" }, `Could not load event ${state.event}: ${bad}`));
    return;
  }
  const controller = new AbortController();
  loading = controller;
  shown ??= { id: state.event, controller: new AbortController() };
  const event = shown.controller.signal;
  const body = $("detail-body");
  try {
    const e = current && String(current.id) === state.event ? current : await getJson("/api/events/" + encodeURIComponent(state.event), null, controller.signal);
    current = e;
    $("detail-copy").disabled = false;
    render(e, state);
    // The count goes on across renders of this event: the render before's showReach finds its slots gone and drops the
    // answer, this one's finds the kind's answer in flight (reach.js `answers`) and shows it.
    const others = showReach(e, body, event);
    if (state.ctx === "1") await context(e, controller.signal);
    await others;
  } catch (err) {
    if (err.name === "AbortError") return;
    clear(body).appendChild(el("p", { className: "error", role: "alert" }, "Could not load event " + state.event + ": " + err.message));
  }
}

/**
 * Signed out (or the session ended): the open event's reads stop, and nothing read is kept. Its kind's count, asked
 * 300 ms after the event was shown, was asked after "Sign out" (a 401) when the event had been opened just before.
 */
export function leaveDetail() {
  loading?.abort();
  loading = null;
  shown?.controller.abort();
  shown = null;
  current = null;
  forgetReach();
}

/**
 * A heading (text, or text and nodes) and what it heads. A part that is null (no inner exceptions, no pairs) is left
 * out: DOM append writes null as the text "null" (shown under every exception without inner ones).
 */
function section(title, ...content) {
  return [el("h3", {}, title), ...content.filter((part) => part != null)];
}

function pairs(entries) {
  const dl = el("dl");
  for (const [name, value] of entries) {
    if (value == null || value === "") continue;
    dl.append(el("dt", {}, name), el("dd", {}, value instanceof Node ? value : typeof value === "object" ? JSON.stringify(value) : String(value)));
  }
  return dl.childNodes.length ? dl : null;
}

function exceptionText(x, depth = 0) {
  if (!x || typeof x !== "object") return x == null ? "" : String(x);
  if (x.text) return String(x.text);
  let out = (depth ? "---> " : "") + [x.type, x.message].filter(Boolean).join(": ");
  if (x.stackTrace) out += "\n" + x.stackTrace;
  for (const inner of x.inner || []) out += "\n" + exceptionText(inner, depth + 1);
  if (!x.stackTrace && x.excInfo) out += "\n" + x.excInfo;
  return out;
}

/**
 * The fields of a CPython LogRecord that say where it was logged, stored as properties (docs/WIRE-FORMAT.md §2): shown
 * in the Python section, not again under Properties. Only in a Python record (pythonRecord): a Serilog or OTLP event
 * with a property named module, process, threadName or lineno keeps it under Properties.
 */
const PythonFields = ["pathname", "lineno", "funcName", "module", "threadName", "process"];

/**
 * Whether an event's properties are a Python record's: the collector stores no mark of the form it came in, but every
 * LogRecord has pathname, lineno and funcName, and it keeps all three as properties (a record of our .NET client, with
 * instanceId, has them in its context instead). An event of another form has all three only if the app named them so.
 */
function pythonRecord(props) {
  return ["pathname", "lineno", "funcName"].every((name) => props[name] != null && props[name] !== "");
}

/** The lines of an exception (or a message) shown before its box scrolls (app.css `.capped`, in lines: `lh`). */
const ShownLines = 8;

/**
 * An exception's text in a box of ShownLines lines, and when it holds more a button that shows all of it. A long one
 * (a 200-frame stack, a recursion) is a box of its own that scrolls, as a cell in Kibana's Discover stops at a height
 * (truncate:maxHeight, 115 px by default): its first lines (type, message, the inner exceptions' messages in a .NET
 * text, the frames where it was thrown) read at once, and the context under it (the events around the event) in view
 * with its marked row when opened, not thousands of pixels down. No frame is left out of the text: find in page and
 * copy still have every line. Capped by its height in the page, not by its "\n"s: a one-line exception whose message
 * is a minified payload wraps to hundreds of lines; the button is shown only while the box has more than it shows (a
 * ResizeObserver: once it is laid out in the page, and again when the page's width rewraps it).
 */
function exceptionBlock(x) {
  const shown = exceptionText(x);
  return [exceptionHead(x), ...cappedBlock(el("pre", { className: "exception" }, codeText(shown)), shown, "Exception", "exception-toggle")];
}

/**
 * The exception's type and message above its text when the text's first line does not say them, else null: OTLP's
 * exception.stacktrace from a Go SDK is frames alone, a Python traceback begins "Traceback (most recent call last):"
 * and says them on its last line, cut off by the box. The list's row showed them (exceptionLine), the detail did not;
 * Sentry heads a stack the same way. A .NET ToString() begins with them and is not given them twice.
 */
function exceptionHead(x) {
  if (!x || typeof x !== "object" || !x.text) return null;
  const said = (v) => typeof v === "string" && v !== "";
  const line = [x.type, x.message].filter(said).join(": ");
  if (!line) return null;
  // Left out only when the first line begins with the type or holds the whole line: a short message found anywhere in it
  // ("failed" in "main.failedHandler(…)") or one beginning with a newline (the empty string, found in every line) hid it.
  const first = String(x.text).split("\n").find((l) => l.trim() !== "") ?? "";
  if ((said(x.type) && first.trimStart().startsWith(x.type)) || first.includes(line)) return null;
  return el("p", { className: "exception-head" }, codeText(line));
}

/**
 * A box (the exception's, the message's) capped at ShownLines lines and the button that shows all of it, shown only
 * while the box has more than it shows. The message is capped as the exception is: a message of 8,000 characters (an
 * import's rejected rows) filled the detail, and its exception, kind buttons and fields were pages down.
 */
function cappedBlock(box, shown, name, toggleClass) {
  box.classList.add("capped");
  const lines = shown.split("\n").length;
  const label = (open) => (open ? `Show the first ${ShownLines} lines` : lines > 1 ? `Show all ${lines} lines` : "Show all of it");
  const toggle = el("button", { type: "button", className: toggleClass, "aria-expanded": "false" }, label(false));
  toggle.hidden = true;
  toggle.addEventListener("click", () => {
    const open = !box.classList.toggle("capped");
    toggle.setAttribute("aria-expanded", String(open));
    text(toggle, label(open));
  });
  const observer = new ResizeObserver(() => {
    if (!box.isConnected) { observer.disconnect(); return; }
    if (!box.classList.contains("capped")) return;
    const scrolls = box.scrollHeight > box.clientHeight;
    toggle.hidden = !scrolls;
    // A box that scrolls takes the keyboard's focus, so it scrolls without a mouse too.
    if (scrolls) {
      box.tabIndex = 0;
      box.setAttribute("aria-label", lines > 1 ? `${name}, ${lines} lines` : name);
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("aria-label");
    }
  });
  observer.observe(box);
  return [box, toggle];
}

/**
 * The inner exceptions of one shown as its text, each "type: message" and its own inner ones nested, or null: the
 * text alone (a .NET ToString) hid them when it leaves them out (an AggregateException's after the first, a type
 * whose ToString is its own, a text cut short), though the event carries them. Without a text, exceptionText shows them.
 * A Python chain's exception says how the one above it follows it (chainMark); a .NET inner exception has no chain.
 */
function innerList(x) {
  if (!x || typeof x !== "object" || !x.text || !Array.isArray(x.inner) || x.inner.length === 0) return null;
  const list = (inner) => el("ul", { className: "inner-exceptions" }, inner.filter((i) => i && typeof i === "object").map((i) =>
    el("li", {}, chainMark(i.chain), el("span", { className: "inner-exception" }, codeText([i.type, i.message].filter((v) => typeof v === "string" && v !== "").join(": "))),
      Array.isArray(i.inner) && i.inner.length ? list(i.inner) : null)));
  return el("div", { className: "inner" }, el("strong", {}, `Inner exceptions (${x.inner.length})`), list(x.inner));
}

/**
 * Python's two chains (the collector's "chain", docs/WIRE-FORMAT.md §2), in Python's words turned to this list's order,
 * where the exception that followed is above: `raise … from err` ("The above exception was the direct cause of the
 * following exception") and an exception raised while handling another ("During handling of the above exception,
 * another exception occurred"). Support reads from them whether the code meant to wrap the error or failed again in its
 * handler. After a group's sub-exceptions, the mark also tells the chain's exception apart from them. Any other value
 * is shown as it is; none, nothing.
 */
function chainMark(chain) {
  if (chain == null || chain === "") return null;
  const [words, title] = chain === "cause"
    ? ["the direct cause of the above:", "raise … from: Python's traceback says “The above exception was the direct cause of the following exception”"]
    : chain === "context"
      ? ["the above occurred during handling of:", "raised while handling it: Python's traceback says “During handling of the above exception, another exception occurred”"]
      : ["chain " + String(chain) + ":", null];
  return el("span", { className: "inner-chain", title }, words, " ");
}

/**
 * Why the open event is not in the list for its time, or "": a link sent with a preset range ("1 h" counts back from
 * whenever it is opened) or with dates showed, a day later, the event open beside a list that had it not, nor anything
 * before it ("No events for bob in this time range."), and nothing said why.
 */
function outsideRange(e, state) {
  const at = Date.parse(e.timestamp);
  const { from, to } = range(state);
  if (isNaN(at) || !(from && at < Date.parse(from)) && !(to && at > Date.parse(to))) return "";
  return `Not in the list: it is ${from && at < Date.parse(from) ? "older" : "newer"} than the list's time range (${rangeText(state)}).`;
}

/** The list's time range in words: "the last 7 days", "from … to …", "at any time". */
function rangeText(state) {
  if (state.from || state.to) return [state.from ? "from " + localTime(state.from) : "", state.to ? "to " + localTime(state.to) : ""].filter(Boolean).join(" ");
  return PRESETS[state.range] ?? "at any time";
}

/**
 * Where the event comes from, at the detail's top: "App Shop 2.4.1 · Machine PC-7 · Category Shop.Checkout". With the
 * detail open the list hides those columns (app.css: room for the message), and they were said only in the Event and
 * Identity sections, below the exception, out of view. Null when the event has none of them.
 */
function origin(e) {
  const version = shortVersion(e.version);
  const parts = [["App", [e.app, version].filter(Boolean).join(" "), version !== e.version ? e.version : null], ["Machine", e.machine], ["Category", e.category]]
    .filter(([, value]) => value != null && value !== "");
  if (parts.length === 0) return null;
  return el("p", { className: "origin" }, parts.flatMap(([label, value, title], i) => [i ? " · " : "", el("span", { className: "origin-label" }, label), " ",
    el("span", { className: "origin-value", title: title ?? null }, value)]));
}

function render(e, state) {
  const ctx = e.context && typeof e.context === "object" ? e.context : {};
  const props = e.properties && typeof e.properties === "object" ? e.properties : {};
  text($("detail-title"), e.level + " · " + localTime(e.timestamp));
  // A Python record's place and stack_info are shown once, in sections of their own: the Properties table listed them again.
  const fromPython = pythonRecord(props);
  const pythonNames = fromPython ? PythonFields.filter((name) => props[name] != null && props[name] !== "") : [];
  const python = pairs(pythonNames.map((name) => [name, propertyValue(props, name)]));
  const stackInfo = fromPython && typeof props.stack_info === "string" && props.stack_info !== "None" ? props.stack_info : null;
  const apart = new Set(stackInfo ? [...pythonNames, "stack_info"] : pythonNames);
  const listed = Object.keys(props).filter((name) => !apart.has(name));
  const body = clear($("detail-body"));
  // Kept open when the level toggles hide its row (support reading it still has it), but said: j/k and the list no
  // longer show where it is.
  if (state.levels.length && !state.levels.includes(e.level)) {
    body.append(el("p", { className: "note filtered-out", role: "note" },
      `Not in the list: its level, ${e.level}, is hidden by the level filter (showing ${state.levels.join(", ")}).`));
  }
  const outside = outsideRange(e, state);
  if (outside) {
    body.append(el("p", { className: "note out-of-range", role: "note" }, outside, " ",
      el("button", { type: "button", className: "list-up-to", dataset: { upTo: String(e.id) } }, "List the events up to it")));
  }
  const where = origin(e);
  if (where) body.append(where);
  body.append(...cappedBlock(el("div", { className: "message" }, e.message ?? ""), e.message ?? "", "Message", "message-toggle"));
  const kind = kindOf(e);
  const reach = reachSlots();
  if (kind != null) {
    // Its kind (template): the same kind in this list, or everyone's events of it in the list's time range ("who else
    // hit this"; it was the last 24 hours whatever the list showed, so a week's list lost six days of them), as
    // everyone's timeline opens: its histogram and top values read every event of the range.
    body.append(el("div", { className: "kind-actions" },
      el("button", { type: "button", className: "kind-filter", title: "Only the events of this kind in the list: " + kind, dataset: { kind, scope: "list" } }, "Only this kind"),
      el("button", { type: "button", className: "kind-filter", title: `Every user's events of this kind, ${rangeText(state)}: ${kind}`, dataset: { kind, scope: "everyone" } }, "Everyone with this kind"),
      reach.users), reach.versions);
  }
  // What else happened then, whoever logged it (support's "what happened at 14:05"): everyone's events 5 minutes either
  // side, with this one open.
  body.append(el("div", { className: "kind-actions" },
    el("button", { type: "button", className: "around-filter", title: "Every user's events from 5 minutes before this one to 5 minutes after it", dataset: { around: String(e.id), at: e.timestamp } }, "Everyone around this time")));
  // The exception first: it is what support opens an error for. Its context (the events around it) right under it, so
  // that both are read together: at the end of the detail, the context scrolled the exception out of view.
  if (e.exception) body.append(...section("Exception", ...exceptionBlock(e.exception), innerList(e.exception)));
  body.append(el("div", { className: "context-slot" }));
  body.append(
    ...section("Event", pairs([
      ["time (local)", localTime(e.timestamp)], ["time (UTC)", new Date(e.timestamp).toISOString()],
      ["time (stored)", e.timestamp], ["level", e.level], ["category", e.category], ["template", e.template],
      ["event id", ctx.eventId], ["event name", ctx.eventName], ["trace id", traceLink(ctx.traceId, e.id)], ["span id", ctx.spanId],
      ["thread", [ctx.threadId, ctx.threadName].filter((v) => v != null).join(" ")], ["id", e.id],
    ])),
    ...section("Identity", pairs([
      ["app", filterable("app", e.app)], ["version", filterable("version", e.version)], ["user", userLink(e)], ["machine", filterable("machine", e.machine)], ["process", ctx.processId],
      ["instance", filterable("instance", e.instanceId)], ["sequence", e.sequence], ["path", e.path],
    ])));
  if (python) body.append(...section("Python", python));
  if (stackInfo) body.append(...section("stack_info", el("pre", {}, codeText(stackInfo))));
  if (Array.isArray(ctx.scopes) && ctx.scopes.length) body.append(...section("Scopes", el("pre", {}, JSON.stringify(ctx.scopes, null, 2))));
  if (listed.length) body.append(...section("Properties", propertyTable(props, listed), el("details", {}, el("summary", {}, "as JSON"), el("pre", { className: "properties" }, JSON.stringify(props, null, 2)))));
  const rest = Object.fromEntries(Object.entries(ctx).filter(([k]) => !["eventId", "eventName", "traceId", "spanId", "threadId", "threadName", "processId", "scopes"].includes(k)));
  if (Object.keys(rest).length) body.append(...section("Context", el("pre", {}, JSON.stringify(rest, null, 2))));
  const capture = [
    e.user ? captureControls("for user " + e.user, { user: e.user }) : null,
    e.machine ? captureControls("for machine " + e.machine, { machine: e.machine }) : null,
    e.app || e.version ? captureControls("for " + [e.app, e.version].filter(Boolean).join(" "), { app: e.app ?? undefined, version: e.version ?? undefined }) : null,
  ].filter(Boolean);
  if (capture.length) body.append(...section("Capture more", el("div", { className: "captures" }, capture)));
}

/**
 * The top-level properties, one row each: the name, the value (a string as it is, anything else as JSON) and, for a
 * string, number, boolean or null, a button that adds "name=value" to the list's property conditions (the API's rule:
 * docs/QUERY.md). Objects and arrays never match one, so they have none; nor a name or a value the API would refuse
 * (a value over 1000 characters: q finds such a text by a phrase of it).
 */
function propertyTable(props, names) {
  const rows = names.map((name) => {
    const value = props[name];
    return el("tr", {}, el("th", {}, name), el("td", {}, valueText(value)), el("td", { className: "filter-cell" }, propertyFilter(props, name)));
  });
  return el("table", { className: "props" }, el("caption", { className: "visually-hidden" }, "Properties"), el("tbody", {}, rows));
}

/** A property's value as the page shows it: a string as it is, anything else as JSON. */
function valueText(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** The button that adds "name=value" to the list's property conditions, or null when the API has none for it (conditionOf). */
function propertyFilter(props, name) {
  const condition = conditionOf(props, name, props[name]);
  return condition == null ? null
    : el("button", { type: "button", className: "property-filter", title: "Only the events with this value", "aria-label": "Filter on " + conditionText(condition), dataset: { condition } }, "filter");
}

/** A property shown outside the Properties table (a Python record's place): its value and its filter button. */
function propertyValue(props, name) {
  return el("span", {}, valueText(props[name]), " ", propertyFilter(props, name));
}

/** A value the list can filter on (app=, version=, machine=, instance=: exact, as the API's) with a button that does, or null when none. */
function filterable(key, value) {
  if (value == null || value === "") return null;
  const button = el("button", { type: "button", className: "property-filter", title: "Only the events of this " + key, "aria-label": `Filter on ${key} ${value}`, dataset: { source: key, value: String(value) } }, "filter");
  return el("span", {}, String(value), " ", button);
}

/**
 * The API's condition ("Name=value") for a property, or null when it has none: a name the API refuses, or one holding
 * '=' (the API ends a name at its first '=', so "header=x-trace" = "on" read as "header" = "x-trace=on": the button
 * listed no event, not even the one it was pressed on).
 */
function conditionOf(props, name, value) {
  if (name.length === 0 || name.length > 200 || name.includes("=") || /[\u0000-\u001f\u007f-\u009f]/.test(name)) return null;
  if (typeof value === "string") return value.length <= 1000 ? name + "=" + value : null;
  if (typeof value === "number") return name + "=" + numberText(props, name);
  if (typeof value === "boolean" || value === null) return name + "=" + String(value);
  return null;
}

/**
 * The event's user as a link to that user's timeline, listed up to this event and with it open (as the users list's
 * latest error opens it): on a trace's or everyone's timeline, "what else did this user do" was one user of many with
 * no way there but the top values. An event without a user links to the events without one.
 */
function userLink(e) {
  const subject = e.user == null ? { nouser: "1" } : { user: e.user };
  const link = el("a", { className: "user-link", title: e.user == null ? "The events without a user" : "Every event of this user", dataset: e.user == null ? { nouser: "1" } : { user: e.user } }, e.user ?? "(no user)");
  link.href = toUrl({ ...timelineOf(subject), event: String(e.id), at: String(e.id) });
  return link;
}

/** A W3C trace id as a link to every event of that trace (across users and apps); any other value as text. */
function traceLink(traceId, eventId) {
  if (typeof traceId !== "string" || !/^[0-9a-fA-F]{32}$/.test(traceId) || /^0+$/.test(traceId)) return traceId;
  const trace = traceId.toLowerCase();
  const link = el("a", { className: "trace-link", title: "Every event of this trace, whoever logged it", dataset: { trace } }, traceId);
  link.href = fromRoot("/?" + new URLSearchParams({ trace, event: String(eventId) }).toString());
  return link;
}

/**
 * The events around the event: its process's by sequence (the ThreadedLogging client's events), or for an event without
 * an instance and a sequence (Serilog, OTLP, Python: no sequence) those of the same app and machine, and user when it
 * has one, by time within an hour either side (the API's by: "time"), which the heading says: their order is the clocks',
 * not the order of the calls, and another process of the app on that machine is among them.
 */
async function context(e, signal) {
  const slot = $("detail-body").querySelector(".context-slot");
  const body = await getJson(`/api/events/${encodeURIComponent(e.id)}/context`, new URLSearchParams({ count: "20" }), signal);
  const byTime = body.by === "time";
  const same = byTime ? sameWords(body.same ?? []) : "";
  const caption = byTime ? `Events of the same ${same} around this one, by time` : "Events around this one, in the order its process logged them";
  const table = el("table", { className: "grid events context-list" }, el("caption", { className: "visually-hidden" }, caption), el("tbody", {},
    body.before.map((b) => contextRow(b, false)), contextRow(body.event, true), body.after.map((a) => contextRow(a, false))));
  const box = el("div", { className: "context-scroll" }, table);
  const counts = `, ${body.before.length} before, ${body.after.length} after`;
  // The instance id as stored, not in the headings' capitals (app.css): the instance filter is exact, and "6E1A82C3…"
  // copied from the heading found nothing of process 6e1a82c3….
  const heading = byTime ? [`Context: same ${same}, by time` + counts] : ["Context: instance ", el("span", { className: "verbatim" }, e.instanceId), counts];
  const note = byTime
    ? el("p", { className: "status context-note" }, `This event has no process sequence: the events of the same ${same} within an hour either side, in the order of their times (another process of the app on that machine among them).`)
    : null;
  clear(slot).append(...section(heading, note, box));
  table.addEventListener("click", (event) => {
    const tr = event.target.closest("tr");
    if (!tr) return;
    if (event.target.closest("a[href]")) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
    }
    if (tr.dataset.id !== String(e.id)) change({ event: tr.dataset.id, ctx: "1", at: "" });
  });
  keepInView(slot, box, table.querySelector("tr.selected"));
}

/** The fields a context by time shares with the event, in words: "app and machine", "app, machine and user". */
function sameWords(fields) {
  return fields.length > 1 ? fields.slice(0, -1).join(", ") + " and " + fields[fields.length - 1] : fields.join("");
}

/**
 * The context opened with the event still in view and marked: its row in the middle of the context's own scroll box,
 * and the detail scrolled only as far as shows that box without hiding the exception (or message) above it, unless the
 * row itself would be hidden. The row's scrollIntoView scrolled the whole detail down to it, the exception out of view.
 */
function keepInView(slot, box, row) {
  // A row taller than the box (a phone's narrow message column, a long exception line) starts at the box's top: centred,
  // its time, level and first words were above it, scrolled away.
  if (row) box.scrollTop = row.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - Math.max(0, (box.clientHeight - row.offsetHeight) / 2);
  const panel = $("detail");
  const offset = (node) => node.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
  const bar = panel.querySelector(".detail-bar")?.offsetHeight ?? 0;
  const first = $("detail-body").querySelector(".exception-head, pre.exception")?.previousElementSibling ?? $("detail-body").querySelector(".message");
  let top = panel.scrollTop;
  top = Math.max(top, offset(slot) + slot.offsetHeight - panel.clientHeight);
  if (first) top = Math.min(top, offset(first) - bar);
  // The marked row whole, even where that scrolls the exception's first lines away: a crash is its process's last event,
  // its row at the very bottom of the box, which was cut off by the detail's edge (1280×800, 0 after). To the whole pixel
  // above its fractional bottom: the scroll position rounds, and a row 0.8 px over the edge is cut off.
  if (row) top = Math.max(top, Math.ceil(offset(row) + row.getBoundingClientRect().height - panel.clientHeight));
  panel.scrollTop = Math.max(0, top);
}

/** A row of the context list: as the timeline's, its time a link that opens it and its exception's line under the message. */
function contextRow(e, selected) {
  const href = selected ? null : toUrl({ ...readState(), event: String(e.id), ctx: "1", at: "" });
  return el("tr", { className: "lvl-" + e.level + (selected ? " selected" : ""), "aria-current": selected ? "true" : null, dataset: { id: String(e.id) } },
    timeCell(e.timestamp, href), el("td", { className: "num" }, e.sequence), el("td", { className: "level" }, e.level),
    el("td", { className: "msg" }, excerpt(e.message), exceptionLine(e.exception)));
}

async function copy() {
  if (!current) return;
  const event = current;
  const ok = await copyText(toJson(event));
  if (current !== event) return; // left while the clipboard answered: the line is no longer this event's
  const line = $("status");
  const before = copied ? copied.before : { text: line.textContent, error: line.classList.contains("error") };
  const said = ok ? "Copied the event as JSON" : "Copy failed: the browser refused the clipboard";
  status(said, !ok);
  copied = { id: String(event.id), said, before };
}

/** The copy's line given back to what the status said before it, unless something else has said more since. */
function forgetCopy() {
  if ($("status").textContent === copied.said) status(copied.before.text, copied.before.error);
  copied = null;
}

export function wireDetail() {
  $("detail-close").addEventListener("click", () => change({ event: "", ctx: "" }));
  $("detail-copy").addEventListener("click", copy);
  $("detail-context").addEventListener("click", () => change({ ctx: "1" }));
  $("detail-body").addEventListener("click", (event) => {
    const filter = event.target.closest("button[data-condition]");
    if (filter) {
      const property = readState().property;
      if (property.includes(filter.dataset.condition)) return;
      if (property.length >= 8) { status("At most 8 property conditions: remove one above the list first", true); return; }
      change({ property: [...property, filter.dataset.condition], at: "" });
      return;
    }
    const source = event.target.closest("button[data-source]");
    if (source) {
      const { source: key, value } = source.dataset;
      change(sourcePatch({ ...(key === "version" ? versionFilter(value) : { [key]: value }), at: "" }));
      return;
    }
    const kind = event.target.closest("button[data-kind]");
    if (kind) {
      if (kind.dataset.scope === "list") change({ template: kind.dataset.kind, at: "" });
      else {
        const { range: preset, from, to } = readState();
        change(timelineOf({ all: "1", range: preset, from, to, template: kind.dataset.kind }));
      }
      return;
    }
    const wider = event.target.closest("a.kind-reach-link");
    if (wider && !event.ctrlKey && !event.metaKey && !event.shiftKey) { event.preventDefault(); open(wider.getAttribute("href")); return; }
    const upTo = event.target.closest("button[data-up-to]");
    if (upTo) { change({ range: "", from: "", to: "", at: upTo.dataset.upTo, event: upTo.dataset.upTo, ctx: "", live: "" }); return; }
    const around = event.target.closest("button[data-around]");
    if (around) {
      const at = new Date(around.dataset.at).getTime();
      const minutes = 5 * 60 * 1000;
      change(timelineOf({ all: "1", from: new Date(at - minutes).toISOString(), to: new Date(at + minutes).toISOString(), event: around.dataset.around }));
      return;
    }
    const user = event.target.closest("a.user-link");
    if (user && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      const id = current ? String(current.id) : "";
      change({ ...timelineOf(user.dataset.nouser === "1" ? { nouser: "1" } : { user: user.dataset.user }), event: id, at: id });
      return;
    }
    const link = event.target.closest("a[data-trace]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    change(timelineOf({ trace: link.dataset.trace, event: current ? String(current.id) : "" }));
  });
}
