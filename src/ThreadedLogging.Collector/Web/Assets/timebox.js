// The time range's From and To boxes: text in the one order the rest of the console shows times in,
// "2026-12-05 14:30 UTC+01:00" (the browser's zone and its offset at that instant, as dom.js localTime writes them),
// not a datetime-local box, which shows and reads the browser locale's order ("12/05/2026, 02:30 PM" in one,
// "05/12/2026, 14:30" in another: support and user read different days). The offset also tells apart the hour that
// repeats when daylight saving ends.
import { localParts, zoneName } from "./dom.js";

/**
 * An instant (ISO, as links carry it) as a box shows it, so that it reads back (readBox) as the same instant; "" for none.
 * From: seconds and milliseconds only when not zero. To (`end`, inclusive to the precision typed): the last millisecond
 * of a minute as that minute, of a second as that second, any other with its milliseconds. A To of 10:15:00.000 (a
 * link's, "Everyone around this time") shown "10:15" read as the whole minute while the list stopped at its start.
 * With `seconds` (the From box shows seconds) the end of a minute is shown as its last second, which reads back the
 * same: a bar of 10 s clicked showed From "10:30:50" and To "10:30", a To that looked earlier than its From.
 */
export function boxText(iso, end = false, seconds = false) {
  if (!iso) return "";
  const date = new Date(iso);
  if (isNaN(date)) return "";
  const { day, time, ms, zone } = localParts(date);
  const [whole, last] = end ? ["999", ":59"] : ["000", ":00"];
  const shown = ms !== whole ? `${time}.${ms}` : time.endsWith(last) && !seconds ? time.slice(0, 5) : time;
  return `${day} ${shown} ${zone}`;
}

/**
 * Ingest refuses an event time before 1970 (IngestLimits), so a box refuses an instant before 1970-01-01T00:00Z: the
 * instant resolved, not the year as typed ("1969-12-31 20:00" in New York is 1970-01-01T01:00Z, and taken; "1970-01-01
 * 00:30 UTC+01:00" is 1969, and refused). Years long past would read in a zone's local mean time (Berlin's
 * UTC+00:53:28), which no box shows back as typed.
 */
const FirstYear = 1970;

/** JavaScript's Date reads years 0–99 as 1900–1999 ("0099-01-01" was 1999's day): a year below this is not in full. */
const FirstFullYear = 1000;

const Pattern = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(?:\s*(Z|UTC)?(?:([+-])(\d{2}):?(\d{2}))?)?$/i;

/**
 * What a box holds as an ISO instant: "" for an empty box, null for a text that is no date and time. Year-month-day,
 * then hours and minutes (24 h; seconds and milliseconds optional, "T" or a space before them; the month, the day and
 * the hour may have one digit, "2026-12-5 9:40", as people write them, while minutes and seconds keep two): in the browser's zone,
 * or at the offset written after it ("Z", "UTC", "UTC+01:00", "+01:00"), so a time copied from the list reads back as
 * the same instant. With `end` (the To box, inclusive) the last millisecond of what was typed: "14:30" is up to and
 * including 14:30:59.999, "14:30:05" to 14:30:05.999, "14:30:05.1" to 14:30:05.199, a date alone to its 23:59:59.999:
 * a support person's "until 14:30" means the whole minute.
 */
export function readBox(value, end = false) {
  const textValue = value.trim();
  if (!textValue) return "";
  const date = resolve(textValue, end);
  return date == null || date.getTime() < 0 ? null : date.toISOString();
}

/** The instant a box's text (trimmed, not empty) resolves to, before 1970 too; null for no date and time. */
function resolve(textValue, end) {
  const m = Pattern.exec(textValue);
  if (!m) return null;
  const [year, month, day, hours, minutes, seconds, ms] = m.slice(1, 8).map((v, i) => (i === 6 ? Number((v ?? "0").padEnd(3, "0")) : Number(v ?? 0)));
  if (year < FirstFullYear) return null;
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  // 2026-02-30 would roll over into March: no day the user meant.
  const noon = new Date(Date.UTC(year, month - 1, day, 12));
  if (noon.getUTCFullYear() !== year || noon.getUTCMonth() !== month - 1 || noon.getUTCDate() !== day) return null;
  const offset = m[9] ? (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : null;
  const zoned = (...parts) => (m[8] || offset != null ? new Date(Date.UTC(...parts) - (offset ?? 0) * 60000) : new Date(...parts));
  if (end && m[4] == null) {
    // A date alone, inclusive: the next day's midnight less a millisecond.
    const next = zoned(year, month - 1, day + 1);
    return isNaN(next) ? null : new Date(next.getTime() - 1);
  }
  // Without an offset, the browser's zone (a time a daylight saving change skips, 02:30 on its night, is moved on an
  // hour, as the browser does). The To box resolves the time typed as From does, then adds what was typed to (a
  // minute, a second, or a fraction of n digits' 10^(3-n) ms) less a millisecond: adding first ended "02:59" on the
  // night the clocks skip an hour early, and read "05.1" as 05.100 rather than up to 05.199.
  let date = zoned(year, month - 1, day, hours, minutes, seconds, ms);
  if (end) date = new Date(date.getTime() + (m[7] != null ? 10 ** (3 - m[7].length) : m[6] != null ? 1000 : 60000) - 1);
  return isNaN(date) ? null : date;
}

/**
 * Why a box's text (one readBox refused; `end` as it was read) cannot be read, after "From: “…” ": a year not written in
 * full ("99-1-1") or an instant before 1970 said as such — a year below 1000 in its four digits ("0999-01-02", as
 * boxText shows one: dom.js localParts) is in full, and before 1970 —, anything else as no date and time, with how to
 * write one.
 */
export function whyNotRead(value, end = false) {
  const year = /^\s*(\d{1,4})-\d{1,2}-\d{1,2}(?:$|[ T\s])/.exec(value)?.[1];
  if (year != null && year.length < 4) return `has the year ${year}: write the year in full, as 2026-12-05 14:30 (${FirstYear} or later: no event is older)`;
  if ((year != null && Number(year) < FirstFullYear) || (resolve(value.trim(), end)?.getTime() ?? 0) < 0) return `is before ${FirstYear}-01-01 00:00 UTC: no event is older; write a later time, as 2026-12-05 14:30`;
  return `is no date and time; write year-month-day and 24-hour time, as 2026-12-05 14:30 (${zoneName()}), or add an offset: 2026-12-05 14:30 UTC`;
}

/**
 * Why a range of dates cannot hold an event, or "": its From after its To (both as the boxes show them, in the
 * browser's zone). Typed so (a From moved past the To) or in a link, the API's refusal quoted both ends in UTC to the
 * tick, "(from 2026-12-05T10:00:00.0000000Z, to 2026-12-05T09:00:59.9990000Z)", for boxes that read 11:00 and 10:00.
 * An end that is no instant (a link edited by hand) is left to the API's 400, which quotes it.
 */
export function swappedRange(from, to) {
  const [start, end] = [Date.parse(from ?? ""), Date.parse(to ?? "")];
  if (isNaN(start) || isNaN(end) || start <= end) return "";
  return `the range's From, ${boxText(from)}, is after its To, ${boxText(to, true)}: no event can be in it (change one of them)`;
}
