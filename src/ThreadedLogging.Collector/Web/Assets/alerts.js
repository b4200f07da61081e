// The Alerts view (?alerts=1): each rule of GET /api/alerts (Collector:Alerts:Rules, then those made through the API),
// what it counts and what it did last; for an admin session, a form that makes one (POST /api/alerts) and a Delete
// button on each made that way (configured rules are read-only), and the audit of those changes.
// The links to a rule's events are the API's (ConsoleLink on the server, the one home of that mapping), not built here.
import { getJson, sendJson, fromRoot } from "./api.js";
import { $, el, clear, text, status, localTime, counted, auditRows } from "./dom.js";
import { mayChange } from "./levels.js";
import { open } from "./state.js";

let loading = null;

export async function showAlerts() {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  status("Loading alerts…");
  try {
    const body = await getJson("/api/alerts", null, controller.signal);
    const rules = body.alerts;
    $("alerts-table").hidden = rules.length === 0;
    $("alerts-empty").hidden = rules.length > 0;
    $("alert-form").hidden = !mayChange();
    text($("alerts-summary"), rules.length === 0 ? "" : summary(body));
    clear($("alerts-table").tBodies[0]).append(...rules.map((a, i) => row(a, i)));
    renderAudit(body.audit);
    status(counted(rules.length, "alert rule"));
  } catch (err) {
    if (err.name === "AbortError") return;
    status("Could not load alerts: " + err.message, true);
  }
}

export function leaveAlerts() {
  loading?.abort();
}

function summary(body) {
  const every = spanText(body.interval);
  return body.evaluating
    ? `This collector evaluates the rules every ${every}. What each notified is kept across restarts; its last count and any failure are shown from this run only.`
    : `This collector has not evaluated the rules yet (every ${every}). Where several collectors share one database, one of them evaluates the rules and its console shows what they did.`;
}

function row(a, index) {
  const quiet = spanText(a.cooldown);
  return el("tr", {},
    el("td", { className: "alert-name", dataset: { name: a.name } }, a.name),
    el("td", { className: "alert-query" }, a.query || "(every event)"),
    el("td", { className: "alert-threshold" }, `${counted(a.threshold, "event")} in ${spanText(a.window)}, ` + (quiet === "0 s" ? "no quiet time" : `then quiet ${quiet}`)),
    el("td", { className: "alert-evaluated" }, a.lastEvaluated ? `${localTime(a.lastEvaluated)}: counted ${counted(a.lastCount ?? 0, "event")}` : "not yet"),
    el("td", { className: "alert-notified" }, a.lastFired ? `${localTime(a.lastFired)}: ${counted(a.lastFiredCount, "event")} since ${localTime(a.lastFiredFrom)}` : "never"),
    el("td", { className: "alert-webhook" + (a.pending ? " error-cell" : "") }, a.webhookHost + ": " + webhookState(a)),
    el("td", { className: "alert-links" }, link(a.eventsLink, "Events in the last " + spanText(a.window), index), a.lastFiredLink ? link(a.lastFiredLink, "Events it notified") : null),
    made(a));
}

/** Where the rule comes from: the settings (read-only here), or who made it, with Delete for an admin session. */
function made(a) {
  if (a.readOnly) return el("td", { className: "alert-made", title: "Collector:Alerts:Rules: changed in the collector's settings" }, "settings (read-only)");
  return el("td", { className: "alert-made", title: "made " + localTime(a.created) + ", last changed " + localTime(a.changed) + " by " + a.changedBy },
    "by " + a.createdBy + " ",
    mayChange() ? el("button", { type: "button", dataset: { deleteAlert: String(a.id) }, "aria-label": "Delete alert rule " + a.name }, "Delete") : null);
}

function renderAudit(audit) {
  auditRows($("alerts-audit-table").tBodies[0], audit, (rule) => `${rule.name}: ${rule.query || "(every event)"}, ${counted(rule.threshold, "event")} in ${spanText(rule.window)}`);
  $("alerts-audit").hidden = audit.length === 0;
}

/** The form's rule as POST /api/alerts takes it: an empty threshold or quiet time is the API's default. */
function formRule() {
  const rule = { name: $("alert-name").value, query: $("alert-query").value, window: $("alert-window").value, webhook: $("alert-webhook").value };
  const threshold = $("alert-threshold").value.trim();
  if (threshold !== "") rule.threshold = Number(threshold);
  const cooldown = $("alert-cooldown").value.trim();
  if (cooldown !== "") rule.cooldown = cooldown;
  return rule;
}

async function create(event) {
  event.preventDefault();
  const button = $("alert-form").querySelector("button[type=submit]");
  button.disabled = true;
  text($("alert-form-error"), "");
  try {
    const rule = await sendJson("POST", "/api/alerts", formRule());
    $("alert-form").reset();
    await showAlerts();
    status("Created alert rule " + rule.name);
  } catch (err) {
    text($("alert-form-error"), "Could not create the rule: " + err.message); // the API's reason names the field
  } finally {
    button.disabled = false;
  }
}

async function remove(id, button) {
  button.disabled = true;
  try {
    await sendJson("DELETE", "/api/alerts/" + encodeURIComponent(id));
    await showAlerts();
    status("Deleted alert rule " + id);
  } catch (err) {
    status("Could not delete alert rule " + id + ": " + err.message, true);
    button.disabled = false;
  }
}

function webhookState(a) {
  if (a.pending) return "failing, sent again at the next evaluation: " + a.lastFailureReason;
  if (a.lastFailure && (!a.lastFired || new Date(a.lastFailure) > new Date(a.lastFired))) return `failed at ${localTime(a.lastFailure)}: ${a.lastFailureReason}`;
  return a.lastFired ? "delivered" : "nothing sent yet";
}

/** A link to a rule's events; one to its window ending now (window: the rule's index) is asked for again when followed. */
function link(href, label, window) {
  const a = el("a", { className: "alert-link", dataset: window == null ? {} : { window: String(window) } }, label);
  a.href = fromRoot(href);
  return a;
}

/**
 * The API's link to the rule's window ending now: the one the view shows ends when the view was loaded, and a page
 * left open for hours would open an hour long gone as "the last hour". The loaded one when the API cannot be asked.
 */
async function windowLink(a) {
  try {
    const rule = (await getJson("/api/alerts", null)).alerts[Number(a.dataset.window)];
    if (rule && rule.name === a.closest("tr").querySelector(".alert-name").dataset.name) return fromRoot(rule.eventsLink); // the text shows invisible characters as [U+…]
  } catch {
    // the loaded link, then
  }
  return a.getAttribute("href");
}

/** A TimeSpan as JSON writes it ("1.02:03:04.5", "00:05:00") in words: "1 d 2 h 3 min 4 s", "5 min". */
export function spanText(value) {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(value ?? "");
  if (!m) return String(value);
  const parts = [[m[1], "d"], [m[2], "h"], [m[3], "min"], [m[4], "s"]].filter(([n]) => Number(n) > 0).map(([n, unit]) => Number(n) + " " + unit);
  return parts.length ? parts.join(" ") : "0 s";
}

export function wireAlerts() {
  $("alert-form").addEventListener("submit", create);
  $("alerts-table").tBodies[0].addEventListener("click", (event) => {
    const deleteButton = event.target.closest("button[data-delete-alert]");
    if (deleteButton) { remove(deleteButton.dataset.deleteAlert, deleteButton); return; }
    const a = event.target.closest("a.alert-link");
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (a.dataset.window == null) open(a.getAttribute("href"));
    else windowLink(a).then(open);
  });
}
