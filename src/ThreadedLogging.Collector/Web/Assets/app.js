// The support console: plain ES modules, no build step, nothing loaded from elsewhere (CSP: 'self').
// Every value from the server is shown as text (dom.js), never parsed as HTML.
import { session, signIn, signOut, fromRoot } from "./api.js";
import { $, el, clear, text, status, visible, nameText } from "./dom.js";
import { readState, change, go, timelineOf, onTimeline as timelineShown, subject } from "./state.js";
import { showUsers, wireUsers, select as selectUser, openUser, stopUserTyping, leaveUsers } from "./users.js";
import { showTimeline, wireTimeline, leaveTimeline } from "./timeline.js";
import { showDetail, wireDetail, leaveDetail } from "./detail.js";
import { setPermissions, showLevels, wireLevels, forgetLevels } from "./levels.js";
import { showAlerts, wireAlerts, leaveAlerts } from "./alerts.js";
import { wireTop } from "./top.js";
import { openFilters } from "./filters.js";

let signInRequired = false;

async function render() {
  const state = readState();
  const onTimeline = timelineShown(state);
  const onAlerts = Boolean(state.alerts);
  $("users-view").hidden = onTimeline || onAlerts;
  $("timeline-view").hidden = !onTimeline;
  $("alerts-view").hidden = !onAlerts;
  if (onAlerts) $("alerts-link").setAttribute("aria-current", "page"); else $("alerts-link").removeAttribute("aria-current");
  crumbs(state);
  document.title = (onAlerts ? "Alerts · " : onTimeline ? visible(subject(state)) + " · " : "") + "Support console";
  if (onTimeline) text($("timeline-title"), "Events of " + subject(state));
  const levels = showLevels(state);
  if (!onAlerts) leaveAlerts();
  if (!onTimeline) leaveTimeline();
  // The users list's request on its way answers nothing the page shows now: its "N users" went over the timeline's status.
  if (onTimeline || onAlerts) leaveUsers();
  if (onTimeline) await Promise.all([showTimeline(state), showDetail(state), levels]);
  else if (onAlerts) await Promise.all([showAlerts(), levels]);
  else await Promise.all([showUsers(state), levels]);
}

function crumbs(state) {
  const nav = clear($("crumbs"));
  // The Alerts view has none: its link beside them is the current page's (bold), and "Users › Alerts" said it twice.
  if (!timelineShown(state)) return;
  const back = el("a", { dataset: { nav: "users" } }, "Users");
  back.href = fromRoot("/");
  nav.append(back, " › ", nameText(subject(state), "strong"));
}

let signedIn = false;
// The sign-in form stands in for the page (signed out, or the session ended): nothing is shown or asked for until it is
// used. Back and forward after "Sign out" rendered the views they went to, and every request of theirs was refused
// (401), said beside the form as "Your session has ended" and "Could not load users: missing API key: …".
let awaitingSignIn = false;
// Signed out with "Sign out" (not a session that ended): the address names no view until someone signs in (leaveAddress).
let signedOutHere = false;

/** Shows the sign-in form (required: there is no other way in; optional: an admin sign-in the user may cancel). */
function showSignIn(shown, optional = false) {
  // Signed out (or the session ended): the hidden page must not go on receiving events. Signing in renders again.
  if (shown && !optional) { leaveTimeline(); leaveDetail(); leaveUsers(); forgetShown(); signInShown(); }
  awaitingSignIn = shown && !optional;
  $("sign-in").hidden = !shown;
  $("main").hidden = shown;
  $("sign-in-cancel").hidden = !optional;
  $("sign-out").hidden = shown || !signedIn;
  if (shown) $("sign-in-key").focus();
}

/**
 * The tab and the header name the sign-in form, not the view it stands in for: after "Sign out" (or the session's end)
 * the tab's title still said "alice · Support console" and the header "Users › alice", on a shared machine's taskbar
 * and beside the form. The status goes too ("Loading events…" of a list the form stopped); sign-out then says so.
 */
function signInShown() {
  document.title = "Sign in · Support console";
  clear($("crumbs"));
  text($("timeline-title"), "Events");
  status("");
}

/**
 * Signed out (or the session ended): what the views showed leaves the page, not only the view. Hidden, the users list,
 * the open event's detail, the timeline's top values, the level rules, the alerts, the typed searches and the Download
 * links (leaveTimeline) stayed in the page (its source, the developer tools of a
 * shared machine) after "Sign out". Signing in asks for them again.
 */
function forgetShown() {
  clear($("users-table").tBodies[0]);
  $("users-empty").hidden = true;
  $("users-more").hidden = true;
  $("detail").hidden = true;
  text($("detail-title"), "Event");
  clear($("detail-body"));
  forgetLevels();
  for (const id of ["rules-table", "audit-table", "alerts-table", "alerts-audit-table"]) clear($(id).tBodies[0]);
  // The timeline's own rows went with leaveTimeline; what it counted beside them (hidden there) goes too.
  for (const id of ["top-line", "histogram-bars", "histogram-axis", "property-chips"]) clear($(id));
  for (const id of ["histogram-caption", "events-empty", "range-error"]) text($(id), "");
  // And what was typed or chosen in the boxes: the searches (every user's, the users list's, the timeline's) and the
  // range, which stayed in them after "Sign out" on a shared machine.
  for (const id of ["timeline-q", "everyone-q", "users-search", "timeline-from", "timeline-to"]) $(id).value = "";
}

/**
 * After "Sign out" the address leaves the view too: it kept ?user=bob&q=card 4111 (the last user searched) in the address
 * bar of a shared screen, in a bookmark made then, and signing in again (anyone) opened that view. Back and forward
 * while signed out clear the address of each entry they reach as well. A session that ended elsewhere keeps it ("sign
 * in again to go on where you were").
 */
function leaveAddress() {
  const root = fromRoot("/");
  if (location.pathname + location.search + location.hash !== root) history.replaceState(null, "", root);
}

async function start() {
  try {
    const s = await session();
    signInRequired = s.required;
    signedIn = s.hasSession;
    setPermissions(s);
    showSignIn(s.required && !s.signedIn);
    if (!s.required || s.signedIn) await render();
  } catch (err) {
    status("Could not open the console: " + err.message, true);
  }
}

function rows() {
  return timelineShown(readState()) ? $("events-table").tBodies[0] : $("users-table").tBodies[0];
}

function move(step) {
  const tbody = rows();
  const all = [...tbody.rows];
  if (all.length === 0) return;
  // From the open row or, the detail closed, the row that was open last (timeline.js markSelected); else the first.
  let at = all.findIndex((r) => r.classList.contains("selected"));
  if (at < 0) at = all.findIndex((r) => r.classList.contains("last-open"));
  const next = all[Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step))];
  if (timelineShown(readState())) change({ event: next.dataset.id, ctx: "" }, false);
  else selectUser(next);
}

function keyboard(event) {
  // The sign-in form's keys are its own: j, k and Enter walked and opened the hidden list's rows.
  if (awaitingSignIn) return;
  const typing = event.target.closest("input, select, textarea");
  if (event.key === "Escape") {
    if (typing) { event.target.blur(); return; }
    if (readState().event) change({ event: "", ctx: "" });
    return;
  }
  // The Alerts view has no rows to walk or search box: its links are the browser's (Tab, Enter).
  if (typing || event.ctrlKey || event.metaKey || event.altKey || readState().alerts) return;
  // Enter on a focused button or link is that control's own (it clicks it), not "open the selected row".
  if (event.key === "Enter" && event.target.closest("button, a[href], summary")) return;
  if (event.key === "/") {
    event.preventDefault();
    // A phone's filters wait behind their button (filters.js): shown first, or the hidden box took no focus.
    if (timelineShown(readState())) openFilters();
    (timelineShown(readState()) ? $("timeline-q") : $("users-search")).focus();
  } else if (event.key === "j") move(1);
  else if (event.key === "k") move(-1);
  else if (event.key === "Enter") {
    // The open row, or the one last open once the detail is closed (Esc, then Enter: open again).
    const selected = rows().querySelector("tr.selected") ?? (timelineShown(readState()) ? rows().querySelector("tr.last-open") : null);
    if (!selected) return;
    if (timelineShown(readState())) change({ event: selected.dataset.id, ctx: "" });
    else openUser(selected, null);
  }
}

function wire() {
  wireUsers();
  wireTimeline();
  wireTop();
  wireDetail();
  wireLevels();
  wireAlerts();
  // Signed out, the address still follows back and forward; signing in shows the view it names then (start).
  const shownUnlessSignedOut = () => (awaitingSignIn ? undefined : render());
  window.addEventListener("popstate", () => {
    if (awaitingSignIn && signedOutHere) leaveAddress();
    shownUnlessSignedOut();
  });
  window.addEventListener("statechange", shownUnlessSignedOut);
  document.addEventListener("keydown", keyboard);
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    // Every timeline key cleared (timelineOf's list, the one there is), the users list's own search, sort and window kept.
    const { search, sort, window: usersWindow } = readState();
    go({ ...timelineOf({}), search, sort, window: usersWindow, alerts: link.dataset.nav === "alerts" ? "1" : "" });
  });
  document.addEventListener("sign-in-required", () => {
    if (!signInRequired) return;
    // A 401 after signing in: the session ended (its lifetime, a restart of the collector, a sign-out in another tab).
    text($("sign-in-error"), "Your session has ended: sign in again to go on where you were.");
    signedIn = false;
    showSignIn(true);
  });
  $("levels-admin-sign-in").addEventListener("click", () => showSignIn(true, true));
  $("sign-in-cancel").addEventListener("click", () => showSignIn(false));
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = $("sign-in-key").value;
    text($("sign-in-error"), "");
    try {
      await signIn(key);
      signedOutHere = false;
      $("sign-in-key").value = "";
      await start();
    } catch (err) {
      text($("sign-in-error"), err.status === 401 ? "Wrong key." : "Sign-in failed: " + err.message);
    }
  });
  $("sign-out").addEventListener("click", async () => {
    // Nothing of the view is asked for once the sign-out is on its way: a search still being typed (its box's pause not
    // over) fired after it, into the cleared address and as a request of whoever signed in next; the open event's
    // kind count (300 ms after it was shown) met the 401 and said "Your session has ended"; the users list on its way
    // drew its users into the hidden page (or its 401 said the session had ended, and "Could not load users").
    leaveTimeline();
    leaveDetail();
    leaveUsers();
    stopUserTyping();
    try {
      await signOut();
    } catch {
      status("Sign-out failed: the collector did not answer", true);
      await render();
      return;
    }
    await start();
    if (awaitingSignIn) { signedOutHere = true; leaveAddress(); }
    status("Signed out");
  });
}

wire();
start();
