import { useState, type FormEvent } from "react";
import { useMe } from "@/api/me";
import { useApiKeys, useApiKeyScopes, useCreateApiKey, useRevokeApiKey, type ApiKey, type ApiKeyScope, type ScopeName } from "@/api/security";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState, Field, Skeleton } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { toastError } from "@/stores/ui";
import { CopyButton } from "./CopyButton";
import { ago, day, exactUtc, EXPIRY_CHOICES, expiryIso, keyStatus, type ExpiryChoice } from "./format";

const FIELDS = ["name", "scopes", "expiresAt"] as const;

/** The full secret of the key just made: shown once, with Copy, until dismissed. */
function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <section className="new-key" aria-labelledby="new-key-title" data-testid="new-api-key">
      <h3 id="new-key-title">API key “{name}” created</h3>
      <p className="security-warning-text">
        <strong>Copy it now: this is the only time it is shown.</strong> Store it like a password; anyone with it acts as you
        within its scopes.
      </p>
      <div className="enrol-secret">
        <code data-testid="api-key-secret" aria-label="The new API key">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy the API key" />
      </div>
      <div className="security-actions">
        <button type="button" onClick={onDone}>
          Done, I have copied it
        </button>
      </div>
    </section>
  );
}

function NewKeyForm({ scopes, onCreated }: { scopes: ApiKeyScope[]; onCreated: (name: string, secret: string) => void }) {
  const create = useCreateApiKey();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<ScopeName[]>([]);
  const [expiry, setExpiry] = useState<ExpiryChoice>("90");
  const errors = useFormErrors(FIELDS, create.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    const ok = errors.check({
      name: name.trim() ? undefined : "Give the key a name, to tell it apart later.",
      scopes: chosen.length ? undefined : "Pick at least one scope.",
    });
    if (!ok) return;
    const expiresAt = expiryIso(expiry);
    create.mutate(
      { name: name.trim(), scopes: chosen, ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: (key) => {
          setName("");
          setChosen([]);
          onCreated(key.name, key.key);
        },
      },
    );
  }

  const toggle = (scope: ScopeName, on: boolean) => {
    setChosen((now) => (on ? [...now, scope] : now.filter((s) => s !== scope)));
    errors.edited("scopes");
    if (on) errors.set("scopes", undefined);
  };

  return (
    <form className="new-key-form stack" onSubmit={submit} noValidate aria-label="New API key">
      <h3>New API key</h3>
      <Field label="Name" htmlFor="api-key-name" error={errors.of("name")} hint="What uses it, e.g. “TradingView webhook”">
        <input
          id="api-key-name"
          maxLength={80}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            errors.edited("name");
            errors.set("name", undefined);
          }}
          aria-invalid={errors.of("name") ? true : undefined}
          aria-describedby={errors.of("name") ? "api-key-name-error" : undefined}
        />
      </Field>
      <fieldset className="scope-options" aria-describedby={errors.of("scopes") ? "api-key-scopes-error" : undefined}>
        <legend>Scopes: what the key may do</legend>
        {scopes.map((s) => (
          <label key={s.scope} className="scope-option">
            <input type="checkbox" checked={chosen.includes(s.scope as ScopeName)} onChange={(e) => toggle(s.scope as ScopeName, e.target.checked)} />
            <span>
              <span className="scope-title">
                {s.title} <code className="muted">{s.scope}</code>
              </span>
              <span className="scope-description muted">{s.description}</span>
            </span>
          </label>
        ))}
        {errors.of("scopes") ? (
          <span className="field-error" role="alert" id="api-key-scopes-error">
            {errors.of("scopes")}
          </span>
        ) : null}
      </fieldset>
      <Field label="Expires" htmlFor="api-key-expiry" error={errors.of("expiresAt")}>
        <select id="api-key-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value as ExpiryChoice)}>
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </Field>
      {errors.general ? (
        <p className="form-error" role="alert">
          {errors.general}
        </p>
      ) : null}
      <div className="security-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
      </div>
    </form>
  );
}

const STATUS_WORDS = { active: "Active", revoked: "Revoked", expired: "Expired" } as const;

function KeyList({ keys, scopes }: { keys: ApiKey[]; scopes: ApiKeyScope[] }) {
  const revoke = useRevokeApiKey();
  const [asking, setAsking] = useState<number | null>(null);
  const titleOf = (scope: string) => scopes.find((s) => s.scope === scope)?.title ?? scope;

  const columns: Column<ApiKey>[] = [
    { key: "name", label: "Name", rowHeader: true, cell: (k) => k.name },
    { key: "prefix", label: "Key", cell: (k) => <code>cmk_{k.prefix}_…</code>, priority: 3 },
    { key: "scopes", label: "Scopes", cell: (k) => k.scopes.map(titleOf).join(", ") },
    {
      key: "status",
      label: "Status",
      cell: (k) => {
        const status = keyStatus(k);
        return <span className={`pill pill-key-${status}`}>{STATUS_WORDS[status]}</span>;
      },
    },
    {
      key: "used",
      label: "Last used",
      priority: 2,
      cell: (k) =>
        k.lastUsedAt ? (
          <time dateTime={k.lastUsedAt} title={exactUtc(k.lastUsedAt)}>
            {ago(k.lastUsedAt)}
          </time>
        ) : (
          "Never"
        ),
    },
    {
      key: "expires",
      label: "Expires",
      priority: 2,
      cell: (k) =>
        k.revokedAt ? (
          <span title={exactUtc(k.revokedAt)}>Revoked {day(k.revokedAt)}</span>
        ) : k.expiresAt ? (
          <span title={exactUtc(k.expiresAt)}>{day(k.expiresAt)}</span>
        ) : (
          "Never"
        ),
    },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (k) =>
        keyStatus(k) === "active" ? (
          <span className="row-actions">
            <ConfirmButton
              label={`Revoke API key ${k.name}`}
              confirmText="Confirm revoke"
              confirmLabel={`Confirm: revoke API key ${k.name}`}
              cancelText="Keep"
              autoFocus
              disabled={revoke.isPending && revoke.variables === k.id}
              asking={asking === k.id}
              onAskingChange={(on) => setAsking(on ? k.id : null)}
              onConfirm={() =>
                revoke.mutate(k.id, {
                  onSettled: () => setAsking(null),
                  onError: (error) => toastError(error, "Could not revoke the key"),
                })
              }
            >
              Revoke
            </ConfirmButton>
          </span>
        ) : null,
    },
  ];
  return (
    <DataTable
      label="API keys"
      testId="api-keys-table"
      columns={columns}
      rows={keys}
      rowKey={(k) => k.id}
      cards
      empty={<EmptyState title="No API keys yet">Create one for a script or a webhook that reads or sends data as you.</EmptyState>}
    />
  );
}

/** API keys: a form to make one (name, scopes, expiry; the secret shown once) and the list with Revoke. */
export function ApiKeysCard() {
  const keys = useApiKeys();
  const scopes = useApiKeyScopes();
  const admin = useMe().data?.role === "admin";
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  return (
    <div className="api-keys">
      <QueryView query={scopes} loading={<Skeleton lines={4} />} error="Could not load the scopes">
        {(all) => {
          const offered = all.filter((s) => admin || !s.adminOnly);
          return (
            <div className="stack">
              {created ? (
                <NewSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />
              ) : (
                <NewKeyForm scopes={offered} onCreated={(name, secret) => setCreated({ name, secret })} />
              )}
            </div>
          );
        }}
      </QueryView>
      <div className="stack">
        <h3>Your keys</h3>
        <QueryView query={keys} loading={<Skeleton lines={3} />} error="Could not load your API keys">
          {(list) => <KeyList keys={list} scopes={scopes.data ?? []} />}
        </QueryView>
      </div>
    </div>
  );
}
