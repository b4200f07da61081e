// Users list: who has logged, with counts over a window, machines, versions and the latest error.
import { getJson } from "./api.js";
import { $, el, clear, text, status, ago, localTime, excerpt, clip, counted, number, versionText, visible, nameText } from "./dom.js";
import { readState, change, span, timelineOf, badWindow, toUrl, LEVELS } from "./state.js";

/**
 * The counts window when the link names none: a week. The last 24 hours left Friday's users without counts on a
 * Monday morning ("none in the last 24 hours" beside Friday's crash); a link's window= (1h, 24h, 30d) still wins.
 */
const DefaultWindow = "7d";
// The latest error's title (tooltip) holds this much of its text; the detail holds all of it.
const TITLE_CHARS = 2000;
let next = null;
let loading = null;
// The window's start as the list was loaded: "More users" goes on in the same window (a later now would count the next
// page's machines, versions and levels over another one).
let windowFrom = "";
// Enter in "Find user" opens the first (selected) user of the list for what was typed: at once when that list is
// shown, else when it has loaded (the box's 250 ms pause or its request may still be on the way).
let shownSearch = null;
let openWhenLoaded = false;
// The query the rows shown answer (search, sort, window). A list of another one that fails (a search the API refuses,
// the collector gone) empties them: faded, they still read as the answer to what the box now says.
let rowsQuery = null;
const queryOf = (state) => JSON.stringify([state.search, state.sort, state.window]);
// The "Find user" box's pause (250 ms) before its search goes into the address.
let typing;

/** Drops a search still being typed in "Find user" (its pause not over): signed out, or another view opened. */
export function stopUserTyping() {
  clearTimeout(typing);
  typing = undefined;
}

/**
 * Drops the users list's request on its way (signed out, or another view shown): its answer came after "Sign out", the
 * 401 of the session just ended, and said "Your session has ended" beside the sign-in form and "Could not load users: …"
 * over "Signed out" (an answer with users would have drawn them into the hidden page). Showing the list asks again.
 */
export function leaveUsers() {
  loading?.abort();
  loading = null;
  openWhenLoaded = false;
  $("users-view").removeAttribute("aria-busy");
}

export function showUsers(state) {
  $("users-search").value = state.search;
  $("users-sort").value = state.sort || "lastSeen";
  $("users-window").value = state.window || DefaultWindow;
  sayEveryoneWindow(everyoneWindow(state));
  return load(state, false);
}

async function load(state, append) {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  const tbody = $("users-table").tBodies[0];
  const bad = badWindow(state);
  if (bad) {
    clear(tbody);
    rowsQuery = null;
    $("users-more").hidden = true;
    $("users-empty").hidden = true;
    status("Could not load users: " + bad, true);
    openWhenLoaded = false;
    return;
  }
  if (!append) shownSearch = null;
  const p = new URLSearchParams();
  if (state.search) p.set("search", state.search);
  if (state.sort) p.set("sort", state.sort);
  if (!append) windowFrom = new Date(Date.now() - span(state.window || DefaultWindow)).toISOString();
  p.set("from", windowFrom);
  p.set("limit", "50");
  if (append && next) p.set("after", next);
  status("Loading users…");
  $("users-view").setAttribute("aria-busy", "true");
  try {
    const body = await getJson("/api/users", p, controller.signal);
    if (!append) { clear(tbody); rowsQuery = queryOf(state); }
    const inWords = WINDOWS[state.window || DefaultWindow];
    const none = "none in " + inWords;
    for (const user of body.users) tbody.appendChild(row(user, none));
    next = body.next;
    $("users-more").hidden = !next;
    const empty = tbody.rows.length === 0;
    $("users-empty").hidden = !empty;
    text($("users-empty"), state.search ? `No user matches “${state.search}”.` : "No events yet: nobody has logged to this collector.");
    // The window said beside the count (and in the table's caption and level headings): the counts are of it alone.
    status(counted(tbody.rows.length, "user", Boolean(next)) + " · counts over " + inWords);
    sayWindow(inWords);
    if (!append) {
      select(tbody.rows[0]);
      shownSearch = state.search;
      // Only if the users list for that search is still what the page shows (a click elsewhere meanwhile wins).
      if (openWhenLoaded && !$("users-view").hidden && readState().search === state.search) openUser(tbody.rows[0]);
      openWhenLoaded = false;
    }
  } catch (err) {
    if (err.name === "AbortError") return;
    openWhenLoaded = false;
    if (!append && queryOf(state) !== rowsQuery) {
      clear(tbody);
      rowsQuery = null;
      $("users-more").hidden = true;
      $("users-empty").hidden = true;
    } else for (const r of tbody.rows) r.classList.add("stale"); // the same list's (again, or its next page): kept, faded
    status("Could not load users: " + err.message, true);
  } finally {
    if (loading === controller) $("users-view").removeAttribute("aria-busy");
  }
}

/** The users window in words, as "none in …" says it (no prototype: a link's window= indexes it). */
const WINDOWS = { __proto__: null, "1h": "the last hour", "24h": "the last 24 hours", "7d": "the last 7 days", "30d": "the last 30 days" };

/** Names the window in the table's caption and in the titles of its level counts' headings ("… in the last 7 days"). */
function sayWindow(inWords) {
  const table = $("users-table");
  text(table.caption, "Users, with their events in " + inWords);
  for (const th of table.tHead.querySelectorAll("th[data-counts]")) th.title = th.dataset.counts + " in " + inWords;
}

/**
 * The range everyone's search lists: the window the users list counts over, so that the events it finds are those the
 * counts beside it are of (it looked at the last 24 hours while the list counted 7 days: Friday's crash counted on a
 * Monday, everyone's search for it "No events … in the last 24 hours"). A window the list cannot read: the default.
 */
function everyoneWindow(state) {
  return WINDOWS[state.window] ? state.window : DefaultWindow;
}

/** Names the range everyone's search lists in its box's placeholder and its button's title. */
function sayEveryoneWindow(name) {
  const inWords = WINDOWS[name];
  // Short, as the timeline's range buttons say it ("7 d"): at 390 px the box has room for "(last 24 h)" and no more.
  $("everyone-q").placeholder = `words, "a phrase", prefix*  (last ${name.replace(/^(\d+)/, "$1 ")})`;
  $("everyone-form").querySelector("button[type=submit]").title = `Every user's events of ${inWords}: all of them, or those the search finds`;
}

/**
 * A user's row. One last seen before the window (<paramref name="none"/>: "none in the last 24 hours") had blank
 * machines, versions, counts and latest error, as if nothing were known: its last machine is shown, said to be its last,
 * and its counts say none in the window; a user without any error says so in the latest error's column.
 */
function row(user, none) {
  const quiet = !LEVELS.some((level) => (user.windowLevels?.[level] ?? 0) > 0);
  // The events without a user are a row too: it opens their timeline (nouser=1), never a user named "(no user)".
  const tr = el("tr", { className: quiet ? "quiet" : null, dataset: user.user == null ? { nouser: "1" } : { user: user.user }, tabindex: "-1" },
    el("td", { className: "user" }, nameLink(user)),
    el("td", { className: "time", title: localTime(user.lastSeen) }, ago(user.lastSeen), quiet ? el("span", { className: "status none-in-window" }, " · " + none) : null),
    quiet && user.lastMachine
      ? el("td", { className: "status", title: "The machine it was last seen on (" + none + ")" }, user.lastMachine + " (last)")
      : listCell(user.machines, "machine", quiet ? none : ""),
    listCell(user.versions, "version", quiet ? none : "", versionText),
    LEVELS.map((level) => {
      const n = user.windowLevels?.[level] ?? 0;
      return el("td", { className: "num" + (hot(level, n) ? " hot" : ""), title: quiet ? none : null }, n ? number(n) : quiet ? "–" : "");
    }),
    levelsCell(user, quiet ? none : ""),
    latestErrorCell(user));
  return tr;
}

/**
 * The machines or versions of a user, or "none" (as the latest error's column says it) where there are none: an empty
 * cell read as not loaded. The title says why: no event in the window, or its events sent without one.
 */
function listCell(values, name, none, shown = (v) => v) {
  if (values?.length) return el("td", {}, values.flatMap((v, i) => (i ? [", ", shown(v)] : [shown(v)])));
  return el("td", { className: "status no-" + name, title: none ? "No events " + none.replace(/^none /, "") : `Its events were sent without a ${name}` }, "none");
}

const hot = (level, n) => n > 0 && (level === "Error" || level === "Critical");

/**
 * The six counts in one cell, "T 3 D 12 W 1", shown only where the page is too narrow for their columns (app.css): at
 * 390 px the T, D and I columns were hidden with no way to see them. Levels without events are left out.
 */
function levelsCell(user, none) {
  const counts = LEVELS.map((level) => [level, user.windowLevels?.[level] ?? 0]).filter(([, n]) => n > 0)
    .map(([level, n]) => el("span", { className: "level-count" + (hot(level, n) ? " hot" : ""), title: level }, level[0] + " " + number(n)));
  return el("td", { className: "levels-compact" }, counts.length ? counts.flatMap((c, i) => (i ? [" ", c] : [c])) : none);
}

/** The address openUser goes to: the user's timeline, or with one event open (the latest error) and listed up to it. */
function userTarget(user, eventId) {
  const base = timelineOf(user.user == null ? { nouser: "1" } : { user: user.user });
  return toUrl(eventId ? { ...base, event: eventId, at: eventId, range: "all" } : base);
}

/** The user's name as a link to its timeline (link), wrapped and cut as a name (nameText): the whole name in its title. */
function nameLink(user) {
  const a = nameText(user.user ?? "(no user)", "a");
  a.classList.add("open-user");
  a.href = userTarget(user, null);
  return a;
}

/** A link a keyboard reaches (Tab) and follows (Enter), opened in the page by the list's click (a new tab with Ctrl). */
function link(className, content, href) {
  const a = el("a", { className }, content);
  a.href = href;
  return a;
}

function latestErrorCell(user) {
  const e = user.latestError;
  if (!e) return el("td", { className: "status no-error", title: "No Error or Critical event of this user is stored" }, "none");
  // The event's message, then its exception's type: "Type: message" read as the exception's own message ("System.
  // NullReferenceException: Unhandled exception, the app is closing", where the exception said "Object reference not set").
  const message = e.message ?? "";
  const text = e.exceptionType ? (message ? `${message} (${e.exceptionType})` : e.exceptionType) : message;
  // Two lines at most (app.css: a URL or a base64 blob ran to eight); the text in the title, all of it in the detail a click opens.
  // Bidi overrides and zero-width characters shown as [U+XXXX], as in the cell (a tooltip must not read otherwise).
  const title = clip(text, TITLE_CHARS) + "\nOpen this error (" + localTime(e.timestamp) + ")"; // el() shows invisible characters in a title too
  return el("td", { className: "msg error-cell", title, dataset: { event: String(e.id) } },
    link("latest-error", excerpt(text), userTarget(user, String(e.id))), el("span", { className: "status" }, " · " + ago(e.timestamp)));
}

export function select(tr) {
  const tbody = $("users-table").tBodies[0];
  for (const r of tbody.querySelectorAll("tr.selected")) r.classList.remove("selected");
  if (!tr) return;
  tr.classList.add("selected");
  tr.scrollIntoView({ block: "nearest" });
}

export function openUser(tr, eventId) {
  openWhenLoaded = false;
  stopUserTyping();
  if (!tr || (tr.dataset.user == null && tr.dataset.nouser !== "1")) return;
  const base = timelineOf(tr.dataset.nouser === "1" ? { nouser: "1" } : { user: tr.dataset.user });
  change(eventId ? { ...base, event: eventId, at: eventId, range: "all" } : base);
}

export function wireUsers() {
  const tbody = $("users-table").tBodies[0];
  tbody.addEventListener("click", (event) => {
    const tr = event.target.closest("tr");
    if (event.target.closest("a[href]")) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return; // the browser's: a new tab or window
      event.preventDefault();
    }
    const errorCell = event.target.closest("td[data-event]");
    openUser(tr, errorCell ? errorCell.dataset.event : null);
  });
  $("users-search").addEventListener("input", () => {
    openWhenLoaded = false;
    clearTimeout(typing);
    typing = setTimeout(() => change({ search: $("users-search").value.trim() }, false), 250);
  });
  $("users-form").addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(typing);
    const search = $("users-search").value.trim();
    if (search === shownSearch && search === readState().search) {
      openUser(tbody.querySelector("tr.selected") || tbody.rows[0]);
      return;
    }
    openWhenLoaded = Boolean(search);
    change({ search }, false);
  });
  $("users-sort").addEventListener("change", () => change({ sort: $("users-sort").value === "lastSeen" ? "" : $("users-sort").value }));
  $("users-window").addEventListener("change", () => change({ window: $("users-window").value === DefaultWindow ? "" : $("users-window").value }));
  $("users-more").addEventListener("click", () => load(readState(), true));
  // Everyone's timeline, searched or not: over the users list's window (every event of a big store is a slow histogram).
  $("everyone-form").addEventListener("submit", (e) => {
    e.preventDefault();
    change(timelineOf({ all: "1", range: everyoneWindow(readState()), q: $("everyone-q").value.trim() }));
  });
}
