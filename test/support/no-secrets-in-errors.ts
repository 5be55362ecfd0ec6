/**
 * Jest `setupFilesAfterEnv`: every error body of the whole run is checked, an error never carries a
 * token or a JWT. `fetch` is wrapped once per test file, so this covers test/support/client.ts (which
 * stays free of test-only imports, for frontends to copy) and every direct `fetch` of a test alike.
 *
 * A response whose JSON body (or any element of a JSON array body) has `errors` is passed to
 * `assertNoSecrets`: on a leak that `fetch` call rejects with the error naming what leaked, as the
 * client used to, and the test fails; if the test swallowed that rejection, it fails in afterEach.
 */
import { assertNoSecrets } from "./secrets";

const realFetch = globalThis.fetch;
const leaks: Error[] = [];

/** Throws (and records) when a parsed response body's errors contain a secret. */
function checkBody(body: unknown, status: number): void {
  if (typeof body !== "object" || body === null || !("errors" in body) || !body.errors) return;
  try {
    assertNoSecrets(JSON.stringify(body.errors), `the errors of a response (HTTP ${status})`);
  } catch (error) {
    leaks.push(error as Error);
    throw error;
  }
}

async function checkedFetch(input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> {
  const response = await realFetch(input, init);
  // streams that may never end are left alone
  if (/^\s*(text\/event-stream|multipart\/)/i.test(response.headers.get("content-type") ?? "")) return response;
  let text: string;
  try {
    text = await response.clone().text();
  } catch {
    return response; // aborted or reset mid-body: the caller sees that when it reads the body
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return response; // not JSON
  }
  for (const body of Array.isArray(parsed) ? parsed : [parsed]) checkBody(body, response.status);
  return response;
}

globalThis.fetch = checkedFetch;

afterEach(() => {
  const found = leaks.splice(0);
  if (found.length > 0) {
    throw new Error(
      `${found.length} response(s) during this test had a secret in their errors; the first: ${found[0].message}`,
    );
  }
});
