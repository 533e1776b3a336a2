// The API client: JSON in and out, the one error shape, and the offline bundle per language.

import { solveChallenge } from "./altcha.js";

export const API = "/api/v1";

// The X-Challenge header for one anonymous write ("report", or "lookup" also for replies):
// a proof-of-work puzzle from this server, solved here. {} when the server has it off.
export async function challengeHeader(purpose) {
  const c = await getJSON(`${API}/challenge?purpose=${purpose}`);
  if (!c.enabled) return {};
  const number = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxNumber);
  const { algorithm, challenge, salt, signature } = c;
  const payload = JSON.stringify({ algorithm, challenge, number, salt, signature });
  return { "X-Challenge": btoa(payload) };
}

// POSTs an anonymous write with a solved puzzle; once more with a new one if the server did
// not take it (expired, or another worker answered). Never cached.
export async function postSolved(purpose, url, body, headers = {}) {
  const send = async () =>
    request("POST", url, { body, cache: "no-store", headers: { ...headers, ...(await challengeHeader(purpose)) } });
  const answer = await send();
  if (answer.status !== 428 && answer.body.error?.code !== "challenge_failed") return answer;
  return send();
}

// Any method; answers {ok, status, body} (body {} when it is not JSON), throws with no signal.
export async function request(method, url, { body, headers = {}, cache } = {}) {
  const response = await fetch(url, {
    method,
    cache,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      // Errors come back in the page's language.
      "Accept-Language": document.documentElement.lang || "en",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body: answer };
}

// GET, and the body; a failed answer throws an Error with its status.
export async function getJSON(url) {
  const { ok, status, body } = await request("GET", url);
  if (ok) return body;
  const error = new Error(body.error?.message || `HTTP ${status}`);
  error.status = status;
  throw error;
}

const bundles = new Map();

// Everything for one language (messages, cards, helplines, glossary, the app's choices and
// screens); without a language the server negotiates one. Asked once per page.
export function loadBundle(lang) {
  const key = lang || "";
  if (!bundles.has(key)) {
    const url = lang ? `${API}/bundle?lang=${encodeURIComponent(lang)}` : `${API}/bundle`;
    bundles.set(
      key,
      getJSON(url).catch((error) => {
        bundles.delete(key);
        throw error;
      }),
    );
  }
  return bundles.get(key);
}
