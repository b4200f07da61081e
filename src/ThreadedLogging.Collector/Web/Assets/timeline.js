// A timeline (one user's, the events without a user, one trace's across users and apps, or everyone's): newest first, level toggles, time range, full text, property conditions, latest error, live tail, download.
import { getJson, parseJson, session, fromRoot } from "./api.js";
import { $, el, clear, text, status, timeCell, excerpt, exceptionLine, zoneName, counted, number, shortVersion, copyText, localTime, nameText } from "./dom.js";
import { readState, change, range, forSubject, acrossUsers, badRange, badFilter, conditionText, LEVELS, toUrl, throughMillisecond, span, sourcePatch, SOURCE_FILTERS, NONE_FILTERS, PRESETS } from "./state.js";
import { hideHistogram, wireHistogram } from "./histogram.js";
import { recountOnArrival, stopRecounting, arrived } from "./recount.js";
import { showSummary, summaryRoom } from "./summary.js";
import { boxText, readBox, whyNotRead, swappedRange } from "./timebox.js";
import { hideTop } from "./top.js";
import { showFilterCount, wireFilters } from "./filters.js";

/** The live view keeps at most this many rows. */
export const MaxRows = 500;

let next = null;
// The live view keeps MaxRows: rows it takes off the bottom are asked for again by "Older events" (1 + the newest one's id,
// as a cursor), or the next page would start below them and leave a gap no one sees.
let trimmedFrom = null;
let loading = null;
// The summary's request (the bars, the top values) of the list shown: its own, so that "Older events" does not abort it.
let counting = null;
// What the rows show (the list's own filters, range, start and live tail): opening an event, its context or walking with j/k
// changes none of it, so the rows (pages added with "Older events" too) stay as they are.
let listed = "";
let source = null;
let sourceKey = "";
// The stream the list shown wants (live), opened once that list is answered: a filter only the API judges (a search's
// grammar, a property condition) is refused once, by the list, not again by the stream (a second 400, and "closed").
let pendingStream = "";
let paused = false;
let buffered = [];
// More came while paused than the view keeps: resuming reloads the list (the newest page, then "Older events"), since
// putting back only the newest MaxRows would leave a gap between them and the rows from before the pause.
let overflowed = false;
// What "Resume (n new)" counts: events, once each. The catch-up's read (catchUp) and the stream both bring an event stored
// just after the stream was ready, and it was counted twice. The ids are kept up to MaxPausedIds (a long pause on a busy
// list): past them only the catch-up's could come again, and it comes at the stream's start.
const pausedIds = new Set();
const MaxPausedIds = 20 * MaxRows;
let arrivedWhilePaused = 0;
// Live events that came while the list was being (re)loaded: the loaded page replaces the rows, so they are put back on top.
let arrivedWhileLoading = [];
let reloading = false;
// The range the rows were loaded in. A preset ("1 h") counts back from the moment the list loads; "Older events" goes on
// in that same range: counted again from a later now it left out what lay between and said there was nothing older.
let loadedRange = { from: "", to: "" };
// When the rows were loaded (ISO): the end of a preset range's window, as "Copy link" pins it.
let loadedAt = "";
// The id of the event last open in the detail: its row, once the detail closes, is where j and k go on from.
let lastOpen = null;
// The count the status last said of the rows (sayCount).
let countSaid = null;
const shown = new Set();
// The user filter ignores case (docs/QUERY.md): the timeline of "alice" also lists the events of "Alice". A row whose
// name is spelt otherwise than the list's user shows the User column, or its events would read as alice's.
let listUser = "";
let otherSpelling = false;
// The search box's pause (300 ms) before its text goes into the address.
let typing;

/**
 * Drops a search still being typed (its pause not over): it fired after "Sign out" (a refused request, or one made with
 * the next person's session) and after leaving the timeline (its q= put into the users list's address).
 */
export function stopSearchTyping() {
  clearTimeout(typing);
  typing = undefined;
}

export function filters(state) {
  const p = new URLSearchParams();
  if (state.user) p.set("user", state.user);
  if (state.nouser) p.set("noUser", "true");
  if (state.trace) p.set("traceId", state.trace);
  for (const [key] of SOURCE_FILTERS) if (state[key]) p.set(key, state[key]);
  for (const [key, parameter] of NONE_FILTERS) if (state[key]) p.set(parameter, "true");
  if (state.version && state.exactversion) p.set("exactVersion", "true");
  if (state.levels.length) p.set("levels", state.levels.join(","));
  if (state.q) p.set("q", state.q);
  if (state.template) p.set("template", state.template);
  for (const condition of state.property) p.append("property", condition);
  return p;
}

/**
 * The app, version, machine, instance and path, the kind and the property conditions as chips above the list ("App: Payroll ×",
 * "Message: Order {OrderId} paid ×", "OrderId = 48151623 ×"), each removable on its own.
 */
function chips(state) {
  const box = clear($("property-chips"));
  const sources = SOURCE_FILTERS.filter(([key]) => state[key]);
  const nones = NONE_FILTERS.filter(([key]) => state[key]);
  box.hidden = state.property.length === 0 && !state.template && sources.length === 0 && nones.length === 0;
  for (const [key, label] of sources) {
    const remove = el("button", { type: "button", className: "chip-remove", "aria-label": `Remove filter ${key} ${state[key]}`, dataset: { source: key } }, "×");
    // A top version's filter (exactversion=1) is that version alone; a link's version=2.4.1 also its builds.
    const exact = key === "version" && state.exactversion;
    const title = exact ? `${state[key]} only, not its builds (${state[key]}+…)` : null;
    box.append(el("span", { className: "chip", role: "listitem", title }, el("span", {}, `${label}: ${state[key]}` + (exact ? " (exactly)" : "")), remove));
  }
  for (const [key, , label] of nones) {
    const remove = el("button", { type: "button", className: "chip-remove", "aria-label": `Remove filter ${label.toLowerCase()} (none)`, dataset: { source: key } }, "×");
    box.append(el("span", { className: "chip", role: "listitem" }, el("span", {}, `${label}: (none)`), remove));
  }
  if (state.template) {
    const remove = el("button", { type: "button", className: "chip-remove", "aria-label": "Remove filter message " + state.template, dataset: { template: "1" } }, "×");
    box.append(el("span", { className: "chip kind", role: "listitem", title: state.template }, el("span", {}, "Message: " + excerpt(state.template)), remove));
  }
  state.property.forEach((condition, i) => {
    const shown = conditionText(condition);
    const remove = el("button", { type: "button", className: "chip-remove", "aria-label": "Remove filter " + shown, dataset: { index: String(i) } }, "×");
    box.append(el("span", { className: "chip", role: "listitem" }, el("span", {}, shown), remove));
  });
}

/**
 * The levels after a click on a level's toggle. "Error" turns Critical on and off with it: support who picks Error to
 * see what went wrong expects the crashes too (Seq's "Errors" signal holds Fatal as well), and Error alone hid them.
 * Both buttons show pressed, so "Crit" takes the crashes off again (Error alone), or alone lists only them; a link that
 * names its levels (levels=Error) lists exactly those.
 */
function toggled(levels, level) {
  const set = new Set(levels);
  const on = !set.has(level);
  for (const l of level === "Error" ? ["Error", "Critical"] : [level]) if (on) set.add(l); else set.delete(l);
  return LEVELS.filter((l) => set.has(l));
}

export function showTimeline(state) {
  // A trace and everyone's timeline cross users: their rows say whose each event is.
  $("events-table").classList.toggle("with-user", acrossUsers(state) || otherSpelling);
  for (const b of document.querySelectorAll("[data-level]")) b.setAttribute("aria-pressed", String(state.levels.includes(b.dataset.level)));
  const custom = Boolean(state.from || state.to);
  for (const b of document.querySelectorAll("[data-range]")) b.setAttribute("aria-pressed", String(!custom && (state.range || "all") === b.dataset.range));
  const fromText = boxText(state.from);
  for (const [id, end] of [["timeline-from", "from"], ["timeline-to", "to"]]) {
    $(id).value = end === "to" ? boxText(state.to, true, /\d:\d\d:\d\d/.test(fromText)) : fromText;
    fitBox($(id));
    $(id).removeAttribute("aria-invalid");
  }
  text($("range-error"), "");
  if (document.activeElement !== $("timeline-q")) $("timeline-q").value = state.q;
  // No live tail while the list shows events up to a chosen one (at): the box says so rather than a stream that is not there.
  $("live").checked = state.live === "1" && !state.at;
  chips(state);
  showFilterCount(state);
  live(state);
  if (listKey(state) === listed) { markSelected(state.event); return Promise.resolve(); }
  return load(state, false);
}

/**
 * A time box wide enough for its text in a browser without CSS field-sizing (app.css; Firefox, Chromium before 123,
 * Safari before 26), where the box kept its default 20 characters and cut "2026-12-04 15:10:07.123 UTC+01:00" to
 * "2026-12-04 15:10:07.123": a time read without its offset. Where field-sizing works it sizes the box and this is ignored.
 */
function fitBox(box) {
  box.size = Math.max(20, box.value.length + 2);
}

function listKey(state) {
  return JSON.stringify([state.user, state.nouser, state.trace, state.all, ...SOURCE_FILTERS.map(([key]) => state[key]), ...NONE_FILTERS.map(([key]) => state[key]), state.exactversion, state.levels, state.q, state.template, state.property, state.range, state.from, state.to, state.at, state.live]);
}

/** Leaves the timeline: closes the live stream, empties the rows (no query) and points the Download links nowhere. */
export function leaveTimeline() {
  stopSearchTyping();
  loading?.abort();
  noDownloads();
  counting?.abort();
  stopRecounting();
  hideHistogram();
  hideTop();
  live({ live: "" });
  clear($("events-table").tBodies[0]);
  searchBehind(null);
  listError("");
  shown.clear();
  next = null;
  trimmedFrom = null;
  otherSpelling = false;
  listed = "";
  lastOpen = null;
}

async function load(state, append) {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  if (!append) { listed = listKey(state); arrivedWhileLoading = []; }
  const tbody = $("events-table").tBodies[0];
  const bad = badRange(state) || badFilter(state) || swappedRange(state.from, state.to);
  if (bad) {
    clear(tbody); shown.clear(); next = null; trimmedFrom = null;
    $("events-more").hidden = true;
    $("events-empty").hidden = true;
    noDownloads();
    counting?.abort();
    stopRecounting();
    hideHistogram();
    hideTop();
    pendingStream = ""; sourceKey = ""; // no stream for a list that cannot be asked for; asked again when it can
    listError("Could not load events: " + bad);
    return;
  }
  reloading = !append;
  const p = filters(state);
  if (!append) { loadedAt = new Date().toISOString(); loadedRange = range(state); }
  const { from, to } = loadedRange;
  if (from) p.set("from", from);
  if (to) p.set("to", throughMillisecond(to, from));
  if (state.at) p.set("before", String(BigInt(state.at) + 1n));
  // The bar and the top values count the whole range, also for a list up to a selected event (before).
  const whole = new URLSearchParams(p);
  whole.delete("before");
  if (!append) downloads(p);
  if (!append) { counting?.abort(); stopRecounting(); } // the rows shown before: their counts not asked for again
  p.set("limit", "200");
  const older = append ? olderCursor() : null;
  if (older) { p.set("before", older); trimmedFrom = null; }
  status("Loading events…");
  $("timeline-view").setAttribute("aria-busy", "true");
  try {
    const body = await getJson("/api/events", p, controller.signal);
    if (!append) {
      clear(tbody); shown.clear(); trimmedFrom = null;
      listUser = state.user;
      otherSpelling = false;
      $("events-table").classList.toggle("with-user", acrossUsers(state));
    }
    listError("");
    for (const e of body.events) add(e, false);
    if (!append || body.indexBehind) searchBehind(body);
    next = body.next;
    if (!append) {
      if (pendingStream && pendingStream === sourceKey) openStream(pendingStream, state);
      pendingStream = "";
      keepArrivedWhileLoading();
      // Asked once the list is answered: a refusal (a search the API cannot read, the store down) was said by both
      // requests, two 400s in the browser's console for one message in the page; the list's rows come first anyway.
      counting = new AbortController();
      showSummary(whole, state, counting.signal);
      recountOnArrival((signal) => showSummary(whole, state, signal));
    }
    $("events-more").hidden = !olderCursor();
    const empty = tbody.rows.length === 0;
    if (!append) summaryRoom(empty);
    $("events-empty").hidden = !empty;
    text($("events-empty"), `No events ${forSubject(state)}` + SOURCE_FILTERS.filter(([key]) => state[key]).map(([key, label]) => ` of ${label.toLowerCase()} “${state[key]}”`).join("") + NONE_FILTERS.filter(([key]) => state[key]).map(([, , , words]) => ` without ${words}`).join("") + (state.q ? ` matching “${state.q}”` : "") + (state.template ? ` of the kind “${state.template}”` : "") + (state.property.length ? " with " + state.property.map(conditionText).join(", ") : "") + (state.levels.length ? " at " + state.levels.join(", ") : "") + (!(from || to) ? ", at any time." : state.from || state.to ? " in this time range." : ` in ${PRESETS[state.range] ?? "this time range"}.`));
    // Nothing in a range (everyone's search looks at the last 24 hours): one click looks at any time, the rest kept.
    // Support searching on Monday for Friday's error read "No events … in this time range." and took it for none.
    if (empty && (from || to)) $("events-empty").append(" ", el("button", { type: "button", className: "any-time" }, "Look at any time"));
    sayCount(state);
    markSelected(state.event);
  } catch (err) {
    if (err.name === "AbortError") return;
    if (!append) { listed = ""; arrivedWhileLoading = []; } // shown again, it is asked for again
    if (!append && pendingStream) { pendingStream = ""; sourceKey = ""; } // nor its stream: the list says why, once
    else if (older && older !== next) trimmed(BigInt(older)); // still to ask for
    // Refused (a 4xx: a search the API cannot read): the rows shown answer the query before, and faded, as while loading,
    // under the refusal they read as the refused one's, still coming. Emptied, the refusal above says why. Unanswered (the
    // collector gone, a 5xx) they stay, faded: the last answer there is.
    if (!append && err.status >= 400 && err.status < 500) {
      clear(tbody); shown.clear(); next = null; trimmedFrom = null;
      $("events-more").hidden = true;
      $("events-empty").hidden = true;
    } else for (const r of tbody.rows) r.classList.add("stale");
    // The bars and top values of a list no longer shown: not counted, nor counted again; nor its download, which the
    // export would refuse or fail as the list was (a click gave a failed download with no reason).
    if (!append) { stopRecounting(); hideHistogram(); hideTop(); noDownloads(); }
    listError("Could not load events: " + err.message);
  } finally {
    if (loading === controller) { $("timeline-view").removeAttribute("aria-busy"); reloading = false; }
  }
}

/**
 * Says in the status how many rows the list shows. With more to load, the count is of the rows, not of the range (the
 * bars count that): "the newest 200".
 */
function sayCount(state) {
  const rows = $("events-table").tBodies[0].rows.length;
  const upTo = state.at ? " up to the selected event" : "";
  countSaid = olderCursor() ? `The newest ${number(rows)} events${upTo} shown, older below` : counted(rows, "event") + upTo;
  status(countSaid);
}

/**
 * The count said again after the live tail added rows, if the status still says the list's count (not a copy's line,
 * an error, "No error for …"): it said "2 events" above the 5 rows the tail had brought and the bars' "5 events".
 */
function recountRows() {
  if (countSaid != null && $("status").textContent === countSaid) sayCount(readState());
}

/**
 * Says why the list could not be loaded, above the list, where support is looking (the header's status alone, at the
 * far end of the header, left an empty table or faded rows unexplained); "" hides it. Said there only: the status,
 * the bars' caption and the top values each said it again (a refused search read four times), so the status is
 * emptied and the summary says nothing of a failure the list already says (summary.js).
 */
function listError(message) {
  const notice = $("events-error");
  notice.hidden = !message;
  text(notice, message);
  if (message) status("");
}

/**
 * Says above the results that a search may lack the newest events: the full-text index is behind (its writes fail, a
 * full disk), as the answer's indexBehind says. Hidden for an answer without it, or null.
 */
function searchBehind(body) {
  const notice = $("search-behind");
  notice.hidden = !body?.indexBehind;
  const n = Number(body?.indexBehindEvents ?? 0);
  text(notice, notice.hidden ? "" : `Search is behind: the newest ${n > 0 ? counted(n, "event") : "events"} ${n === 1 ? "is" : "are"} not yet searchable, so matches among them are missing here; the events themselves are stored.`);
}

/** Points the Download links at the export of exactly what the list shows: its filters, search, range and start. */
function downloads(params) {
  for (const a of document.querySelectorAll("[data-export]")) {
    const p = new URLSearchParams(params);
    p.set("format", a.dataset.export);
    a.href = fromRoot("/api/events/export?" + p.toString());
  }
}

/** The Download links lead nowhere while the list cannot be loaded (the list says why). */
function noDownloads() {
  for (const a of document.querySelectorAll("[data-export]")) a.removeAttribute("href");
}

/**
 * The address of this view to send someone, its range pinned: a preset ("1 h", "7 d", All) or a From without a To
 * becomes the instants the list shows, from and to, so that the link lists the same events whenever it is opened (a
 * link with range=7d showed a developer another week the day after). Grafana's share link does the same ("Lock time
 * range", on by default); the address bar keeps the preset, so a reload still shows the latest. The end is when the
 * list was loaded, or now with the live tail on (its rows came since), which the link leaves off: a pinned range has
 * nothing live to show. Null while the list's range is one the console cannot use (the list says why).
 */
function pinnedLink(state) {
  if (badRange(state) || swappedRange(state.from, state.to)) return null;
  const pinned = { ...state };
  if (!state.to) {
    // A preset's end is its start and span (the list's "1 h" is an hour long), else the moment the list was loaded.
    const end = state.live === "1" || !loadedAt ? new Date().toISOString()
      : !state.from && span(state.range) && loadedRange.from ? new Date(Date.parse(loadedRange.from) + span(state.range)).toISOString() : loadedAt;
    Object.assign(pinned, { from: state.from || loadedRange.from, to: end, range: "", live: "" });
  }
  return { url: new URL(toUrl(pinned), location.href).href, from: pinned.from, to: pinned.to };
}

/**
 * Copies the view's pinned link (pinnedLink): the toolbar's, or the detail's (ofEvent), which says it is the open event's.
 * The address holds the open event either way; on a phone the detail covers the toolbar, and its own button is the one
 * there is.
 */
async function copyLink(ofEvent) {
  const link = pinnedLink(readState());
  if (!link) { status("Nothing to link to: the list's range cannot be used", true); return; }
  const ok = await copyText(link.url);
  const pinned = `pinned ${link.from ? "from " + localTime(link.from) + " " : ""}to ${localTime(link.to)}`;
  status(!ok ? "Copy failed: the browser refused the clipboard"
    : ofEvent ? `Copied a link to this event, open in its list ${pinned}`
    : `Copied a link to these events, ${pinned}: it lists them whenever it is opened`, !ok);
}

function row(e) {
  // Its time is a link to the page with the event open (Tab, Enter; a new tab with Ctrl): a row is no control.
  return el("tr", { className: "lvl-" + e.level, dataset: { id: String(e.id) }, tabindex: "-1" },
    timeCell(e.timestamp, toUrl({ ...readState(), event: String(e.id), ctx: "" })),
    el("td", { className: "level" }, e.level),
    el("td", { className: "col-user" }, nameText(e.user ?? "(no user)")),
    el("td", { className: "col-app", title: shortVersion(e.version) === e.version ? null : [e.app, e.version].filter(Boolean).join(" ") }, [e.app, shortVersion(e.version)].filter(Boolean).join(" ")),
    el("td", { className: "col-machine" }, e.machine ?? ""),
    el("td", { className: "col-category", title: e.category || null }, e.category ?? ""),
    el("td", { className: "msg" }, excerpt(e.message), exceptionLine(e.exception)));
}

/**
 * Puts back on top the live events that came while the page was loading (the page's rows replaced them): marked new
 * whether the page already held them (stored before its query ran) or not.
 */
function keepArrivedWhileLoading() {
  const tbody = $("events-table").tBodies[0];
  for (const e of arrivedWhileLoading) {
    const tr = tbody.querySelector(`tr[data-id="${CSS.escape(String(e.id))}"]`);
    if (tr) tr.classList.add("live-new"); else add(e, true);
  }
  arrivedWhileLoading = [];
}

/**
 * Adds an event: at the end (a page), or live, once per id, where the list's order (newest first, by id: an id holds its
 * event's time) puts it: on top, or lower for a late arrival (a client's spool sent after an outage); one older than
 * every row while older events are still to load is left to "Older events". The live view keeps MaxRows.
 */
function add(e, onTop) {
  const id = String(e.id);
  if (shown.has(id)) return;
  const tbody = $("events-table").tBodies[0];
  const before = onTop ? firstOlder(tbody, BigInt(id)) : null;
  if (onTop && !before && tbody.rows.length > 0 && olderCursor() != null) return;
  shown.add(id);
  if (listUser && e.user !== listUser && !otherSpelling) {
    otherSpelling = true;
    $("events-table").classList.add("with-user");
  }
  const tr = row(e);
  if (onTop) {
    tr.classList.add("live-new");
    tbody.insertBefore(tr, before);
    while (tbody.rows.length > MaxRows) {
      const last = tbody.rows[tbody.rows.length - 1];
      shown.delete(last.dataset.id);
      trimmed(BigInt(last.dataset.id) + 1n);
      last.remove();
    }
    $("events-empty").hidden = true;
  } else {
    tbody.appendChild(tr);
  }
}

/**
 * The first row, from the top, of an event older than this id, or null: the top row for a new event, a late arrival's
 * place a few rows down. Walked from the top, not a copy of every row (up to MaxRows, each id read again) per live event.
 */
function firstOlder(tbody, id) {
  let row = tbody.firstElementChild;
  while (row && BigInt(row.dataset.id) >= id) row = row.nextElementSibling;
  return row;
}

/** Notes that the events below this cursor (an id + 1) are to be asked for again by "Older events". */
function trimmed(cursor) {
  if (trimmedFrom == null || cursor > trimmedFrom) trimmedFrom = cursor;
  $("events-more").hidden = false;
}

/** Where "Older events" starts: after the page's last row, or higher when the live view took rows off the bottom. */
function olderCursor() {
  if (trimmedFrom == null) return next;
  return next != null && BigInt(next) >= trimmedFrom ? next : String(trimmedFrom);
}

export function markSelected(id) {
  const tbody = $("events-table").tBodies[0];
  for (const r of tbody.querySelectorAll("tr.selected, tr.last-open")) r.classList.remove("selected", "last-open");
  if (id) lastOpen = String(id);
  const tr = id ? tbody.querySelector(`tr[data-id="${CSS.escape(String(id))}"]`) : null;
  if (tr) { tr.classList.add("selected"); tr.scrollIntoView({ block: "nearest" }); }
  // The detail closed: the row last open keeps a mark (class last-open), where j and k go on from (app.js move). Esc
  // took the selection away, and j opened the newest row: support reading down a list lost their place at each close.
  else if (!id && lastOpen) tbody.querySelector(`tr[data-id="${CSS.escape(lastOpen)}"]`)?.classList.add("last-open");
}

/**
 * Opens or closes the live stream to match the state (same filters as the list; new events go on top). A range of
 * dates chosen (from/to) applies to it too: a range of the past gets only late arrivals of that time, not every new event.
 * A new stream waits for its list's answer (load, openStream): every change of what it streams changes the list too.
 */
function live(state) {
  const wanted = state.live === "1" && !state.at && !badFilter(state) ? fromRoot("/api/events/stream?" + streamFilters(state).toString()) : "";
  $("live-pause").hidden = !wanted;
  if (wanted === sourceKey) return;
  source?.close();
  source = null;
  sourceKey = wanted;
  pendingStream = wanted;
  paused = false;
  buffered = [];
  overflowed = false;
  arrivedWhilePaused = 0;
  pausedIds.clear();
  text($("live-pause"), "Pause");
  text($("live-state"), "");
}

/**
 * Opens the stream of a list just answered. The events stored between the list's read and the stream's start would be
 * in neither: once the stream is ready, the list's newest page is read again and what it has that the rows lack goes
 * on top, as a live arrival (the rows' ids say what they hold).
 */
function openStream(url, state) {
  const opened = new EventSource(url);
  source = opened;
  let caughtUp = false;
  opened.addEventListener("ready", () => {
    text($("live-state"), "connected");
    if (!caughtUp) { caughtUp = true; catchUp(state, opened); }
  });
  opened.addEventListener("message", (message) => arrive(parseJson(message.data)));
  opened.addEventListener("error", () => {
    const closed = opened.readyState === EventSource.CLOSED;
    text($("live-state"), closed ? "closed" : "reconnecting…");
    // Closed for good: a 401 when reconnecting (the session ended, the collector ends its streams) says "sign in".
    if (closed) session().then((s) => { if (s.required && !s.signedIn) document.dispatchEvent(new CustomEvent("sign-in-required")); }, () => {});
  });
}

/** A live event: on top (or where its id puts it), or kept for Resume while paused. */
function arrive(e) {
  if (paused) {
    const id = String(e.id);
    if (shown.has(id) || pausedIds.has(id)) return;
    if (pausedIds.size < MaxPausedIds) pausedIds.add(id);
    arrivedWhilePaused++;
    if (!overflowed) buffered.push(e);
    if (buffered.length > MaxRows) { overflowed = true; buffered = []; }
    text($("live-pause"), `Resume (${arrivedWhilePaused} new${overflowed ? ": reloads the list" : ""})`);
    return;
  }
  if (reloading) { arrivedWhileLoading.push(e); if (arrivedWhileLoading.length > MaxRows) arrivedWhileLoading.shift(); }
  add(e, true);
  recountRows();
  arrived();
}

/**
 * The list read again once its stream is ready (openStream): the events neither had, as live arrivals. Read page by page
 * down to the list's newest row: its newest page alone (200) left a silent gap under it when more had been stored
 * meanwhile. At most the rows the view keeps (MaxRows) are read: added on top, they take every older row off the bottom,
 * and "Older events" asks for what lies below them (trimmed), so no gap is left either.
 */
async function catchUp(state, opened) {
  // Called as the stream is ready, before any event of its own: the top row is the newest the list was read with.
  const top = $("events-table").tBodies[0].rows[0];
  const newest = top ? BigInt(top.dataset.id) : null;
  const p = filters(state);
  const { from, to } = loadedRange;
  if (from) p.set("from", from);
  if (to) p.set("to", throughMillisecond(to, from));
  p.set("limit", "200");
  const found = [];
  for (;;) {
    let body;
    try {
      body = await getJson("/api/events", p);
    } catch {
      return; // the stream goes on; a failure of its own is said by its state
    }
    if (source !== opened) return;
    found.push(...body.events);
    const last = body.events.at(-1);
    if (!body.next || !last || (newest != null && BigInt(last.id) <= newest) || found.length >= MaxRows) break;
    p.set("before", body.next);
  }
  for (const e of found.reverse()) if (!shown.has(String(e.id))) arrive(e);
}

function streamFilters(state) {
  const p = filters(state);
  if (state.from) p.set("from", state.from);
  if (state.to) p.set("to", throughMillisecond(state.to, state.from));
  return p;
}

export function wireTimeline() {
  text($("range-zone"), zoneName());
  // A search still being typed (its 300 ms pause not over) goes with any other change, or re-rendering the old
  // state would put the old text back into the box.
  const typed = () => { stopSearchTyping(); return { q: $("timeline-q").value.trim() }; };
  $("events-table").tBodies[0].addEventListener("click", (event) => {
    const tr = event.target.closest("tr");
    if (!tr) return;
    // The time's link: with Ctrl, Shift or Cmd the browser's (a new tab or window), else opened here as a click on the row.
    if (event.target.closest("a[href]")) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
    }
    change({ event: tr.dataset.id, ctx: "" });
  });
  for (const b of document.querySelectorAll("[data-level]")) {
    b.addEventListener("click", () => change({ ...typed(), levels: toggled(readState().levels, b.dataset.level), at: "" }));
  }
  for (const b of document.querySelectorAll("[data-range]")) {
    b.addEventListener("click", () => change({ ...typed(), range: b.dataset.range === "all" ? "" : b.dataset.range, from: "", to: "", at: "" }));
  }
  wireHistogram((from, to) => change({ ...typed(), from, to, range: "", at: "" }));
  // Only the end changed is read from its box; the other keeps its exact instant (a box typed without an offset, in
  // the hour that repeats when daylight saving ends, reads as the first of the two). A text that is no date and time
  // is said beside the boxes, the range unchanged.
  for (const [id, end, label] of [["timeline-from", "from", "From"], ["timeline-to", "to", "To"]]) {
    $(id).addEventListener("input", () => fitBox($(id)));
    $(id).addEventListener("change", () => {
      const value = readBox($(id).value, end === "to");
      if (value == null) {
        $(id).setAttribute("aria-invalid", "true");
        text($("range-error"), `${label}: “${$(id).value.trim()}” ${whyNotRead($(id).value, end === "to")}`);
        return;
      }
      $(id).removeAttribute("aria-invalid");
      text($("range-error"), "");
      const { from, to } = readState();
      change({ ...typed(), from, to, [end]: value, range: "", at: "" });
    });
  }
  $("timeline-q").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => change({ q: $("timeline-q").value.trim(), at: "" }, false), 300);
  });
  $("timeline-form").addEventListener("submit", (e) => { e.preventDefault(); change({ ...typed(), at: "" }, false); });
  $("events-more").addEventListener("click", () => load(readState(), true));
  $("copy-link").addEventListener("click", () => copyLink(false));
  $("detail-link").addEventListener("click", () => copyLink(true));
  wireFilters();
  $("events-empty").addEventListener("click", (event) => {
    if (event.target.closest("button.any-time")) change({ ...typed(), range: "", from: "", to: "", at: "" });
  });
  $("property-chips").addEventListener("click", (event) => {
    if (event.target.closest("button[data-template]")) { change({ ...typed(), template: "", at: "" }); return; }
    const source = event.target.closest("button[data-source]");
    if (source) { change({ ...typed(), ...sourcePatch({ [source.dataset.source]: "" }), at: "" }); return; }
    const button = event.target.closest("button[data-index]");
    if (!button) return;
    const property = readState().property.filter((_, i) => String(i) !== button.dataset.index);
    change({ ...typed(), property, at: "" });
  });
  $("live").addEventListener("change", () => change({ ...typed(), live: $("live").checked ? "1" : "", at: "" }, false));
  $("live-pause").addEventListener("click", () => {
    paused = !paused;
    if (!paused && overflowed) load(readState(), false);
    else if (!paused) { for (const e of buffered) add(e, true); recountRows(); }
    buffered = [];
    overflowed = false;
    arrivedWhilePaused = 0;
    pausedIds.clear();
    text($("live-pause"), paused ? "Resume" : "Pause");
  });
  $("latest-error").addEventListener("click", async () => {
    const state = readState();
    const p = filters({ ...state, levels: [], q: "", template: "", property: [] });
    p.set("levels", "Error,Critical");
    p.set("limit", "1");
    try {
      const body = await getJson("/api/events", p);
      if (body.events.length === 0) { status(`No error ${forSubject(state)}.`); return; }
      const id = String(body.events[0].id);
      change({ event: id, at: id, range: "", from: "", to: "", q: "", template: "", property: [], levels: [], ctx: "", live: "" });
    } catch (err) {
      status("Could not find the latest error: " + err.message, true);
    }
  });
}
