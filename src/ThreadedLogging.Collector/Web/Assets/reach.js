// An event's kind beyond the list's range: who else had it and in which versions, over the last 7 days (detail.js).
import { getJson } from "./api.js";
import { el, counted, localTime, versionText as shownVersion } from "./dom.js";
import { timelineOf, toUrl, kindOf } from "./state.js";

/** How far back the kind is counted, whatever the list's range: a week, as the range button "7 d" reads. */
const ReachRange = "7d";
const ReachDays = 7;
/** The versions asked for: the most the top values return. The first and last are of these (said when there are more). */
const Versions = 100;

/**
 * How long an event is shown before its kind is counted: the read scans 7 days of the kind (about 2 s on a store of a
 * million events, bench/README.md), so stepping through a list with j/k starts none for the events passed over.
 */
const AskAfterMs = 300;

// Each kind's answer, kept a minute: stepping through a list of one kind (j/k) asks once, not per event.
const answers = new Map();

/** Forgets every kind's answer (signed out: the next person's counts are asked for with their session). */
export function forgetReach() {
  answers.clear();
}

/** The slots render() puts under an event's kind buttons, filled by showReach: the users beside them, the versions under. */
export function reachSlots() {
  return { users: el("span", { className: "kind-reach" }, "· counting the users of the last 7 days…"), versions: el("p", { className: "kind-versions" }, "Versions in the last 7 days: counting…") };
}

/**
 * Beside "Everyone with this kind" (the list's range): how many users had this kind in the last 7 days, a link to
 * everyone's events of it then; under it, the version it was first seen in then and the version it was last seen in,
 * with their times ("since which version does this error occur?"). Support asks "is it only this user?" with the list
 * at the last 15 minutes, where the button found nobody else though many had it the day before; Sentry's issue page
 * likewise counts users over a fixed recent period beside the chosen range and names the first and last release seen.
 * One summary read (the top users, for `distinct` and `withoutValue`, and the top versions with each one's oldest and newest event).
 */
export async function showReach(e, body, signal) {
  const kind = kindOf(e);
  const users = body.querySelector(".kind-reach");
  const versions = body.querySelector(".kind-versions");
  if (kind == null || !users || !versions) return;
  let cached = answers.get(kind);
  if (!cached || Date.now() - cached.at > 60e3) {
    if (!(await shownAWhile(signal))) return;
    cached = answers.get(kind);
  }
  if (!cached || Date.now() - cached.at > 60e3) {
    if (answers.size >= 100) answers.clear();
    const from = new Date(Date.now() - ReachDays * 86400e3).toISOString();
    const params = new URLSearchParams({ template: kind, from, top: "user,version", count: String(Versions), buckets: "1" });
    // Aborted with the event (another one opened, the detail closed): only the event shown waits for its kind's answer.
    cached = { at: Date.now(), answer: getJson("/api/events/summary", params, signal) };
    answers.set(kind, cached);
  }
  let answer;
  try {
    answer = await cached.answer;
  } catch (err) {
    if (answers.get(kind) === cached) answers.delete(kind);
    if (signal.aborted) return;
    // The answer of an event opened before, of the same kind, aborted with it: asked again for this one.
    if (err.name === "AbortError") return showReach(e, body, signal);
    users.replaceChildren("· users in the last 7 days: not counted (" + err.message + ")");
    versions.replaceChildren("Versions in the last 7 days: not counted");
    return;
  }
  if (signal.aborted || !users.isConnected) return;
  const [who, where] = answer.top;
  const link = el("a", { className: "kind-reach-link", title: `Every user's events of this kind, the last 7 days: ${kind}` }, userText(e, who));
  link.href = toUrl(timelineOf({ all: "1", range: ReachRange, template: kind }));
  users.replaceChildren("· ", link);
  versions.replaceChildren(...versionText(where));
  // One line each, from the render on (app.css): the whole text in the title where the detail is too narrow for it.
  users.title = users.textContent;
  versions.title = versions.textContent;
}

/**
 * "3 users in the last 7 days (4 events)": the events without a user (`withoutValue`, one of `distinct`) said apart,
 * never counted as one more user — "2 users … (2 events; +1 event without a user)".
 */
function userText(e, who) {
  const anonymous = who.withoutValue ?? 0;
  const named = who.distinct - (anonymous > 0 ? 1 : 0);
  const events = counted(who.total - anonymous, "event") + (anonymous > 0 ? `; +${counted(anonymous, "event")} without a user` : "");
  if (named === 0) return anonymous === 0 ? "nobody in the last 7 days" : `only events without a user in the last 7 days (${counted(anonymous, "event")})`;
  const only = named === 1 && e.user != null && who.values.some((v) => v.value === e.user);
  return only ? `only this user in the last 7 days (${events})` : `${counted(named, "user")} in the last 7 days (${events})`;
}

/** "Versions in the last 7 days: first Shop 2.4.1 at …, last Shop 2.5.0 at … (3 versions)", or nothing without versions. */
function versionText(where) {
  const known = where.values.filter((v) => v.version != null);
  if (known.length === 0) return ["Versions in the last 7 days: none (its events were sent without a version)"];
  // As the lists show a version (dom.js shortVersion): a build id cut to 7 characters, the whole version in its title.
  const name = (v) => shownVersion(v.value, "strong");
  const when = (at) => el("span", { className: "kind-version-time" }, localTime(at));
  // One event (or several at one instant): its time once, not "from 10:35:20.822 to 10:35:20.822".
  if (where.distinct === 1 && Date.parse(known[0].oldest) === Date.parse(known[0].newest)) return ["Versions in the last 7 days: only ", name(known[0]), ", at ", when(known[0].oldest)];
  if (where.distinct === 1) return ["Versions in the last 7 days: only ", name(known[0]), ", from ", when(known[0].oldest), " to ", when(known[0].newest)];
  const first = known.reduce((a, b) => (Date.parse(b.oldest) < Date.parse(a.oldest) ? b : a));
  const last = known.reduce((a, b) => (Date.parse(b.newest) > Date.parse(a.newest) ? b : a));
  const more = where.distinct > where.values.length ? `, of the ${where.values.length} with most events` : "";
  return ["Versions in the last 7 days: first ", name(first), " at ", when(first.oldest), ", last ", name(last), " at ", when(last.newest),
    ` (${counted(where.distinct, "version")}${more})`];
}

/** Resolves true once the event has been shown AskAfterMs, false as soon as it is left (the signal aborted). */
function shownAWhile(signal) {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const left = () => { clearTimeout(timer); resolve(false); };
    const timer = setTimeout(() => { signal.removeEventListener("abort", left); resolve(true); }, AskAfterMs);
    signal.addEventListener("abort", left, { once: true });
  });
}
