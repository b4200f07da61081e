// Every view's state lives in the URL (permalinks, back/forward): ?user=&levels=&range=&from=&to=&q=&event=&at=&ctx=&live=
// and, for the users list, ?search=&sort=&window=.

const KEYS = ["user", "levels", "range", "from", "to", "q", "event", "at", "ctx", "live", "search", "sort", "window"];

export function readState() {
  const p = new URLSearchParams(location.search);
  const state = {};
  for (const key of KEYS) state[key] = p.get(key) ?? "";
  state.levels = state.levels ? state.levels.split(",").filter(Boolean) : [];
  // A start ("up to this event") is an event id; one edited into something else is ignored, not a broken page.
  if (!/^[0-9]{1,19}$/.test(state.at)) state.at = "";
  return state;
}

export function toUrl(state) {
  const p = new URLSearchParams();
  for (const key of KEYS) {
    const value = key === "levels" ? state.levels.join(",") : state[key];
    if (value != null && value !== "") p.set(key, String(value));
  }
  const query = p.toString();
  return "/" + (query ? "?" + query : "");
}

/** Changes the URL: push for a navigation (back returns here), replace for typing and toggles. */
export function go(state, push = true) {
  const url = toUrl(state);
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  window.dispatchEvent(new Event("statechange"));
}

export function change(patch, push = true) {
  go({ ...readState(), ...patch }, push);
}

const SPANS = { "15m": 15 * 60e3, "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };

/** The time range of the state as ISO strings (a preset counts back from now; "all" has none). */
export function range(state) {
  if (state.from || state.to) return { from: state.from, to: state.to };
  const span = SPANS[state.range || "all"];
  return span ? { from: new Date(Date.now() - span).toISOString(), to: "" } : { from: "", to: "" };
}

export function span(name) {
  return SPANS[name];
}
