import { useEffect, useId, useMemo, useState } from "react";
import { useQuery } from "urql";
import { ApiKeyListQuery } from "./api";
import { KEYS_PATH, type KeyPolicy, type Viewer, type WorkspaceOption } from "./shared";
import { KEY_LISTS } from "./client";
import { problemOf } from "./errors";
import { daysUntil, ENVIRONMENTS, formatDay, keyName, PERMISSIONS, plural, SCOPES, STATUSES } from "./format";
import type { ApiKeyEnvironment, DashboardApiKeyFragment } from "./gql/graphql";
import { CreateKeyDialog, useKeyActions, type KeyAction } from "./KeyDialogs";
import {
  filterOf,
  hasFilters,
  PAGE_SIZES,
  pageOf,
  readListParams,
  writeListParams,
  type ListParams,
} from "./list-params";
import { followLink, navigate, withSearch, type Place } from "./router";
import { Alert, StatusBadge } from "./ui";

/** The "Developers → API keys" page: quota and trial, the first-key call to action or New API key, the list. */
export function ApiKeysPage({
  viewer,
  workspaces,
  policy,
  place,
}: {
  viewer: Viewer;
  workspaces: WorkspaceOption[] | null;
  policy: KeyPolicy | null;
  place: Place;
}) {
  const params = useMemo(() => readListParams(place.search), [place.search]);
  const [creating, setCreating] = useState<ApiKeyEnvironment | null>(null);
  const keyActions = useKeyActions();
  const organization = viewer.organization;
  const firstKey = organization.apiTrial === null;

  useEffect(() => {
    document.title = `API keys · ${organization.name}`;
  }, [organization.name]);

  const show = (next: ListParams, replace = false) =>
    navigate(withSearch(KEYS_PATH, writeListParams(next)), { replace });

  return (
    <>
      <div className="page-header">
        <div>
          <h1>API keys</h1>
          <QuotaAndTrial viewer={viewer} />
        </div>
        {!firstKey ? (
          <button
            type="button"
            className="button-primary"
            onClick={() => setCreating("SANDBOX")}
            disabled={organization.apiKeyQuota.remaining === 0}
            aria-describedby={organization.apiKeyQuota.remaining === 0 ? "limit-reached" : undefined}
          >
            New API key
          </button>
        ) : null}
      </div>
      {keyActions.status}
      {organization.apiKeyQuota.remaining === 0 ? (
        <p id="limit-reached" className="notice">
          Your organization has {organization.apiKeyQuota.limit} active API keys, the most it can have. Revoke a key to
          create another.
        </p>
      ) : null}
      {firstKey ? (
        <section className="empty-state" aria-labelledby="start-title">
          <h2 id="start-title">Start your API integration</h2>
          <p>
            An API key lets your application authenticate with the API. Start with a key for the Sandbox environment:
            creating your first API key automatically starts your API trial period.
          </p>
          <button type="button" className="button-primary" onClick={() => setCreating("SANDBOX")}>
            Start integration (Sandbox environment)
          </button>
        </section>
      ) : (
        <KeyList params={params} workspaces={workspaces} show={show} onAction={keyActions.start} />
      )}
      {creating ? (
        <CreateKeyDialog
          viewer={viewer}
          policy={policy}
          workspaces={workspaces}
          environment={creating}
          onClose={() => setCreating(null)}
          onCreated={(key) => {
            setCreating(null);
            keyActions.show(key);
            keyActions.announce(`API key ${keyName(key.apiKey)} created`);
          }}
        />
      ) : null}
      {keyActions.dialogs}
    </>
  );
}

function QuotaAndTrial({ viewer }: { viewer: Viewer }) {
  const { apiKeyQuota: quota, apiTrial: trial, apiPlan } = viewer.organization;
  return (
    <p className="summary">
      <span>
        {quota.active} of {quota.limit} active keys
      </span>
      {apiPlan ? (
        <span>API plan: {apiPlan}</span>
      ) : trial?.isActive ? (
        <span>
          API trial: {plural(daysUntil(trial.endsAt), "day")} left (ends {formatDay(trial.endsAt)})
        </span>
      ) : trial ? (
        <span>API trial ended on {formatDay(trial.endsAt)}</span>
      ) : null}
      {!apiPlan ? <span>Production keys need an API plan</span> : null}
    </p>
  );
}

function KeyList({
  params,
  workspaces,
  show,
  onAction,
}: {
  params: ListParams;
  workspaces: WorkspaceOption[] | null;
  show: (next: ListParams, replace?: boolean) => void;
  onAction: (action: KeyAction) => void;
}) {
  const variables = useMemo(() => ({ filter: filterOf(params), ...pageOf(params) }), [params]);
  const [{ data, error, fetching, operation }] = useQuery({ query: ApiKeyListQuery, variables, context: KEY_LISTS });
  const connection = data?.apiKeys;
  // while another page or filter loads, the rows on screen are the previous answer's: not labelled as this page's
  const stale = !operation || JSON.stringify(operation.variables) !== JSON.stringify(variables);
  const firstPage = { ...params, page: 1, after: undefined, before: undefined };
  const filtered = hasFilters(params);

  const from = connection && connection.nodes.length ? (params.page - 1) * params.size + 1 : 0;
  const to = connection ? from + connection.nodes.length - (connection.nodes.length ? 1 : 0) : 0;
  const hasNext = connection ? params.page * params.size < connection.totalCount : false;

  return (
    <section aria-labelledby="list-title">
      <h2 id="list-title" className="visually-hidden">
        Your API keys
      </h2>
      <Filters
        params={params}
        workspaces={workspaces}
        onChange={(next, replace) => show({ ...next, page: 1, after: undefined, before: undefined }, replace)}
      />
      {error ? (
        <Alert>
          {problemOf(error).message}{" "}
          <a href={withSearch(KEYS_PATH, writeListParams(firstPage))} onClick={followLink}>
            Back to the first page
          </a>
        </Alert>
      ) : null}
      {connection ? (
        <>
          <div className="table-scroll" role="region" aria-labelledby="list-caption" tabIndex={0}>
            <table className={stale ? "keys stale" : "keys"} aria-busy={fetching || stale}>
              <caption id="list-caption">
                {filtered
                  ? `API keys matching the filters: ${connection.totalCount}`
                  : `API keys: ${connection.totalCount}`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Description</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Permission level</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((key) => (
                  <KeyRow key={key.id} apiKey={key} onAction={onAction} />
                ))}
              </tbody>
            </table>
          </div>
          {connection.nodes.length === 0 && !stale ? (
            <p className="empty-list">
              {filtered ? "No API keys match these filters." : "No API keys on this page."}{" "}
              {filtered || params.page > 1 ? (
                <button
                  type="button"
                  className="button-link"
                  onClick={() => show({ ...firstPage, ...(filtered ? clearedFilters : {}) })}
                >
                  {filtered ? "Clear filters" : "Back to the first page"}
                </button>
              ) : null}
            </p>
          ) : null}
          <nav className="pager" aria-label="Pages of API keys">
            <p>
              {stale
                ? "Loading…"
                : connection.totalCount
                  ? `Showing ${from}–${to} of ${connection.totalCount}`
                  : "Showing 0 of 0"}
            </p>
            <button
              type="button"
              disabled={stale || params.page <= 1}
              onClick={() =>
                show(
                  params.page <= 2
                    ? firstPage
                    : {
                        ...params,
                        page: params.page - 1,
                        after: undefined,
                        before: connection.pageInfo.startCursor ?? undefined,
                      },
                )
              }
            >
              Previous
            </button>
            <button
              type="button"
              disabled={stale || !hasNext}
              onClick={() =>
                show({
                  ...params,
                  page: params.page + 1,
                  before: undefined,
                  after: connection.pageInfo.endCursor ?? undefined,
                })
              }
            >
              Next
            </button>
            <label>
              Keys per page{" "}
              <select value={params.size} onChange={(e) => show({ ...firstPage, size: Number(e.target.value) })}>
                {PAGE_SIZES.map((size) => (
                  <option key={size} value={size}>
                    {size}
                  </option>
                ))}
              </select>
            </label>
          </nav>
        </>
      ) : !error ? (
        <p role="status">Loading API keys…</p>
      ) : null}
    </section>
  );
}

const clearedFilters = {
  environment: undefined,
  permission: undefined,
  scope: undefined,
  status: undefined,
  workspace: undefined,
  q: "",
};

function Filters({
  params,
  workspaces,
  onChange,
}: {
  params: ListParams;
  workspaces: WorkspaceOption[] | null;
  onChange: (next: ListParams, replace?: boolean) => void;
}) {
  const id = useId();
  const [search, setSearch] = useState(params.q);
  useEffect(() => setSearch(params.q), [params.q]);
  // the search applies as one types, a moment after the last keystroke (one history entry per search)
  useEffect(() => {
    if (search === params.q) return;
    const timer = setTimeout(() => onChange({ ...params, q: search }, params.q !== ""), 300);
    return () => clearTimeout(timer);
  }, [search, params, onChange]);

  return (
    <form className="filters" role="search" aria-label="Filter API keys" onSubmit={(e) => e.preventDefault()}>
      <div className="filter">
        <label htmlFor={`${id}-search`}>Search</label>
        <input
          id={`${id}-search`}
          type="search"
          value={search}
          maxLength={255}
          placeholder="Description"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <FilterSelect
        id={`${id}-environment`}
        label="Environment"
        value={params.environment}
        options={Object.entries(ENVIRONMENTS)}
        onChange={(environment) => onChange({ ...params, environment: environment as ListParams["environment"] })}
      />
      <FilterSelect
        id={`${id}-permission`}
        label="Permission level"
        value={params.permission}
        options={Object.entries(PERMISSIONS)}
        onChange={(permission) => onChange({ ...params, permission: permission as ListParams["permission"] })}
      />
      <FilterSelect
        id={`${id}-scope`}
        label="Scope"
        value={params.scope}
        options={Object.entries(SCOPES)}
        onChange={(scope) => onChange({ ...params, scope: scope as ListParams["scope"] })}
      />
      <FilterSelect
        id={`${id}-status`}
        label="Status"
        value={params.status}
        options={Object.entries(STATUSES)}
        onChange={(status) => onChange({ ...params, status: status as ListParams["status"] })}
      />
      <FilterSelect
        id={`${id}-workspace`}
        label="Workspace"
        value={params.workspace}
        options={[
          // a link naming a workspace this page does not list (yet, or any more) still shows it as chosen
          ...(params.workspace && !workspaces?.some((w) => w.id === params.workspace)
            ? [[params.workspace, "(this workspace)"] as [string, string]]
            : []),
          ...(workspaces ?? []).map((w): [string, string] => [w.id, w.name]),
        ]}
        onChange={(workspace) => onChange({ ...params, workspace })}
      />
      {hasFilters(params) ? (
        <button type="button" className="button-link" onClick={() => onChange({ ...params, ...clearedFilters })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

/** One filter: "All" (no value) or one of the options ([value, label]). */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: [string, string][];
  onChange: (value: string | undefined) => void;
}) {
  return (
    <div className="filter">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value ?? ""} onChange={(e) => props.onChange(e.target.value || undefined)}>
        <option value="">All</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

function KeyRow({ apiKey, onAction }: { apiKey: DashboardApiKeyFragment; onAction: (action: KeyAction) => void }) {
  const name = keyName(apiKey);
  return (
    <tr>
      <th scope="row">
        <a href={`${KEYS_PATH}/${encodeURIComponent(apiKey.id)}`} onClick={followLink}>
          {apiKey.description ?? "No description"}
        </a>
        <code className="token-hint">{apiKey.tokenHint}</code>
      </th>
      <td>{ENVIRONMENTS[apiKey.environment]}</td>
      <td>{PERMISSIONS[apiKey.permission]}</td>
      <td>
        {SCOPES[apiKey.scope]}
        {apiKey.scope === "WORKSPACE" ? (
          <span className="workspaces">{apiKey.workspaces.map((w) => w.name).join(", ")}</span>
        ) : null}
      </td>
      <td>
        <StatusBadge status={apiKey.status} />
      </td>
      <td>{formatDay(apiKey.createdAt)}</td>
      <td>{apiKey.lastUsedAt ? formatDay(apiKey.lastUsedAt) : "Never"}</td>
      <td>{apiKey.expiresAt ? formatDay(apiKey.expiresAt) : "Never"}</td>
      <td>
        <div className="actions">
          <KeyActions apiKey={apiKey} name={name} onAction={onAction} />
        </div>
      </td>
    </tr>
  );
}

export function KeyActions({
  apiKey,
  name,
  onAction,
}: {
  apiKey: DashboardApiKeyFragment;
  name: string;
  onAction: (action: KeyAction) => void;
}) {
  if (apiKey.status === "REVOKED" || apiKey.status === "EXPIRED") return null;
  return (
    <>
      {apiKey.status === "ACTIVE" ? (
        <button type="button" aria-label={`Roll ${name}`} onClick={() => onAction({ kind: "roll", apiKey })}>
          Roll
        </button>
      ) : null}
      {apiKey.status === "ACTIVE" ? (
        <button type="button" aria-label={`Suspend ${name}`} onClick={() => onAction({ kind: "suspend", apiKey })}>
          Suspend
        </button>
      ) : (
        <button type="button" aria-label={`Resume ${name}`} onClick={() => onAction({ kind: "resume", apiKey })}>
          Resume
        </button>
      )}
      <button
        type="button"
        className="button-danger"
        aria-label={`Revoke ${name}`}
        onClick={() => onAction({ kind: "revoke", apiKey })}
      >
        Revoke
      </button>
    </>
  );
}
