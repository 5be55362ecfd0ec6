/**
 * The load generator: autocannon in a child process of bench/run.ts, so that it can be pinned to
 * its own core (`taskset -c 1 node dist/bench/loadgen.js`). It receives runs over IPC and answers
 * with autocannon's numbers plus a count of responses that carried GraphQL `errors`.
 */
import autocannon from "autocannon";
import { CREATE_KEY_INPUT, CREATE_KEY_MUTATION, pathOf, REVOKE_KEY_MUTATION, type Workload } from "./lib/scenarios";

export interface LoadRequest {
  type: "run";
  id: number;
  url: string;
  connections: number;
  /** seconds */
  duration: number;
  workload: Workload;
  /** Look into every body for `"errors"` (costs the load generator a little CPU). */
  checkBodies: boolean;
}

export interface LoadResult {
  type: "result";
  id: number;
  requests: number;
  duration: number;
  rps: number;
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  /**
   * p99 of the answers after every connection had its first one (ms since the run's start in `steadyAfterMs`):
   * libuv accepts one connection per event-loop turn, so a busy server admits autocannon's simultaneous
   * connections one by one and their first requests wait for the whole ramp (docs/performance.md). Null when
   * some connection never answered within the run (a run shorter than the ramp).
   */
  p99Steady: number | null;
  steadyAfterMs: number | null;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  firstError?: string;
}

type Context = { keyId?: string };

async function run(message: LoadRequest): Promise<LoadResult> {
  let graphqlErrors = 0;
  let firstError: string | undefined;
  const noteBody = (status: number, body: string) => {
    if (status !== 200 || body.includes('"errors"')) {
      graphqlErrors++;
      firstError ??= `${status} ${body.slice(0, 300)}`;
    }
  };
  const { authorization } = message.workload;
  const headers = { "content-type": "application/json", ...(authorization ? { authorization } : {}) };
  let requests: autocannon.Request[];
  if (message.workload.kind === "static") {
    requests = [
      {
        method: "POST",
        path: pathOf(message.workload),
        headers,
        body: message.workload.body,
        ...(message.checkBodies ? { onResponse: noteBody } : {}),
      },
    ];
  } else {
    // one createApiKey, then revoke the key it made, on each connection in turn
    const createBody = JSON.stringify({ query: CREATE_KEY_MUTATION, variables: { input: CREATE_KEY_INPUT } });
    requests = [
      {
        method: "POST",
        path: "/graphql",
        headers,
        body: createBody,
        onResponse: (status: number, body: string, context: object) => {
          noteBody(status, body);
          try {
            (context as Context).keyId = (
              JSON.parse(body) as { data: { createApiKey: { apiKey: { id: string } } } }
            ).data.createApiKey.apiKey.id;
          } catch {
            (context as Context).keyId = undefined;
          }
        },
      },
      {
        method: "POST",
        path: "/graphql",
        headers,
        setupRequest: (request: autocannon.Request, context: object) => {
          const id = (context as Context).keyId ?? "00000000-0000-4000-8000-000000000000";
          return { ...request, body: JSON.stringify({ query: REVOKE_KEY_MUTATION, variables: { id } }) };
        },
        onResponse: (status: number, body: string) => noteBody(status, body),
      },
    ];
  }
  // without a callback autocannon returns its event emitter, which is also a promise of the result
  const instance = autocannon({
    url: message.url,
    connections: message.connections,
    duration: message.duration,
    pipelining: 1,
    timeout: 30,
    requests,
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  // autocannon's histogram keeps whole milliseconds; keep every latency at full precision instead
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const answered = new Set<unknown>();
  let steadyFrom = -1;
  let steadyAfterMs = NaN;
  const startedAt = performance.now();
  instance.on("response", (client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = responseTime;
    if (steadyFrom < 0 && answered.add(client).size === message.connections) {
      steadyFrom = n;
      steadyAfterMs = performance.now() - startedAt;
    }
  });
  instance.on("start", () => process.send?.({ type: "started", id: message.id }));
  const result = await instance;
  const steady = steadyFrom < 0 ? new Float64Array(0) : latencies.slice(steadyFrom, n).sort();
  const sorted = latencies.subarray(0, n).sort();
  const quantile = (values: Float64Array, q: number) =>
    values.length ? values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)] : NaN;
  const at = (q: number) => (n ? quantile(sorted, q) : 0);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const total = result.requests.total;
  return {
    type: "result",
    id: message.id,
    requests: total,
    duration: result.duration,
    rps: total / result.duration,
    latency: { mean: n ? sum / n : 0, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: n ? sorted[n - 1] : 0 },
    p99Steady: steady.length ? quantile(steady, 0.99) : null,
    steadyAfterMs: steadyFrom < 0 ? null : steadyAfterMs,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors,
    firstError,
  };
}

process.on("message", (message: LoadRequest) => {
  if (message?.type !== "run") return;
  run(message).then(
    (result) => process.send?.(result),
    (error: Error) => process.send?.({ type: "error", id: message.id, message: error.stack ?? error.message }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
