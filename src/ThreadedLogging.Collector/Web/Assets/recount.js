// What the timeline counts beside its rows (the histogram's bars, the top values) is counted again after live arrivals:
// once, LiveRecountMs after the first arrival of a burst (one summary request), for the list as it was loaded.
const LiveRecountMs = 2000;

let recounts = [];
let timer = 0;
let running = null;

/** The counts of the list just loaded, each a function of an AbortSignal; what was due for an earlier list is dropped. */
export function recountOnArrival(...counts) {
  cancel();
  recounts = counts;
}

/** The timeline was left (or its range is unusable): nothing is counted again. */
export function stopRecounting() {
  cancel();
  recounts = [];
}

/** The live tail added an event to the list: everything is counted again a moment later (once for a burst). */
export function arrived() {
  if (timer || recounts.length === 0) return;
  timer = setTimeout(() => {
    timer = 0;
    running = new AbortController();
    for (const count of recounts) count(running.signal);
  }, LiveRecountMs);
}

function cancel() {
  clearTimeout(timer);
  timer = 0;
  running?.abort();
  running = null;
}
