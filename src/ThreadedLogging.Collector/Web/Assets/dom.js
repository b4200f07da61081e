// DOM helpers. Every value from the server becomes a text node (textContent / createTextNode):
// nothing is ever parsed as HTML, whatever a message, property, user or category holds. Invisible characters that
// reorder or hide text are shown as [U+XXXX] (visible): a name with U+202E reversed what followed it on its line
// (the rest of "Capture Debug for user …" read backwards), and "alice" + U+200B looked like "alice".

/** Creates an element: props may hold className, title, type, hidden, dataset and aria-* / role; children are nodes or text. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === "className") node.className = String(value);
    else if (key === "title") node.title = visible(String(value));
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "type") node.type = String(value);
    else if (key.startsWith("aria-")) node.setAttribute(key, visible(String(value))); // read aloud: the same rule as text
    else if (key === "role" || key === "tabindex") node.setAttribute(key, String(value));
    else throw new Error("el: unsupported property " + key);
  }
  for (const child of children.flat()) {
    if (child == null) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(visible(String(child))));
  }
  return node;
}

/**
 * A version whose build metadata is a commit hash ("1.0.0+4cf5e7065febd40dbfe8af7da2b53685213e3bc1", as the .NET SDK
 * stamps every assembly since 8) with the hash cut to its first 7 digits, as git and GitHub show a commit; any other
 * version as it is. For display only: filters and links keep the whole version, which the element's title shows.
 */
export function shortVersion(version) {
  const m = /^(.*\+)([0-9a-f]{7})[0-9a-f]{5,57}$/i.exec(version ?? "");
  return m ? m[1] + m[2] : version;
}

/** A version as an element: the short form (shortVersion), the whole version in its title when they differ. */
export function versionText(version, tag = "span") {
  const short = shortVersion(version);
  return el(tag, { title: short === version ? null : version }, short);
}

/**
 * A name (a user's) as an element that wraps only where the name breaks: after its dots, @, _, :, / and \ (a <wbr>
 * there: no character added to what is copied or found), at its spaces and hyphens, never inside a word ("Oberbergm",
 * "eister" on a phone's timeline). A run too long for its column ends in "…" and a name of many lines stops at its
 * third (app.css .name): a name of 1,000 characters made the users table twelve screens wide. The whole name is in the
 * title (and the detail, the user's timeline).
 */
export function nameText(name, tag = "span") {
  return el(tag, { className: "name", title: String(name) }, withBreaks(String(name).split(/(?<=[.@_:/\\])/)));
}

/**
 * Code as text (an exception's type, its stack's frames, a path): text nodes with a <wbr> after each dot, colon, slash,
 * backslash and underscore and before each "(" and "<", so that a frame such as "at Company.Product.Module.Service.
 * Method(String arg) in /src/Module/Service.cs:line 42" wraps between its names on a phone, not inside one: at 390 px
 * "CheckoutController" broke as "CheckoutContr", "oller" (app.css breaks a word only where it has no such place).
 */
export function codeText(value) {
  return withBreaks(String(value).split(/(?<=[.:/\\_])|(?=[(<])/));
}

/** Parts of a text with a <wbr> between each two: a place to break the line that adds no character to a copy or a find. */
function withBreaks(parts) {
  return parts.flatMap((part, i) => (i ? [el("wbr"), part] : [part]));
}

export function text(node, value) {
  node.textContent = value == null ? "" : visible(String(value));
  return node;
}

/**
 * Characters that reorder text or show nothing, as [U+XXXX], so that two names never look alike and none turns the text
 * after it around: bidi embeddings, overrides and isolates (U+202A–E, U+2066–9), and the characters that show nothing or a
 * blank (zero-width space, word joiner and invisible operators U+200B, U+2060–4, the soft hyphen, the combining grapheme
 * joiner, Hangul and Khmer fillers, Mongolian selectors, the BOM, interlinear marks, shorthand format controls, the tag
 * characters U+E0000–E0FFF): "spoof-alice" with one of the latter inside looked exactly like "spoof-alice" (security
 * review). The joiners U+200C/D and the marks U+200E/F and U+061C only where no neighbour is past ASCII: in emoji
 * sequences, Persian, Indic or right-to-left text they are its glue and shown as they are.
 */
export function visible(value) {
  return value.replace(HIDDEN, (c) => "[U+" + c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0") + "]");
}

const HIDDEN = /[\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF0-\uFFFB\u{1BCA0}-\u{1BCA3}\u{E0000}-\u{E0FFF}]|(?<![^\x00-\x7F])[\u061C\u200C-\u200F](?![^\x00-\x7F])/gu;

export function clear(node) {
  node.replaceChildren();
  return node;
}

export const $ = (id) => document.getElementById(id);

/** Says what is happening in the header's status line (role=status). */
export function status(message, isError = false) {
  const node = $("status");
  text(node, message);
  node.classList.toggle("error", isError);
}

/**
 * The browser's date and time to the millisecond with its offset from UTC at that instant, in one order whatever the
 * locale: "2026-11-24 17:00:00.000 UTC+09:00" ("UTC" at offset 0), or the stored text when it is no date. Seq and
 * Grafana show the browser's time too, and say its zone; a bare "09:00" read by support in one zone while the user
 * speaks of another's (or a locale's 11/24 against 24/11) was misread. The offset is the instant's own, so rows on both
 * sides of a daylight saving change each say theirs.
 */
export function localTime(stored) {
  const date = new Date(stored);
  if (isNaN(date)) return String(stored);
  const { day, time, ms, zone } = localParts(date);
  return `${day} ${time}.${ms} ${zone}`;
}

/**
 * A date's parts in the browser's zone, zero-padded: day "2026-11-24", time "17:00:00", ms "000", zone "UTC+09:00". The
 * year in at least four digits, as ISO 8601 writes it: year 999 (a link's from=0999-…, which the API takes) is "0999",
 * not "999-01-02", a date in no form the time boxes read (timebox.js) or any other time on the page has.
 */
export function localParts(date) {
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  const offset = -date.getTimezoneOffset();
  const year = date.getFullYear();
  return {
    day: `${year < 0 ? "-" : ""}${pad(Math.abs(year), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`,
    ms: pad(date.getMilliseconds(), 3),
    zone: offset === 0 ? "UTC" : "UTC" + (offset > 0 ? "+" : "-") + pad(Math.floor(Math.abs(offset) / 60)) + ":" + pad(Math.abs(offset) % 60),
  };
}

/** The browser's time zone by name ("Asia/Tokyo"), as the time range's boxes read what is typed in them. */
export function zoneName() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
}

/**
 * Local time to the millisecond with its offset; the title carries UTC and the exact stored value. With an href, the
 * time is a link that opens its row (class open-event): a control Tab reaches and Enter follows, which a row is not.
 */
export function timeCell(stored, href = null) {
  const date = new Date(stored);
  const utc = isNaN(date) ? "" : date.toISOString();
  const shown = localTime(stored);
  let content = shown;
  if (href) {
    content = el("a", { className: "open-event" }, shown);
    content.href = href;
  }
  return el("td", { className: "time", title: "UTC " + utc + "\nstored " + String(stored) }, content);
}

/**
 * Puts a text on the clipboard; false when the browser refuses (no permission, not a secure context): then through a
 * selected textarea and the older copy command, which works on a page served over plain http.
 */
export async function copyText(value) {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    const area = el("textarea");
    area.value = value;
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** A count in this browser's locale: "50,000" (en-US), "50.000" (de-DE). */
export function number(n) {
  return Number(n).toLocaleString();
}

/** A count with its noun: "1 event", "2 events", "200+ events" (more to load), the number in this browser's locale. */
export function counted(n, noun, more = false) {
  return number(n) + (more ? "+" : "") + " " + noun + (n === 1 && !more ? "" : "s");
}

/** Lines and characters of a message a list row shows at most (the detail shows all of it). */
const EXCERPT_LINES = 3;
const EXCERPT_CHARS = 300;

/** The start of a text as a list shows it, cut with "…" when longer: a 30,000-character message stays one short row. */
export function excerpt(value) {
  const text = value == null ? "" : String(value);
  const lines = text.split("\n", EXCERPT_LINES + 1).slice(0, EXCERPT_LINES).join("\n");
  const cut = clip(lines, EXCERPT_CHARS);
  return cut === lines && lines.length < text.length ? lines + "…" : cut;
}

/** The first <chars> characters of a text, with "…" when it is longer; never half a surrogate pair (an emoji cut in two shows as �). */
export function clip(text, chars) {
  if (text.length <= chars) return text;
  const cut = text.slice(0, chars);
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut) + "…";
}

/** The characters of an exception's line in a list row at most (the detail shows all of it). */
const EXCEPTION_CHARS = 200;

/**
 * An event's exception as one line under its message ("System.InvalidOperationException: Card declined"), or null: an
 * error whose message says only "Order 99 failed" said neither what failed nor why a search for "declined" listed it.
 * Its type and message; without them (Python's traceback as text) the traceback's last line, which names them.
 */
export function exceptionLine(x) {
  if (x == null) return null;
  let line = "";
  if (typeof x === "object") line = [x.type, x.message].filter((v) => typeof v === "string" && v !== "").join(": ");
  if (!line) {
    const text = typeof x === "object" ? x.text ?? x.excInfo ?? "" : x;
    line = String(text).split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "";
  }
  if (!line) return null;
  return el("div", { className: "row-exception" }, codeText(clip(line.split("\n")[0], EXCEPTION_CHARS)));
}

/**
 * A short "3 min ago" for lists. A time later than now (a client whose clock is fast: ingest takes times up to
 * Collector:MaxClockSkew ahead) is "2 h ahead", not "-7200 s ago".
 */
export function ago(stored) {
  const seconds = Math.round((Date.now() - new Date(stored).getTime()) / 1000);
  if (!isFinite(seconds)) return "";
  return seconds < 0 ? duration(-seconds) + " ahead" : duration(seconds) + " ago";
}

function duration(seconds) {
  if (seconds < 60) return seconds + " s";
  if (seconds < 3600) return Math.round(seconds / 60) + " min";
  if (seconds < 86400) return Math.round(seconds / 3600) + " h";
  return Math.round(seconds / 86400) + " d";
}

/**
 * Fills <paramref name="tbody"/> with an audit of rule changes (level rules, alert rules): when, which change, the rule
 * as <paramref name="describe"/> words it (as stored when it is no JSON), and by whom.
 */
export function auditRows(tbody, audit, describe) {
  clear(tbody);
  for (const change of audit) {
    let rule = null;
    try { rule = JSON.parse(change.rule); } catch { /* shown as stored */ }
    tbody.append(el("tr", {},
      el("td", { className: "time", title: "UTC " + change.at }, localTime(change.at)),
      el("td", {}, change.action + " rule " + change.ruleId),
      el("td", {}, rule ? describe(rule) : change.rule),
      el("td", { className: "status" }, "by " + change.by)));
  }
}
