// The support page. Every value from the server is shown through textContent: nothing is parsed as HTML.
"use strict";

const form = document.getElementById("filters");
const tbody = document.querySelector("#events tbody");
const more = document.getElementById("more");
const status = document.getElementById("status");
let next = null;

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function show(events) {
  for (const e of events) {
    const row = document.createElement("tr");
    row.className = String(e.level);
    cell(row, e.timestamp);
    cell(row, e.level);
    cell(row, e.user);
    cell(row, e.machine);
    cell(row, e.app);
    cell(row, e.category);
    const message = cell(row, e.message, "message");
    const text = e.exception && (e.exception.text || e.exception.excInfo || e.exception.message);
    if (text) {
      const pre = document.createElement("pre");
      pre.className = "exception";
      pre.textContent = String(text);
      message.appendChild(pre);
    }
    tbody.appendChild(row);
  }
}

function params() {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim() !== "") p.set(k, String(v).trim());
  return p;
}

async function load(append) {
  const p = params();
  if (append && next) p.set("before", next);
  status.textContent = "Loading…";
  try {
    const response = await fetch("/api/events?" + p.toString(), { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) { status.textContent = "Error: " + String(body.error); return; }
    if (!append) tbody.replaceChildren();
    show(body.events);
    next = body.next;
    more.hidden = !next;
    status.textContent = tbody.rows.length + " events";
  } catch (err) {
    status.textContent = "Error: " + String(err);
  }
}

async function loadUsers() {
  try {
    const response = await fetch("/api/users?limit=500");
    if (!response.ok) return;
    const list = document.getElementById("users");
    list.replaceChildren();
    for (const u of (await response.json()).users) {
      if (u.user == null) continue;
      const option = document.createElement("option");
      option.value = String(u.user);
      list.appendChild(option);
    }
  } catch { /* the table still works */ }
}

form.addEventListener("submit", (event) => { event.preventDefault(); load(false); });
more.addEventListener("click", () => load(true));
loadUsers();
load(false);
