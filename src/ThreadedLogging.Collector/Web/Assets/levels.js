// Support-controlled levels (issue 13): "Capture Debug for this user / machine / app version for 30 min, 2 h
// or 8 h", the live rules with their remaining time, revoke, and the audit. Everyone who reads sees the rules;
// only a session signed in with the admin key (or a collector open on loopback) gets the controls.
import { getJson, sendJson } from "./api.js";
import { $, el, clear, text, status, localTime, auditRows } from "./dom.js";

/** The capture durations offered (hh:mm:ss, as POST /api/levels takes them). */
export const DURATIONS = [["30 min", "00:30:00"], ["2 h", "02:00:00"], ["8 h", "08:00:00"]];

let canChange = false;
let rules = [];
let ticker = null;

/** Sets what this browser may do (from GET /auth/session). */
export function setPermissions(session) {
  canChange = Boolean(session.canChangeLevels);
  $("levels-admin-sign-in").hidden = canChange || !session.adminSignIn;
}

export function mayChange() {
  return canChange;
}

/** The "Capture Debug for …" controls for one selector ({ user } or { machine } or { app, version }); null when not allowed. */
export function captureControls(label, selector) {
  if (!canChange) return null;
  return el("span", { className: "capture", role: "group", "aria-label": "Capture Debug " + label },
    "Capture Debug " + label + " for ",
    DURATIONS.map(([name, duration]) => el("button", { type: "button", dataset: { capture: JSON.stringify(selector), duration } }, name)));
}

/** Shows the levels bar for the state: the user's capture controls on a timeline, and every live rule. */
export async function showLevels(state) {
  const slot = clear($("levels-capture"));
  if (state.user) {
    const controls = captureControls("for this user", { user: state.user });
    if (controls) slot.append(controls);
  }
  await reload();
}

async function reload() {
  try {
    const body = await getJson("/api/levels");
    rules = body.rules;
    renderRules();
    renderAudit(body.audit);
  } catch (err) {
    if (err.name === "AbortError") return;
    for (const r of $("rules-table").tBodies[0].rows) r.classList.add("stale");
    summary("Level rules: could not load (" + err.message + ")");
  }
}

/**
 * Signed out (or the session ended): the rules read for the session leave with it. The 15 s ticker went on after
 * "Sign out", and when one rule expired it drew the others again into the hidden table from the rules kept here.
 */
export function forgetLevels() {
  clearInterval(ticker);
  ticker = null;
  rules = [];
}

function describe(rule) {
  const parts = [];
  if (rule.user) parts.push("user " + rule.user);
  if (rule.machine) parts.push("machine " + rule.machine);
  if (rule.app) parts.push("app " + rule.app);
  if (rule.version) parts.push("version " + rule.version);
  if (rule.category) parts.push("category " + rule.category + "*");
  return parts.join(", ");
}

/** "29 min left", "1 h 59 min left", or "expired". */
export function remaining(expires) {
  const ms = new Date(expires).getTime() - Date.now();
  if (!(ms > 0)) return "expired";
  const minutes = Math.ceil(ms / 60000);
  if (minutes < 60) return minutes + " min left";
  return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min left";
}

function renderRules() {
  const live = rules.filter((r) => new Date(r.expires).getTime() > Date.now());
  const tbody = clear($("rules-table").tBodies[0]);
  for (const rule of live) {
    tbody.append(el("tr", { dataset: { rule: String(rule.id) } },
      el("td", { className: "level" }, rule.level),
      el("td", { className: "selector" }, describe(rule)),
      el("td", { className: "time remaining", title: "until " + localTime(rule.expires) + " (UTC " + rule.expires + ")" }, remaining(rule.expires)),
      el("td", { className: "status" }, "by " + rule.createdBy),
      el("td", {}, canChange ? el("button", { type: "button", dataset: { revoke: String(rule.id) } }, "Revoke") : null)));
  }
  $("rules-table").hidden = live.length === 0;
  summary(live.length ? `Level rules (${live.length} active)` : "Level rules: none active");
  clearInterval(ticker);
  ticker = live.length ? setInterval(tick, 15000) : null;
}

/**
 * The bar's summary, "Level rules (1 active)": its heading wider than a phone, and on one (app.css) the button that opens
 * the rest — the capture controls, the admin sign-in, the audit and the rules took ~90 px above every list there.
 */
function summary(line) {
  text($("rules-summary"), line);
  text($("levels-toggle"), line);
}

function tick() {
  for (const tr of $("rules-table").tBodies[0].rows) {
    const rule = rules.find((r) => String(r.id) === tr.dataset.rule);
    if (rule) text(tr.querySelector(".remaining"), remaining(rule.expires));
  }
  if (rules.some((r) => new Date(r.expires).getTime() <= Date.now())) renderRules();
}

function renderAudit(audit) {
  auditRows($("audit-table").tBodies[0], audit, (rule) => rule.level + " for " + describe(rule));
  $("audit-empty").hidden = audit.length > 0;
}

async function capture(selector, duration, button) {
  button.disabled = true;
  try {
    const rule = await sendJson("POST", "/api/levels", { ...selector, level: "Debug", duration });
    status(`Capturing Debug for ${describe(rule)} until ${localTime(rule.expires)}`);
    await reload();
  } catch (err) {
    status("Could not create the rule: " + err.message, true);
  } finally {
    button.disabled = false;
  }
}

async function revoke(id, button) {
  button.disabled = true;
  try {
    await sendJson("DELETE", "/api/levels/" + encodeURIComponent(id));
    status("Revoked rule " + id);
    await reload();
  } catch (err) {
    status("Could not revoke rule " + id + ": " + err.message, true);
    button.disabled = false;
  }
}

export function wireLevels() {
  $("levels-toggle").addEventListener("click", () => {
    const open = $("levels-toggle").getAttribute("aria-expanded") !== "true";
    $("levels").classList.toggle("levels-open", open);
    $("levels-toggle").setAttribute("aria-expanded", String(open));
  });
  // One listener for every capture button (levels bar and event detail) and every revoke button.
  document.addEventListener("click", (event) => {
    const captureButton = event.target.closest("button[data-capture]");
    if (captureButton) { capture(JSON.parse(captureButton.dataset.capture), captureButton.dataset.duration, captureButton); return; }
    const revokeButton = event.target.closest("button[data-revoke]");
    if (revokeButton) revoke(revokeButton.dataset.revoke, revokeButton);
  });
}
