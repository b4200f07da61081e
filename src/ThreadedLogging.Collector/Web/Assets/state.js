// Every view's state lives in the URL (permalinks, back/forward): ?user=&levels=&range=&from=&to=&q=&template=&property=&event=&at=&ctx=&live=
// and, for the users list, ?search=&sort=&window=; ?alerts=1 is the Alerts view. A timeline is one user's (user=), the events without a user's
// (nouser=1), one trace's, whoever logged it (trace=), or everyone's (all=1). property= ("Name=value", the API's) is
// repeated, one a condition; template= is one kind of event (the API's: a message template, or the message of an event
// without one). app=, version=, machine=, instance= and path= are the API's filters of the same names (exact; path a prefix);
// noapp=1, noversion=1 and nomachine=1 its noApp=, noVersion=, noMachine=true: the events sent without one (the top values' "(none)").

import { fromRoot } from "./api.js";

const KEYS = ["user", "nouser", "trace", "all", "app", "version", "machine", "instance", "path", "noapp", "noversion", "nomachine", "exactversion", "levels", "range", "from", "to", "q", "template", "property", "event", "at", "ctx", "live", "search", "sort", "window", "alerts"];

export function readState() {
  const p = new URLSearchParams(location.search);
  const state = {};
  for (const key of KEYS) state[key] = p.get(key) ?? "";
  // A level in any case is that level ("error", as the API reads it), so that its button shows pressed.
  state.levels = state.levels ? state.levels.split(",").filter(Boolean).map(levelName) : [];
  state.property = p.getAll("property");
  // As the link has them, for badFilter to quote (explicitUtc writes a date without a zone as UTC).
  state.linkTimes = { from: state.from, to: state.to };
  state.from = explicitUtc(state.from);
  state.to = explicitUtc(state.to);
  // A start ("up to this event") is an event id; one edited into something else is ignored, not a broken page.
  if (!/^[0-9]{1,19}$/.test(state.at)) state.at = "";
  return state;
}

/**
 * A link's time without a zone ("2026-12-05T14:30", "2026-12-05 14:30:05.5", a date alone), which the API reads as UTC
 * (docs/QUERY.md), written as UTC ("2026-12-05T14:30Z", a date's midnight "2026-12-05T00:00Z"). Sent as it was, it was
 * 14:30 UTC to the API while JavaScript's Date read it in the browser's zone, so the From and To boxes, the "Not in the
 * list" check and the bars' range named another instant than the list's. Anything else is kept as written: a time with
 * its zone, and one the API refuses, for its 400 to quote what the link says.
 */
function explicitUtc(value) {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?))?$/.exec(value);
  return m ? `${m[1]}T${m[2] ?? "00:00"}Z` : value;
}

/** The six levels, as the level buttons, the API's answers and every link the console writes name them. */
export const LEVELS = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

/** Every spelling of a level the API takes (LevelNames.TryParse: MEL's and Python's names, Serilog's short ones, 0 to 5), any case: its index in LEVELS. */
const LEVEL_SPELLINGS = {
  trace: 0, trc: 0, verbose: 0, 0: 0,
  debug: 1, dbg: 1, 1: 1,
  information: 2, info: 2, inf: 2, 2: 2,
  warning: 3, warn: 3, wrn: 3, 3: 3,
  error: 4, err: 4, fail: 4, 4: 4,
  critical: 5, crit: 5, crt: 5, fatal: 5, 5: 5,
};

/** A link's level as the buttons name it, or as written when the API would refuse it too (said by badFilter). */
function levelName(written) {
  const key = written.trim().toLowerCase();
  return Object.hasOwn(LEVEL_SPELLINGS, key) ? LEVELS[LEVEL_SPELLINGS[key]] : written;
}

/** A link's time as the API reads it (after explicitUtc): RFC 3339 with its zone, a real day and time. */
const LinkTime = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function isLinkTime(value) {
  const m = LinkTime.exec(value);
  if (!m) return false;
  const [year, month, day, hours, minutes, seconds, offsetHours, offsetMinutes] = m.slice(1).map((v) => Number(v ?? 0));
  const noon = new Date(Date.UTC(year, month - 1, day, 12));
  return noon.getUTCMonth() === month - 1 && noon.getUTCDate() === day && hours <= 23 && minutes <= 59 && seconds <= 59 && offsetHours <= 14 && offsetMinutes <= 59;
}

/**
 * Why the link's levels, from or to cannot be asked for, or "": a value edited by hand (levels=Eror, from=yesterday) is
 * said above the list without asking the API, whose refusals (the list's, the summary's and the live tail's, each a 400
 * in the browser's console) said it again; the value quoted as the link has it.
 */
export function badFilter(state) {
  const level = state.levels.find((l) => !LEVELS.includes(l));
  if (level != null) return `the link's levels name '${level}', which is none of ${LEVELS.join(", ")}`;
  for (const end of ["from", "to"]) {
    if (!state[end] || isLinkTime(state[end])) continue;
    const written = state.linkTimes?.[end] ?? state[end];
    // An offset's '+' in an address arrives as a space (form encoding): the usual cause, said as the API says it.
    const plus = /\d{2}:\d{2} \d{2}:\d{2}$/.test(written) ? "; a '+' in a link means a space: write the offset's + as %2B, or the time in UTC with Z" : "";
    return `the link's ${end} '${written}' is no date and time; write it as 2026-12-05T14:30Z (UTC) or 2026-12-05T14:30+01:00${plus}`;
  }
  return "";
}

/** Whether the state shows a timeline (a user's, the events without a user, a trace, everyone's) rather than the users list. */
export function onTimeline(state) {
  return !state.alerts && Boolean(state.user || state.nouser || state.trace || state.all);
}

/** What the timeline shows, in words: the user, "(no user)", the trace or "everyone". */
export function subject(state) {
  if (state.trace) return "trace " + state.trace;
  if (state.nouser) return "(no user)";
  return state.user || (state.all ? "everyone" : "");
}

/** Whether the timeline lists several users' events (a trace's, everyone's), so that its rows say whose each one is. */
export function acrossUsers(state) {
  return Boolean(state.trace || (state.all && !state.user && !state.nouser));
}

/** "for alice", "for trace …", or "from anyone" for everyone's timeline: the end of "No events …", "No error …". */
export function forSubject(state) {
  return state.user || state.nouser || state.trace ? "for " + subject(state) : "from anyone";
}

/** A state that opens the timeline of one subject ({ user }, { nouser: "1" } or { trace }), every other filter cleared. */
export function timelineOf(subjectPatch) {
  return { user: "", nouser: "", trace: "", all: "", app: "", version: "", machine: "", instance: "", path: "", noapp: "", noversion: "", nomachine: "", exactversion: "", levels: [], range: "", from: "", to: "", q: "", template: "", property: [], event: "", at: "", ctx: "", live: "", search: "", sort: "", window: "", alerts: "", ...subjectPatch };
}

export function toUrl(state) {
  const p = new URLSearchParams();
  for (const key of KEYS) {
    if (key === "property") { for (const condition of state.property ?? []) p.append(key, condition); continue; }
    const value = key === "levels" ? state.levels.join(",") : state[key];
    if (value != null && value !== "") p.set(key, String(value));
  }
  const query = p.toString();
  return fromRoot("/" + (query ? "?" + query : ""));
}

/** Changes the URL: push for a navigation (back returns here), replace for typing and toggles. */
export function go(state, push = true) {
  const url = toUrl(state);
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  window.dispatchEvent(new Event("statechange"));
}

/** Opens a console address (a link's href: "/logs/?all=1&…", one the API gave through fromRoot) as a navigation: back returns here. */
export function open(url) {
  history.pushState(null, "", url);
  window.dispatchEvent(new Event("statechange"));
}

export function change(patch, push = true) {
  go({ ...readState(), ...patch }, push);
}

// Lookup tables a link's value indexes: without a prototype, so that "constructor" or "__proto__" is no known name.
const SPANS = { __proto__: null, "15m": 15 * 60e3, "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };

/** The time range of the state as ISO strings (a preset counts back from now; "all" has none). */
export function range(state) {
  if (state.from || state.to) return { from: state.from, to: state.to };
  const span = SPANS[state.range || "all"];
  return span ? { from: new Date(Date.now() - span).toISOString(), to: "" } : { from: "", to: "" };
}

/**
 * The `to` the API is asked for a range's end: the end of its millisecond. The To box, the links and every time the page
 * shows stop at milliseconds, while events are stored to the tick (100 ns, as .NET clients send them): a range to
 * 14:30:00.123, typed from a row's time, left out that row's event stored at 14:30:00.1234567. A `to` that is no RFC
 * 3339 time with a zone (one edited into a link), or one before `from`, is sent as it is, for the API's 400 to quote
 * what the link says.
 */
export function throughMillisecond(to, from = "") {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(to ?? "")) return to;
  const end = new Date(to);
  return isNaN(end) || (from && Date.parse(from) > end.getTime()) ? to : end.toISOString().slice(0, -1) + "9999Z";
}

/** A preset range in words: "the last 24 hours". */
export const PRESETS = { __proto__: null, "15m": "the last 15 min", "1h": "the last hour", "24h": "the last 24 hours", "7d": "the last 7 days", "30d": "the last 30 days" };

export function span(name) {
  return SPANS[name];
}

/**
 * Why the link's range (range=, a timeline's) cannot be used, or "" when it can: a value edited by hand is said so,
 * not read as "all" (every event listed under a range the link did not ask for). A range of dates (from/to) wins.
 */
export function badRange(state) {
  if (!state.range || state.range === "all" || SPANS[state.range] || state.from || state.to) return "";
  return `the link's range '${state.range}' is none of 15m, 1h, 24h, 7d, 30d or all`;
}

/** The filters on where an event came from, as the URL, the API and the chips name them: [key, label]. */
export const SOURCE_FILTERS = [["app", "App"], ["version", "Version"], ["machine", "Machine"], ["instance", "Instance"], ["path", "Path"]];

/**
 * The filters on an identity the events were sent without, as the URL, the API and the chips name them: [key, the
 * API's parameter, label, "without …" in words]. Each excludes its field's own filter (the API refuses both).
 */
export const NONE_FILTERS = [["noapp", "noApp", "App", "an app"], ["noversion", "noVersion", "Version", "a version"], ["nomachine", "noMachine", "Machine", "a machine"]];

/**
 * A patch of the source filters with each field's other form cleared: app= clears noapp=, noapp=1 clears app=; a version
 * set or cleared (or noversion=1) clears exactversion= unless the patch sets it (versionFilter).
 */
export function sourcePatch(patch) {
  const out = { ...patch };
  for (const [none] of NONE_FILTERS) {
    const field = none.slice(2);
    if (patch[field]) out[none] = "";
    if (patch[none]) out[field] = "";
  }
  if (("version" in patch || patch.noversion) && !("exactversion" in patch)) out.exactversion = "";
  return out;
}

/**
 * The filter of a version a value stands for (a top version, the detail's "filter"): that version only. version=2.4.1
 * alone (a link's) also finds its builds, 2.4.1+3f2a9c1 (docs/QUERY.md), while the top values count 2.4.1's events
 * alone: the click listed more than its count said. exactversion=1 (the API's exactVersion=true) keeps it to itself; a
 * version with build metadata matches only itself already.
 */
export function versionFilter(version) {
  return { version, exactversion: version.includes("+") ? "" : "1" };
}

/** A property condition ("Name=value") as the page shows it: "Name = value". */
export function conditionText(condition) {
  const equals = condition.indexOf("=");
  return equals < 0 ? condition : condition.slice(0, equals) + " = " + condition.slice(equals + 1);
}

/** The longest template the API filters on (EventTemplates.MaxFilterLength): a longer message is found by its words. */
export const MaxTemplate = 4000;

/** An event's kind, as the template filter and the top values read it (its template, else its message), or null when too long to filter on. */
export function kindOf(e) {
  const kind = e.template ?? e.message ?? "";
  return kind.length > 0 && kind.length <= MaxTemplate ? kind : null;
}

/** The largest event id: a signed 64-bit number, as the API's /api/events/{id} takes it. */
const MaxEventId = 9223372036854775807n;

/**
 * Why the link's open event (event=) is no event id, or "" when it is one (or none): a link pasted in parentheses
 * carried "1883…825)" and the detail said "no endpoint at /api/events/1883…825)", as if the collector lacked the API.
 */
export function badEvent(state) {
  if (!state.event || (/^[0-9]{1,19}$/.test(state.event) && BigInt(state.event) <= MaxEventId)) return "";
  return `the link's event '${state.event}' is no event id (digits only, up to ${MaxEventId})`;
}

/** Why the link's users window (window=) cannot be used, or "" when it can (not "the collector cannot be reached"). */
export function badWindow(state) {
  if (!state.window || (SPANS[state.window] && state.window !== "15m")) return "";
  return `the link's window '${state.window}' is none of 1h, 24h, 7d or 30d`;
}
