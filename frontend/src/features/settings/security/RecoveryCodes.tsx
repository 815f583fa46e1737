import { useEffect, useRef } from "react";
import { downloadText } from "./clipboard";
import { CopyButton } from "./CopyButton";

/**
 * Recovery codes, shown once (after turning two-factor sign-in on, or after asking for a new set): the list, Copy,
 * Download .txt, and "I have saved them", which closes the panel for good.
 */
export function RecoveryCodes({ codes, email, onDone }: { codes: string[]; email?: string | undefined; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const file = [
    "Cryptomon recovery codes" + (email ? ` for ${email}` : ""),
    "Each code signs you in once if you cannot use your authenticator app.",
    "",
    ...codes,
    "",
  ].join("\n");
  return (
    <section className="recovery-codes" aria-labelledby="recovery-codes-title" data-testid="recovery-codes">
      <h3 id="recovery-codes-title" tabIndex={-1} ref={heading}>
        Save your recovery codes
      </h3>
      <p>
        If you lose your phone, each of these codes signs you in once instead of a code from your app.{" "}
        <strong>This is the only time they are shown:</strong> keep them somewhere safe, like a password manager.
      </p>
      <ol className="recovery-list">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="security-actions">
        <CopyButton text={codes.join("\n")} label="Copy the recovery codes" />
        <button type="button" onClick={() => downloadText("cryptomon-recovery-codes.txt", file)}>
          Download .txt
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </section>
  );
}
