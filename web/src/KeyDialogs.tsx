import { useId, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from "react";
import { useMutation } from "urql";
import {
  CreateApiKeyMutation,
  ResumeApiKeyMutation,
  RevokeApiKeyMutation,
  RollApiKeyMutation,
  SuspendApiKeyMutation,
} from "./api";
import type { KeyPolicy, Viewer, WorkspaceOption } from "./shared";
import { problemOf, type Problem } from "./errors";
import { keyName, plural } from "./format";
import type {
  ApiKeyEnvironment,
  ApiKeyPermission,
  ApiKeyScope,
  CreateApiKeyInput,
  DashboardApiKeyFragment,
} from "./gql/graphql";
import { Alert, Dialog, FieldError } from "./ui";

/** A key just created or rolled, with its token: shown once, then dropped. */
export interface IssuedKey {
  token: string;
  apiKey: DashboardApiKeyFragment;
  rolled?: boolean;
}

export type KeyAction = { kind: "roll" | "suspend" | "resume" | "revoke"; apiKey: DashboardApiKeyFragment };

const EXPIRY_PRESETS = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
];

/** The expiry choices the organization's policy allows for an environment, and the one picked first. */
function expiryChoices(keyPolicy: KeyPolicy | null, environment: ApiKeyEnvironment) {
  const policy = (environment === "PRODUCTION" ? keyPolicy?.production : keyPolicy?.sandbox) ?? {
    maxLifetimeDays: null,
    requireExpiry: false,
  };
  const max = policy.maxLifetimeDays ?? null;
  const mustExpire = policy.requireExpiry || max !== null;
  const presets = EXPIRY_PRESETS.filter((p) => max === null || Number(p.value) <= max);
  const choices = [
    ...(mustExpire ? [] : [{ value: "never", label: "Never" }]),
    ...presets,
    { value: "custom", label: "On a date…" },
  ];
  const hint =
    max !== null
      ? `Your organization's policy: ${environment === "PRODUCTION" ? "production" : "sandbox"} keys expire within ${plural(max, "day")}.`
      : mustExpire
        ? `Your organization's policy: ${environment === "PRODUCTION" ? "production" : "sandbox"} keys must expire.`
        : undefined;
  return { choices, initial: choices[0].value, hint };
}

function expiresAtOf(choice: string, date: string): string | null {
  if (choice === "never") return null;
  if (choice === "custom") return date ? new Date(`${date}T23:59:59`).toISOString() : "";
  return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

type FieldName =
  "description" | "environment" | "scope" | "workspaceIds" | "permission" | "expiresAt" | "allowedIpRanges";
const FIELDS: FieldName[] = [
  "description",
  "environment",
  "scope",
  "workspaceIds",
  "permission",
  "expiresAt",
  "allowedIpRanges",
];

export function CreateKeyDialog({
  viewer,
  policy,
  workspaces,
  environment: initialEnvironment,
  onClose,
  onCreated,
}: {
  viewer: Viewer;
  policy: KeyPolicy | null;
  workspaces: WorkspaceOption[] | null;
  environment: ApiKeyEnvironment;
  onClose: () => void;
  onCreated: (issued: IssuedKey) => void;
}) {
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const hasPlan = viewer.organization.apiPlan !== null;
  const [description, setDescription] = useState("");
  const [environment, setEnvironment] = useState<ApiKeyEnvironment>(hasPlan ? initialEnvironment : "SANDBOX");
  const [scope, setScope] = useState<ApiKeyScope>("ORGANIZATION");
  const [workspaceIds, setWorkspaceIds] = useState<string[]>([]);
  const [permission, setPermission] = useState<ApiKeyPermission>("FULL_ACCESS");
  const expiry = expiryChoices(policy, environment);
  const [expiryChoice, setExpiryChoice] = useState(expiry.initial);
  const [expiryDate, setExpiryDate] = useState("");
  const [ipRanges, setIpRanges] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [{ fetching }, createApiKey] = useMutation(CreateApiKeyMutation);

  const errorOf = (field: FieldName) => (problem?.field === field ? problem.message : undefined);
  const errorId = (field: FieldName) => `${id}-${field}-error`;
  const described = (field: FieldName, hint?: string) =>
    [hint, errorOf(field) ? errorId(field) : undefined].filter(Boolean).join(" ") || undefined;

  const focusField = (field: string) =>
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>(`[data-field="${field}"]`)?.focus());

  const changeEnvironment = (next: ApiKeyEnvironment) => {
    setEnvironment(next);
    const choices = expiryChoices(policy, next);
    if (!choices.choices.some((c) => c.value === expiryChoice)) setExpiryChoice(choices.initial);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (scope === "WORKSPACE" && workspaceIds.length === 0) {
      setProblem({ code: "BAD_USER_INPUT", field: "workspaceIds", message: "Select one or more workspaces." });
      focusField("workspaceIds");
      return;
    }
    const expiresAt = expiresAtOf(expiryChoice, expiryDate);
    if (expiresAt === "") {
      setProblem({ code: "BAD_USER_INPUT", field: "expiresAt", message: "Choose the day the key expires." });
      focusField("expiresAt");
      return;
    }
    const ranges = ipRanges
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const input: CreateApiKeyInput = {
      environment,
      scope,
      permission,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(scope === "WORKSPACE" ? { workspaceIds } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(ranges.length ? { allowedIpRanges: ranges } : {}),
    };
    setProblem(null);
    const result = await createApiKey({ input });
    if (result.data) {
      onCreated({ token: result.data.createApiKey.token, apiKey: result.data.createApiKey.apiKey });
    } else if (result.error) {
      const found = problemOf(result.error);
      setProblem(found);
      if (found.field && FIELDS.includes(found.field as FieldName)) focusField(found.field);
    }
  }

  const formProblem = problem && !(problem.field && FIELDS.includes(problem.field as FieldName)) ? problem : null;
  const policyRanges = policy?.allowedIpRanges ?? [];

  return (
    <Dialog title="New API key" onClose={onClose} wide>
      <form ref={form} onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-description`}>
            Description <span className="muted">(optional)</span>
          </label>
          <input
            id={`${id}-description`}
            data-field="description"
            value={description}
            maxLength={255}
            placeholder="CRM integration – Production"
            onChange={(e) => setDescription(e.target.value)}
            aria-invalid={errorOf("description") ? true : undefined}
            aria-describedby={described("description", `${id}-description-hint`)}
          />
          <p id={`${id}-description-hint`} className="hint">
            Recommended if you plan to create several keys: a short description of its purpose.
          </p>
          <FieldError id={errorId("description")} message={errorOf("description")} />
        </div>

        <fieldset className="field" aria-describedby={described("environment")}>
          <legend>Environment</legend>
          <Choice
            label="Sandbox"
            hint={"Test environment for API integration. Start here if you do not yet have a paid API plan."}
            name={`${id}-environment`}
            data-field="environment"
            checked={environment === "SANDBOX"}
            onChange={() => changeEnvironment("SANDBOX")}
          />
          <Choice
            label="Production"
            hint={hasPlan ? "Live environment for your integration." : "Available only with an API plan."}
            name={`${id}-environment`}
            checked={environment === "PRODUCTION"}
            disabled={!hasPlan}
            onChange={() => changeEnvironment("PRODUCTION")}
          />
          <FieldError id={errorId("environment")} message={errorOf("environment")} />
        </fieldset>

        <fieldset className="field" aria-describedby={described("scope")}>
          <legend>Scope</legend>
          <Choice
            label="Organization"
            hint={"Access to resources across all workspaces of the organization."}
            name={`${id}-scope`}
            data-field="scope"
            checked={scope === "ORGANIZATION"}
            onChange={() => setScope("ORGANIZATION")}
          />
          <Choice
            label="Workspace"
            hint={"Access to resources of the selected workspaces only. The key cannot manage users or workspaces."}
            name={`${id}-scope`}
            checked={scope === "WORKSPACE"}
            onChange={() => setScope("WORKSPACE")}
          />
          <FieldError id={errorId("scope")} message={errorOf("scope")} />
        </fieldset>

        {scope === "WORKSPACE" ? (
          <fieldset className="field workspace-picker" aria-describedby={described("workspaceIds")}>
            <legend>Workspaces (one or more)</legend>
            {workspaces === null ? (
              <p role="status">Loading workspaces…</p>
            ) : workspaces.length === 0 ? (
              <p>This organization has no workspace yet.</p>
            ) : (
              workspaces.map((w, index) => (
                <label key={w.id} className="choice">
                  <input
                    type="checkbox"
                    data-field={index === 0 ? "workspaceIds" : undefined}
                    checked={workspaceIds.includes(w.id)}
                    aria-invalid={errorOf("workspaceIds") ? true : undefined}
                    onChange={(e) =>
                      setWorkspaceIds((ids) => (e.target.checked ? [...ids, w.id] : ids.filter((x) => x !== w.id)))
                    }
                  />
                  <span>{w.name}</span>
                </label>
              ))
            )}
            <FieldError id={errorId("workspaceIds")} message={errorOf("workspaceIds")} />
          </fieldset>
        ) : null}

        <fieldset className="field" aria-describedby={described("permission")}>
          <legend>Permission level</legend>
          <Choice
            label="Full-access"
            hint={"Can create and update resources via API requests."}
            name={`${id}-permission`}
            data-field="permission"
            checked={permission === "FULL_ACCESS"}
            onChange={() => setPermission("FULL_ACCESS")}
          />
          <Choice
            label="Read-only"
            hint={"Can only retrieve information via API requests."}
            name={`${id}-permission`}
            checked={permission === "READ_ONLY"}
            onChange={() => setPermission("READ_ONLY")}
          />
          <FieldError id={errorId("permission")} message={errorOf("permission")} />
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-expiry`}>Expires</label>
          <select
            id={`${id}-expiry`}
            data-field={expiryChoice === "custom" ? undefined : "expiresAt"}
            value={expiryChoice}
            onChange={(e) => setExpiryChoice(e.target.value)}
            aria-invalid={errorOf("expiresAt") && expiryChoice !== "custom" ? true : undefined}
            aria-describedby={described("expiresAt", expiry.hint ? `${id}-expiry-hint` : undefined)}
          >
            {expiry.choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {expiryChoice === "custom" ? (
            <>
              <label htmlFor={`${id}-expiry-date`} className="sub-label">
                Expiry date
              </label>
              <input
                id={`${id}-expiry-date`}
                type="date"
                data-field="expiresAt"
                min={today()}
                value={expiryDate}
                onChange={(e) => setExpiryDate(e.target.value)}
                aria-invalid={errorOf("expiresAt") ? true : undefined}
                aria-describedby={described("expiresAt")}
              />
            </>
          ) : null}
          {expiry.hint ? (
            <p id={`${id}-expiry-hint`} className="hint">
              {expiry.hint}
            </p>
          ) : null}
          <FieldError id={errorId("expiresAt")} message={errorOf("expiresAt")} />
        </div>

        <div className="field">
          <label htmlFor={`${id}-ip`}>
            Allowed IP ranges <span className="muted">(optional)</span>
          </label>
          <textarea
            id={`${id}-ip`}
            data-field="allowedIpRanges"
            rows={2}
            value={ipRanges}
            placeholder="203.0.113.0/24"
            spellCheck={false}
            onChange={(e) => setIpRanges(e.target.value)}
            aria-invalid={errorOf("allowedIpRanges") ? true : undefined}
            aria-describedby={described("allowedIpRanges", `${id}-ip-hint`)}
          />
          <p id={`${id}-ip-hint`} className="hint">
            IPv4 or IPv6 addresses or CIDR ranges, one per line. Empty:{" "}
            {policyRanges.length ? `the organization's default (${policyRanges.join(", ")})` : "any address"}.
          </p>
          <FieldError id={errorId("allowedIpRanges")} message={errorOf("allowedIpRanges")} />
        </div>

        {formProblem ? <Alert>{formProblem.message}</Alert> : null}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={fetching}>
            {fetching ? "Creating…" : "Create API key"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The token, once: copy it now. Closing the dialog drops it from the page for good. */
export function TokenDialog({ issued, onClose }: { issued: IssuedKey; onClose: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied("yes");
    } catch {
      field.current?.select();
      setCopied("no");
    }
  };
  return (
    <Dialog title={issued.rolled ? "Your new API key (rolled)" : "Your new API key"} onClose={onClose}>
      <p className="warning" id={`${id}-warning`}>
        <strong>Copy this key now and keep it somewhere safe.</strong> It is shown only once: for your security it is
        not stored and cannot be shown again.
      </p>
      <label htmlFor={`${id}-token`}>
        API key {keyName(issued.apiKey) !== issued.apiKey.tokenHint ? `“${keyName(issued.apiKey)}”` : ""}
      </label>
      <div className="token-row">
        <input
          id={`${id}-token`}
          ref={field}
          className="token"
          readOnly
          value={issued.token}
          spellCheck={false}
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="button-primary" onClick={() => void copy()}>
          Copy to clipboard
        </button>
      </div>
      <p role="status" className="copy-status">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "no"
            ? "Copying failed: the key is selected, press Ctrl+C (⌘C) to copy it."
            : ""}
      </p>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

const GRACE_PERIODS = [
  { minutes: 0, label: "Expire the old key now" },
  { minutes: 60, label: "1 hour" },
  { minutes: 1440, label: "24 hours" },
  { minutes: 4320, label: "3 days" },
  { minutes: 10080, label: "7 days" },
];

/** Roll, suspend, resume or revoke one key, after the dialog says what it does. */
export function KeyActionDialog({
  action,
  onClose,
  onDone,
}: {
  action: KeyAction;
  onClose: () => void;
  onDone: (announcement: string, rolled?: IssuedKey) => void;
}) {
  const id = useId();
  const name = keyName(action.apiKey);
  const [grace, setGrace] = useState(1440);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [roll, rollApiKey] = useMutation(RollApiKeyMutation);
  const [suspend, suspendApiKey] = useMutation(SuspendApiKeyMutation);
  const [resume, resumeApiKey] = useMutation(ResumeApiKeyMutation);
  const [revoke, revokeApiKey] = useMutation(RevokeApiKeyMutation);
  const busy = roll.fetching || suspend.fetching || resume.fetching || revoke.fetching;
  const keyId = action.apiKey.id;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (action.kind === "roll") {
      const result = await rollApiKey({ input: { id: keyId, gracePeriodMinutes: grace } });
      if (result.data) return onDone(`API key ${name} rolled`, { ...result.data.rollApiKey, rolled: true });
      if (result.error) setProblem(problemOf(result.error));
    } else if (action.kind === "suspend") {
      const result = await suspendApiKey({ id: keyId, reason: reason.trim() || null });
      if (result.data) return onDone(`API key ${name} suspended`);
      if (result.error) setProblem(problemOf(result.error));
    } else if (action.kind === "resume") {
      const result = await resumeApiKey({ id: keyId });
      if (result.data) return onDone(`API key ${name} resumed`);
      if (result.error) setProblem(problemOf(result.error));
    } else {
      const result = await revokeApiKey({ id: keyId });
      if (result.data) return onDone(`API key ${name} revoked`);
      if (result.error) setProblem(problemOf(result.error));
    }
  }

  const copy = {
    roll: {
      title: "Roll API key",
      body: `A new token replaces “${name}”, with the same environment, scope and permission level. The old token keeps working for the grace period you choose, then expires.`,
      button: "Roll API key",
    },
    suspend: {
      title: "Suspend API key",
      body: `Requests made with “${name}” are refused until you resume it. It still counts towards the limit of active keys.`,
      button: "Suspend API key",
    },
    resume: {
      title: "Resume API key",
      body: `Requests made with “${name}” are accepted again.`,
      button: "Resume API key",
    },
    revoke: {
      title: "Revoke API key",
      body: `Requests made with “${name}” are refused from now on. This cannot be undone.`,
      button: "Revoke API key",
    },
  }[action.kind];

  return (
    <Dialog title={copy.title} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <p>{copy.body}</p>
        {action.kind === "roll" ? (
          <div className="field">
            <label htmlFor={`${id}-grace`}>Old key keeps working for</label>
            <select id={`${id}-grace`} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
              {GRACE_PERIODS.map((g) => (
                <option key={g.minutes} value={g.minutes}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {action.kind === "suspend" ? (
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              Reason <span className="muted">(optional)</span>
            </label>
            <input id={`${id}-reason`} value={reason} maxLength={255} onChange={(e) => setReason(e.target.value)} />
          </div>
        ) : null}
        {problem ? <Alert>{problem.message}</Alert> : null}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={action.kind === "revoke" ? "button-danger" : "button-primary"}
            disabled={busy}
          >
            {copy.button}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A radio button with its label and, tied by aria-describedby, its explanation. */
function Choice({
  label,
  hint,
  ...input
}: { label: string; hint: string } & InputHTMLAttributes<HTMLInputElement> & { "data-field"?: string }) {
  const id = useId();
  return (
    <div className="choice">
      <input type="radio" id={id} aria-describedby={`${id}-hint`} {...input} />
      <div>
        <label htmlFor={id}>{label}</label>
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      </div>
    </div>
  );
}

/**
 * What a page with key actions needs: the action dialog, the token dialog after a roll or a creation, and a
 * live-region message once done. `dialogs` goes anywhere in the page; `afterAction` runs after each action.
 */
export function useKeyActions(afterAction?: () => void) {
  const [action, setAction] = useState<KeyAction | null>(null);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const dialogs: ReactNode = (
    <>
      {action ? (
        <KeyActionDialog
          action={action}
          onClose={() => setAction(null)}
          onDone={(message, rolled) => {
            setAction(null);
            setAnnouncement(message);
            afterAction?.();
            if (rolled) setIssued(rolled);
          }}
        />
      ) : null}
      {issued ? <TokenDialog issued={issued} onClose={() => setIssued(null)} /> : null}
    </>
  );
  const status = (
    <p role="status" className="visually-hidden">
      {announcement}
    </p>
  );
  return { start: setAction, show: setIssued, announce: setAnnouncement, dialogs, status };
}
