// Reports waiting for a signal. Kept only with the user's consent, only until sent (then
// deleted at once), and they can be discarded. No Background Sync (Safari and Firefox lack
// it): the app retries whenever it opens or the phone comes back online.

import { API, postSolved } from "./lib/api.js";
import { queued, saveQueue } from "./store.js";

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Sends one report, with a solved proof-of-work puzzle (a new one if the first was not
// accepted). Returns {ok, body} for an answer, or throws when there is no signal.
export const send = (key, report) =>
  postSolved("report", `${API}/reports`, report, { "Idempotency-Key": key });

export function enqueue(key, report) {
  saveQueue([...queued().filter((item) => item.key !== key), { key, report }]);
}

export function discard(key) {
  saveQueue(queued().filter((item) => item.key !== key));
}

let flushing = null;
let retry = 0;
const RETRY_MS = 5 * 60 * 1000;

function retryLater(onSent, onRefused) {
  clearTimeout(retry);
  retry = setTimeout(() => flush(onSent, onRefused), RETRY_MS);
}

// Sends every waiting report; each is deleted the moment the server has it.
export function flush(onSent, onRefused) {
  flushing ??= (async () => {
    for (const item of queued()) {
      let result;
      try {
        result = await send(item.key, item.report);
      } catch {
        return; // still no signal: try again later
      }
      if (result.ok) {
        discard(item.key);
        onSent(result.body, item.key);
      } else if (
        result.status >= 400 &&
        result.status < 500 &&
        ![408, 429].includes(result.status)
      ) {
        // It will never be accepted as it is: don't keep it, and say so.
        discard(item.key);
        onRefused(result.body);
      } else {
        // 408, 429 or a server error: kept, and tried again by itself in a while.
        retryLater(onSent, onRefused);
        return;
      }
    }
  })().finally(() => (flushing = null));
  return flushing;
}
