// The timeline's filters behind one button on a phone: its levels, time range, search and downloads took 60 % of an
// 844 px screen, and the list's first row began 500 px down. There (app.css, max-width 600px) they wait behind
// "Filters (2)", which says how many are set; wider, the button is hidden and the filters are always shown.
import { $, text } from "./dom.js";

/** The filters set behind the button, in words: the levels, the time range, the search (the chips above the list say the rest). */
function setFilters(state) {
  return [
    state.levels.length ? "levels " + state.levels.join(", ") : "",
    state.from || state.to || (state.range && state.range !== "all") ? "a time range" : "",
    state.q ? "a search" : "",
  ].filter(Boolean);
}

/** The button's text and title for the timeline shown: "Filters (2)", or "Filters" when none is set. */
export function showFilterCount(state) {
  const set = setFilters(state);
  const button = $("filters-toggle");
  text(button, set.length ? `Filters (${set.length})` : "Filters");
  button.title = "Levels, time range, search and downloads" + (set.length ? ": " + set.join("; ") : ": none set");
}

/** Shows the filters (the button pressed, or "/" to search): their controls can then take the focus. */
export function openFilters() {
  $("timeline-form").classList.add("filters-open");
  $("filters-toggle").setAttribute("aria-expanded", "true");
}

export function wireFilters() {
  $("filters-toggle").addEventListener("click", () => {
    const open = $("filters-toggle").getAttribute("aria-expanded") !== "true";
    $("timeline-form").classList.toggle("filters-open", open);
    $("filters-toggle").setAttribute("aria-expanded", String(open));
  });
}
