import { Link } from "react-router-dom";
import { useChannelStatus } from "@/api/channels";
import { Skeleton } from "@/components/ui";

const SMTP_SETTINGS = `CRYPTOMON_SMTP_HOST=smtp.example.com
CRYPTOMON_SMTP_PORT=587
CRYPTOMON_SMTP_USERNAME=alerts@example.com
CRYPTOMON_SMTP_PASSWORD=…
CRYPTOMON_SMTP_FROM=Cryptomon <alerts@example.com>
CRYPTOMON_SMTP_STARTTLS=true`;

/** Where email alerts go (the account's address unless overridden) and how: SMTP, or the local mailbox. */
export function EmailDelivery({ accountEmail }: { accountEmail: string }) {
  const status = useChannelStatus();
  if (status.isPending) return <Skeleton lines={2} />;
  if (status.isError) return <p className="field-error">Could not read how email is delivered: {status.error.message}</p>;
  const email = status.data.email;
  return (
    <section className="email-delivery" aria-labelledby="email-delivery-title">
      <h3 id="email-delivery-title">Email delivery</h3>
      <p>
        Email alerts go to <strong data-testid="email-address">{email.address ?? accountEmail}</strong>
        {email.addressSource === "ACCOUNT"
          ? " — your account email. Enter another address under Email below to use it instead."
          : ` — the address set below (your account email ${accountEmail} is used when it is empty).`}
      </p>
      {email.smtpConfigured ? (
        <p data-testid="email-transport">
          <span className="pill pill-DELIVERED">SMTP</span> The server sends them through its SMTP server.
        </p>
      ) : (
        <>
          <p data-testid="email-transport">
            <span className="pill pill-PENDING">No SMTP server</span> This server has no SMTP server configured, so
            email is kept on the server in a local mailbox and shown under{" "}
            <Link to="/alerts/inbox">Alerts → Inbox</Link>. Nothing leaves the server.
          </p>
          <details className="smtp-howto">
            <summary>How to send real email</summary>
            <p>
              Whoever runs the server sets these (in <code>.env</code> or the environment) and restarts it; use your mail
              provider's SMTP host and an app password:
            </p>
            <pre>{SMTP_SETTINGS}</pre>
            <p className="muted">
              Port 587 with STARTTLS. Until then the local mailbox is a standard Maildir under the server's data
              directory (<code>var/mail/user-&lt;your id&gt;</code> by default), which mutt or Thunderbird can open.
            </p>
          </details>
        </>
      )}
    </section>
  );
}
