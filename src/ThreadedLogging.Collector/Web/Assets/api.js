// The collector's read API (docs/QUERY.md). Cookies ride along (same origin); a 401 means "sign in".

// The folder the page was loaded from: "/" at a host's root, "/logs/" under a proxy's prefix (one that strips it or one
// that passes it on to a collector with Collector:PathBase). This module is served beside the page, so its address says.
const root = new URL(".", import.meta.url);

/**
 * A collector address written from its root ("/api/events", "/?user=alice") under the folder the page was loaded from
 * ("/logs/api/events", "/logs/?user=alice"): every address the console fetches, links to or shows goes through here.
 */
export function fromRoot(path) {
  const url = new URL(path.replace(/^\//, ""), root);
  return url.pathname + url.search;
}

// The JSON text of each number of a parsed object, by the object and its key (numberText).
const numberSources = new WeakMap();

/**
 * Parses a body keeping every "id" exact: event ids exceed 2^53, which JavaScript numbers cannot hold, so
 * they are kept as their JSON text (JSON.parse's source text access). Every other number keeps its text aside.
 */
export function parseJson(text) {
  return JSON.parse(text, function (key, value, context) {
    if (typeof value !== "number" || !context || typeof context.source !== "string") return value;
    if (key === "id") return context.source;
    let sources = numberSources.get(this);
    if (!sources) numberSources.set(this, (sources = new Map()));
    sources.set(key, context.source);
    return value;
  });
}

/** A number of a parsed body as its JSON text (12345678901234567 stays that, 1e3 stays 1e3); else String(value). */
export function numberText(holder, key) {
  return numberSources.get(holder)?.get(key) ?? String(holder[key]);
}

/** JSON text of a parsed body with the ids written back as numbers. */
export function toJson(value) {
  return JSON.stringify(value, (key, v) => (key === "id" && typeof v === "string" && JSON.rawJSON ? JSON.rawJSON(v) : v), 2);
}

export class ApiError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

/** GET a JSON body; throws ApiError with the server's reason on a non-2xx answer. */
export async function getJson(path, params, signal) {
  const query = params ? "?" + params.toString() : "";
  return request(fromRoot(path + query), { headers: { Accept: "application/json" }, credentials: "same-origin", signal });
}

/**
 * A state change (POST/DELETE) with a JSON body. The session cookie is SameSite=Strict and the collector checks
 * the Origin; the custom header is the third CSRF guard (another origin cannot send it without a preflight).
 */
export async function sendJson(method, path, body) {
  const headers = { Accept: "application/json", "X-Requested-With": "ThreadedLogging.Console" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return request(fromRoot(path), { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
}

async function request(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    // The browser's own words ("Failed to fetch", "NetworkError when attempting to fetch resource.") say nothing to
    // support; the request went unanswered: the collector stopped, or the network or a proxy between is down.
    throw new ApiError(0, "the collector did not answer (is it running, and can this computer reach it?)");
  }
  let body = null;
  try { body = parseJson(await response.text()); } catch (err) { if (err && err.name === "AbortError") throw err; }
  if (!response.ok) {
    const reason = body && body.error ? String(body.error) : response.status + " " + response.statusText;
    if (response.status === 401) document.dispatchEvent(new CustomEvent("sign-in-required"));
    throw new ApiError(response.status, reason);
  }
  return body;
}

export async function session() {
  return getJson("/auth/session");
}

/** Posts the key once as a form; the answer sets an HttpOnly session cookie (the page never holds it). */
export async function signIn(key) {
  const response = await fetch(fromRoot("/auth/sign-in"), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ key }),
  });
  if (response.ok) return;
  let reason = response.status + " " + response.statusText;
  try { reason = (await response.json()).error || reason; } catch { /* not JSON */ }
  throw new ApiError(response.status, reason);
}

export async function signOut() {
  await fetch(fromRoot("/auth/sign-out"), { method: "POST", credentials: "same-origin" });
}
