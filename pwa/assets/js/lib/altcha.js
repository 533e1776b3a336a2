// ALTCHA's proof-of-work solver (SHA-256, challenge format 1), vendored from altcha-lib 2.8.0
// (dist/esm/v1/index.js solveChallenge and dist/esm/v1/helpers.js hashHex), with only what
// solving needs. No third party is contacted: challenges come from this server.
//
// altcha-lib: MIT License, Copyright (c) 2023 Daniel Regeci, BAU Software s.r.o.
// Permission is hereby granted, free of charge, to any person obtaining a copy of this
// software and associated documentation files (the "Software"), to deal in the Software
// without restriction, including without limitation the rights to use, copy, modify, merge,
// publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
// to whom the Software is furnished to do so, subject to the following conditions: The above
// copyright notice and this permission notice shall be included in all copies or substantial
// portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
// EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
// FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT
// HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
// CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
// USE OR OTHER DEALINGS IN THE SOFTWARE.

const encoder = new TextEncoder();

function ab2hex(ab) {
  return [...new Uint8Array(ab)].map((x) => x.toString(16).padStart(2, "0")).join("");
}

async function hashHex(algorithm, data) {
  return ab2hex(await crypto.subtle.digest(algorithm.toUpperCase(), encoder.encode(data)));
}

// The number n in start..max with hash(salt + n) === challenge, or null.
export async function solveChallenge(challenge, salt, algorithm = "SHA-256", max = 1e6, start = 0) {
  for (let n = start; n <= max; n += 1) {
    if ((await hashHex(algorithm, salt + n)) === challenge) return n;
  }
  return null;
}
