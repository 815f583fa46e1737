import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import {
  securityKeys,
  useDisableTwoFactor,
  useEnableTwoFactor,
  useNewRecoveryCodes,
  useTwoFactor,
  useTwoFactorSetup,
  type TwoFactorSetup,
  type TwoFactorStatus,
} from "@/api/security";
import { codeDigits, factorReady, OneTimeCodeField, secondFactor, type FactorKind } from "@/components/OneTimeCode";
import { QueryView } from "@/components/QueryView";
import { Skeleton } from "@/components/ui";
import { useAuth } from "@/stores/auth";
import { CopyButton } from "./CopyButton";
import { day, exactUtc, groupSecret } from "./format";
import { RecoveryCodes } from "./RecoveryCodes";

/** What an error of a code form says next to the code field (a wrong or reused code: the API says which), or null
 * when it is about the form. */
function codeMessage(error: unknown, kind: FactorKind = "code"): string | null {
  if (!(error instanceof ApiError) || error.code !== "INVALID_TWO_FACTOR_CODE") return null;
  return error.message || (kind === "code" ? "That code is wrong or was already used." : "That recovery code is wrong or was already used.");
}

function generalMessage(error: unknown): string | null {
  if (!error || codeMessage(error)) return null;
  return error instanceof Error ? error.message : "Something went wrong";
}

/** Step by step: the QR code to scan (or the key to type), then a code from the app to prove it works. */
function Enrol({ setup, onCancel, onEnabled }: { setup: TwoFactorSetup; onCancel: () => void; onEnabled: (codes: string[]) => void }) {
  const enable = useEnableTwoFactor();
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<string | undefined>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (codeDigits(code).length !== 6) {
      setProblem("Enter the 6 digits your app shows.");
      return;
    }
    setProblem(undefined);
    enable.mutate(codeDigits(code), {
      onSuccess: (result) => onEnabled(result.recoveryCodes),
      onError: (error) => {
        if (codeMessage(error)) setCode("");
      },
    });
  }

  const grouped = groupSecret(setup.secret);
  return (
    <form className="enrol" onSubmit={submit} noValidate aria-label="Turn on two-factor sign-in">
      <ol className="enrol-steps">
        <li>
          <p>
            Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy, Aegis…).
          </p>
          <img className="enrol-qr" src={setup.qrCode} alt="QR code for your authenticator app" width={184} height={184} />
        </li>
        <li>
          <p>Or, if you cannot scan it, type this key into the app (time-based, 6 digits, 30 seconds):</p>
          <div className="enrol-secret">
            <code data-testid="totp-secret" aria-label="Setup key">
              {grouped}
            </code>
            <CopyButton text={setup.secret} label="Copy the setup key" />
          </div>
        </li>
        <li>
          <p>Enter the code the app shows now to check it works.</p>
          <OneTimeCodeField
            id="enrol-code"
            kind="code"
            label="Code from your app"
            allowRecovery={false}
            value={code}
            onChange={(value) => {
              setCode(value);
              setProblem(undefined);
              enable.reset();
            }}
            error={problem ?? codeMessage(enable.error) ?? undefined}
          />
        </li>
      </ol>
      {generalMessage(enable.error) ? (
        <p className="form-error" role="alert">
          {generalMessage(enable.error)}
        </p>
      ) : null}
      <div className="security-actions">
        <button type="submit" className="primary" disabled={enable.isPending}>
          {enable.isPending ? "Turning on…" : "Turn on"}
        </button>
        <button type="button" onClick={onCancel} disabled={enable.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Turning off, or asking for new recovery codes: both take a code from the app (turning off, a recovery code too). */
function CodeConfirm({
  id,
  title,
  action,
  allowRecovery,
  pending,
  error,
  onSubmit,
  onCancel,
  danger = false,
}: {
  id: string;
  title: string;
  action: string;
  allowRecovery: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (factor: ReturnType<typeof secondFactor>, clear: () => void) => void;
  onCancel: () => void;
  danger?: boolean;
}) {
  const [kind, setKind] = useState<FactorKind>("code");
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | undefined>();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!factorReady(kind, value)) {
      setProblem(kind === "code" ? "Enter the 6 digits your app shows." : "Enter one of your recovery codes.");
      return;
    }
    setProblem(undefined);
    onSubmit(secondFactor(kind, value), () => setValue(""));
  }

  return (
    <form className="code-confirm" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      <OneTimeCodeField
        id={id}
        kind={kind}
        onKindChange={setKind}
        allowRecovery={allowRecovery}
        value={value}
        onChange={(next) => {
          setValue(next);
          setProblem(undefined);
        }}
        error={problem ?? codeMessage(error, kind) ?? undefined}
        autoFocus
      />
      {generalMessage(error) ? (
        <p className="form-error" role="alert">
          {generalMessage(error)}
        </p>
      ) : null}
      <div className="security-actions">
        <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
          {pending ? "…" : action}
        </button>
        <button type="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Enabled({ status, onNewCodes }: { status: TwoFactorStatus; onNewCodes: (codes: string[]) => void }) {
  const [open, setOpen] = useState<"off" | "codes" | null>(null);
  const disable = useDisableTwoFactor();
  const newCodes = useNewRecoveryCodes();
  const few = status.recoveryCodesLeft <= 3;
  return (
    <div className="stack">
      <dl className="security-facts">
        <div>
          <dt className="muted">Status</dt>
          <dd>
            <span className="pill pill-on">On</span>
          </dd>
        </div>
        <div>
          <dt className="muted">Turned on</dt>
          <dd title={exactUtc(status.enabledAt)}>{day(status.enabledAt)}</dd>
        </div>
        <div>
          <dt className="muted">Recovery codes left</dt>
          <dd data-testid="recovery-codes-left" className={few ? "security-low" : undefined}>
            {status.recoveryCodesLeft} of 10{few ? " (make new ones)" : ""}
          </dd>
        </div>
      </dl>
      {open === "codes" ? (
        <CodeConfirm
          id="new-codes-code"
          title="New recovery codes"
          action="Make new codes"
          allowRecovery={false}
          pending={newCodes.isPending}
          error={newCodes.error}
          onCancel={() => {
            setOpen(null);
            newCodes.reset();
          }}
          onSubmit={(factor, clear) =>
            "code" in factor &&
            newCodes.mutate(factor.code, {
              onSuccess: (result) => {
                setOpen(null);
                onNewCodes(result.recoveryCodes);
              },
              onError: clear,
            })
          }
        />
      ) : open === "off" ? (
        <CodeConfirm
          id="disable-code"
          title="Turn off two-factor sign-in"
          action="Turn off"
          allowRecovery
          danger
          pending={disable.isPending}
          error={disable.error}
          onCancel={() => {
            setOpen(null);
            disable.reset();
          }}
          onSubmit={(factor, clear) => disable.mutate(factor, { onSuccess: () => setOpen(null), onError: clear })}
        />
      ) : (
        <>
          <p className="muted">New recovery codes replace the old ones. Turning two-factor sign-in off asks for a code first.</p>
          <div className="security-actions">
            <button type="button" onClick={() => setOpen("codes")}>
              New recovery codes
            </button>
            <button type="button" className="danger" onClick={() => setOpen("off")}>
              Turn off
            </button>
          </div>
        </>
      )}
    </div>
  );
}

/** Two-factor sign-in: off (turn it on: QR, key, code → recovery codes), or on (its facts, new codes, turn off). */
export function TwoFactorCard() {
  const status = useTwoFactor();
  const setup = useTwoFactorSetup();
  const queryClient = useQueryClient();
  const email = useAuth((s) => s.user?.email);
  const [codes, setCodes] = useState<string[] | null>(null);

  const done = () => {
    setCodes(null);
    setup.reset();
    void queryClient.invalidateQueries({ queryKey: securityKeys.twoFactor });
  };

  return (
    <QueryView query={status} loading={<Skeleton lines={3} />} error="Could not load your two-factor sign-in">
      {(now) => (
        <div className="stack" data-testid="two-factor">
          {now.required && !now.enabled ? (
            <div className="security-warning" role="alert">
              <strong>Your role needs two-factor sign-in.</strong> An administrator requires it for moderators and admins:
              your staff powers are paused until you turn it on.
            </div>
          ) : null}
          {codes ? (
            <RecoveryCodes codes={codes} email={email} onDone={done} />
          ) : now.enabled ? (
            <Enabled status={now} onNewCodes={setCodes} />
          ) : setup.data ? (
            <Enrol setup={setup.data} onCancel={() => setup.reset()} onEnabled={setCodes} />
          ) : (
            <>
              <p>
                <span className="pill">Off</span> Two-factor sign-in asks for a code from an app on your phone after your password,
                so a stolen password alone cannot open your account.
              </p>
              {setup.error ? (
                <p className="form-error" role="alert">
                  {setup.error instanceof ApiError && setup.error.status === 409
                    ? "Two-factor sign-in is already on. Reload to see it."
                    : setup.error.message}
                </p>
              ) : null}
              <div className="security-actions">
                <button type="button" className="primary" disabled={setup.isPending} onClick={() => setup.mutate()}>
                  {setup.isPending ? "Preparing…" : "Turn on two-factor sign-in"}
                </button>
              </div>
            </>
          )}
        </div>
      )}
    </QueryView>
  );
}
