import { useCallback, useEffect, useState } from "react";
import { useClient } from "urql";
import { AuditEventsQuery } from "./api";
import type { Viewer } from "./shared";
import { problemOf } from "./errors";
import { ENVIRONMENTS, formatMoment } from "./format";
import type { AuditEventFilter, DashboardAuditEventsQuery } from "./gql/graphql";
import { Alert } from "./ui";

type AuditEvent = DashboardAuditEventsQuery["auditEvents"]["nodes"][number];

const ACTIONS: Record<string, string> = {
  "api_key.created": "Key created",
  "api_key.updated": "Key updated",
  "api_key.rolled": "Key rolled",
  "api_key.suspended": "Key suspended",
  "api_key.resumed": "Key resumed",
  "api_key.revoked": "Key revoked",
  "api_key.leaked": "Key found in public and revoked",
  "organization.api_key_policy_changed": "Key policy changed",
};

const ACTORS: Record<string, string> = {
  USER: "User",
  API_KEY: "API key",
  PLATFORM_KEY: "Platform",
  OPERATOR: "Operator",
  SCANNER: "Secret scanning",
};

/** Audit events (newest first), 25 at a time with "Show more". */
export function AuditLog({ filter, caption }: { filter: AuditEventFilter; caption: string }) {
  const client = useClient();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const filterKey = JSON.stringify(filter);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      const result = await client
        .query(
          AuditEventsQuery,
          { filter: JSON.parse(filterKey) as AuditEventFilter, after },
          { requestPolicy: "network-only" },
        )
        .toPromise();
      setLoading(false);
      if (result.error) return setError(problemOf(result.error).message);
      const connection = result.data!.auditEvents;
      setEvents((before) => [...(after ? (before ?? []) : []), ...connection.nodes]);
      setNext(connection.pageInfo.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null);
    },
    [client, filterKey],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  if (error) return <Alert>{error}</Alert>;
  if (!events) return <p role="status">Loading the audit log…</p>;
  if (!events.length) return <p className="empty-list">Nothing recorded yet.</p>;
  return (
    <>
      <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
        <table className="audit">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Environment</th>
              <th scope="col">Details</th>
              <th scope="col">IP address</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td>{formatMoment(event.createdAt)}</td>
                <td>
                  {ACTIONS[event.action] ?? event.action} <code className="muted">{event.action}</code>
                </td>
                <td>
                  {ACTORS[event.actor.type] ?? event.actor.type}
                  {event.actor.display ? `: ${event.actor.display}` : ""}
                </td>
                <td>{event.environment ? ENVIRONMENTS[event.environment] : "—"}</td>
                <td>{describeChanges(event.changes)}</td>
                <td>{event.ip ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next ? (
        <p>
          <button type="button" disabled={loading} onClick={() => void load(next)}>
            Show more
          </button>
        </p>
      ) : null}
    </>
  );
}

function describeChanges(changes: Record<string, unknown> | null | undefined): string {
  if (!changes) return "—";
  return Object.entries(changes)
    .map(([field, change]) => {
      const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
      return `${field}: ${show(from)} → ${show(to)}`;
    })
    .join("; ");
}

const show = (value: unknown): string =>
  value === null || value === undefined ? "none" : typeof value === "string" ? value : JSON.stringify(value);

export function AuditLogPage({ viewer }: { viewer: Viewer }) {
  useEffect(() => {
    document.title = `Audit log · ${viewer.organization.name}`;
  }, [viewer.organization.name]);
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every change made to {viewer.organization.name}: by whom, when and from where.</p>
      <AuditLog filter={{}} caption="Changes to the organization, newest first" />
    </>
  );
}
