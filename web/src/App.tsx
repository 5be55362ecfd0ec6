import { useEffect, useMemo, useState } from "react";
import { Provider, useClient, useQuery, type OperationResult } from "urql";
import { KeyPolicyQuery, ViewerQuery, WorkspacesQuery } from "./api";
import { ApiKeysPage } from "./ApiKeysPage";
import { AuditLogPage } from "./AuditLog";
import { createClient, KEY_LISTS } from "./client";
import type { DashboardWorkspacesQuery } from "./gql/graphql";
import { KeyPage } from "./KeyPage";
import { followLink, navigate, usePlace, withSearch } from "./router";
import { forgetToken, storedToken } from "./session";
import { AUDIT_PATH, KEYS_PATH, type KeyPolicy, type Viewer, type WorkspaceOption } from "./shared";
import { problemOf } from "./errors";
import { Alert } from "./ui";

export function App() {
  const [token, setToken] = useState(storedToken);
  const [ended, setEnded] = useState<"expired" | "signed-out" | null>(null);
  const client = useMemo(
    () =>
      token
        ? createClient(token, () => {
            forgetToken();
            setEnded("expired");
            setToken(null);
          })
        : null,
    [token],
  );
  if (!client) return <SignedOut ended={ended} />;
  return (
    <Provider value={client}>
      <Shell
        onSignOut={() => {
          forgetToken();
          setEnded("signed-out");
          setToken(null);
        }}
      />
    </Provider>
  );
}

function SignedOut({ ended }: { ended: "expired" | "signed-out" | null }) {
  useEffect(() => {
    document.title = "Sign in · API keys";
  }, []);
  return (
    <main id="main" className="signed-out">
      <h1>API keys</h1>
      {ended === "expired" ? (
        <Alert>Your session has expired. Open this page again from your account to sign in.</Alert>
      ) : ended === "signed-out" ? (
        <p role="status">You are signed out.</p>
      ) : null}
      <p>
        Open this page from your account&apos;s <strong>Developers</strong> menu: it signs you in for this browser tab.
      </p>
      <p className="muted">
        Running Latchkey yourself? <code>npm start</code> prints a sign-in link for the demo organization, and{" "}
        <code>npx latchkey token --email …</code> makes a token for any user: open <code>/app#token=&lt;token&gt;</code>
        .
      </p>
    </main>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const place = usePlace();
  const [{ data, error }] = useQuery({ query: ViewerQuery, context: KEY_LISTS });
  const admin = data?.viewer.user?.role === "ADMIN";
  const workspaces = useAllWorkspaces(admin);
  const [policy] = useQuery({ query: KeyPolicyQuery, pause: !admin });

  useEffect(() => {
    if (place.pathname === "/app" || place.pathname === "/app/")
      navigate(withSearch(KEYS_PATH, place.search), { replace: true });
  }, [place]);

  const viewer = data?.viewer;
  const onAuditLog = place.pathname === AUDIT_PATH;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">{viewer?.organization.name ?? "Latchkey"}</span>
        {viewer?.user ? <span className="muted">{viewer.user.email}</span> : null}
        <button type="button" className="button-link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Main">
        <p className="nav-section" id="nav-developers">
          Developers
        </p>
        <ul aria-labelledby="nav-developers">
          <li>
            <a href={KEYS_PATH} onClick={followLink} aria-current={!onAuditLog ? "page" : undefined}>
              API keys
            </a>
          </li>
          <li>
            <a href={AUDIT_PATH} onClick={followLink} aria-current={onAuditLog ? "page" : undefined}>
              Audit log
            </a>
          </li>
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {error && !data ? (
          <>
            <h1>API keys</h1>
            <Alert>{problemOf(error).message}</Alert>
          </>
        ) : !viewer ? (
          <p role="status">Loading…</p>
        ) : viewer.user?.role !== "ADMIN" ? (
          <MemberNotice viewer={viewer} />
        ) : (
          <Route viewer={viewer} workspaces={workspaces} policy={policy.data?.organization.apiKeyPolicy ?? null} />
        )}
      </main>
    </div>
  );
}

function Route({
  viewer,
  workspaces,
  policy,
}: {
  viewer: Viewer;
  workspaces: WorkspaceOption[] | null;
  policy: KeyPolicy | null;
}) {
  const place = usePlace();
  const keyId = /^\/app\/api-keys\/([^/]+)$/.exec(place.pathname)?.[1];
  if (place.pathname === AUDIT_PATH) return <AuditLogPage viewer={viewer} />;
  if (keyId) return <KeyPage id={decodeURIComponent(keyId)} viewer={viewer} />;
  if (place.pathname === KEYS_PATH || place.pathname === "/app" || place.pathname === "/app/")
    return <ApiKeysPage viewer={viewer} workspaces={workspaces} policy={policy} place={place} />;
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <a href={KEYS_PATH} onClick={followLink}>
          Go to API keys
        </a>
      </p>
    </>
  );
}

function MemberNotice({ viewer }: { viewer: Viewer }) {
  useEffect(() => {
    document.title = `API keys · ${viewer.organization.name}`;
  }, [viewer]);
  return (
    <>
      <h1>API keys</h1>
      <p className="notice">Only organization admins manage API keys.</p>
      <p className="muted">
        Ask an admin of {viewer.organization.name} to create a key for you or to change your role.
      </p>
    </>
  );
}

/** Every workspace of the organization (the creation form and the workspace filter list them), page by page. */
function useAllWorkspaces(enabled: boolean): WorkspaceOption[] | null {
  const client = useClient();
  const [workspaces, setWorkspaces] = useState<WorkspaceOption[] | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    void (async () => {
      const all: WorkspaceOption[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const result: OperationResult<DashboardWorkspacesQuery> = await client
          .query(WorkspacesQuery, { after }, { requestPolicy: "network-only" })
          .toPromise();
        const connection = result.data?.workspaces;
        if (!connection) break;
        all.push(...connection.nodes);
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor ?? null;
      }
      if (!cancelled) setWorkspaces(all.sort((a, b) => a.name.localeCompare(b.name)));
    })();
    return () => {
      cancelled = true;
    };
  }, [client, enabled]);
  return workspaces;
}
