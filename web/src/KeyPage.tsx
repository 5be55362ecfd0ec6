import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { ApiKeyQuery } from "./api";
import { KeyActions } from "./ApiKeysPage";
import { KEYS_PATH, type Viewer } from "./shared";
import { AuditLog } from "./AuditLog";
import { KEY_LISTS } from "./client";
import { problemOf } from "./errors";
import { ENVIRONMENTS, formatMoment, keyName, PERMISSIONS, SCOPES } from "./format";
import { useKeyActions } from "./KeyDialogs";
import { followLink } from "./router";
import { Alert, StatusBadge } from "./ui";

/** One key: what it is, its actions, and its history from the audit log. */
export function KeyPage({ id, viewer }: { id: string; viewer: Viewer }) {
  const [{ data, error }] = useQuery({ query: ApiKeyQuery, variables: { id }, context: KEY_LISTS });
  const [historyVersion, setHistoryVersion] = useState(0);
  const keyActions = useKeyActions(() => setHistoryVersion((v) => v + 1));
  const key = data?.apiKey;

  useEffect(() => {
    document.title = `${key ? keyName(key) : "API key"} · ${viewer.organization.name}`;
  }, [key, viewer.organization.name]);

  const back = (
    <p className="breadcrumb">
      <a href={KEYS_PATH} onClick={followLink}>
        ← API keys
      </a>
    </p>
  );
  if (error && !data)
    return (
      <>
        {back}
        <h1>API key</h1>
        <Alert>{problemOf(error).message}</Alert>
      </>
    );
  if (!data)
    return (
      <>
        {back}
        <p role="status">Loading…</p>
      </>
    );
  if (!key)
    return (
      <>
        {back}
        <h1>API key not found</h1>
        <p>This key does not exist in {viewer.organization.name}.</p>
      </>
    );
  return (
    <>
      {back}
      <div className="page-header">
        <h1>{key.description ?? key.tokenHint}</h1>
        <div className="actions">
          <KeyActions apiKey={key} name={keyName(key)} onAction={keyActions.start} />
        </div>
      </div>
      {keyActions.status}
      <dl className="properties">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={key.status} />
          {key.suspendedReason ? ` ${key.suspendedReason}` : ""}
        </dd>
        <dt>Key</dt>
        <dd>
          <code>{key.tokenHint}</code>
        </dd>
        <dt>Environment</dt>
        <dd>{ENVIRONMENTS[key.environment]}</dd>
        <dt>Permission level</dt>
        <dd>{PERMISSIONS[key.permission]}</dd>
        <dt>Scope</dt>
        <dd>
          {SCOPES[key.scope]}
          {key.scope === "WORKSPACE" ? `: ${key.workspaces.map((w) => w.name).join(", ")}` : ""}
        </dd>
        <dt>Allowed IP ranges</dt>
        <dd>{key.allowedIpRanges.length ? key.allowedIpRanges.join(", ") : "Any address"}</dd>
        <dt>Created</dt>
        <dd>{formatMoment(key.createdAt)}</dd>
        <dt>Last used</dt>
        <dd>{key.lastUsedAt ? formatMoment(key.lastUsedAt) : "Never"}</dd>
        <dt>Expires</dt>
        <dd>{key.expiresAt ? formatMoment(key.expiresAt) : "Never"}</dd>
        {key.revokedAt ? (
          <>
            <dt>Revoked</dt>
            <dd>{formatMoment(key.revokedAt)}</dd>
          </>
        ) : null}
        {key.rolledFrom ? (
          <>
            <dt>Replaces</dt>
            <dd>
              <a href={`${KEYS_PATH}/${encodeURIComponent(key.rolledFrom.id)}`} onClick={followLink}>
                {key.rolledFrom.tokenHint}
              </a>
            </dd>
          </>
        ) : null}
        {key.rolledTo ? (
          <>
            <dt>Replaced by</dt>
            <dd>
              <a href={`${KEYS_PATH}/${encodeURIComponent(key.rolledTo.id)}`} onClick={followLink}>
                {key.rolledTo.tokenHint}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <h2>History</h2>
      <AuditLog
        key={historyVersion}
        filter={{ targetId: key.id }}
        caption={`Changes to ${keyName(key)}, newest first`}
      />
      {keyActions.dialogs}
    </>
  );
}
