import { useState } from "react";
import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useChannelStatus, type EmailSetup } from "@/api/channels";
import { MAILBOX_PAGE, useMailbox } from "./hooks";
import type { Mail } from "./types";

/** Where email goes, in one sentence, for the card's heading line and its empty state. */
function Where({ email }: { email: EmailSetup | undefined }) {
  if (!email) return null;
  const to = email.address ? <strong>{email.address}</strong> : "your address";
  return email.transport === "SMTP" ? (
    <>Email is sent by the server's SMTP server to {to}; messages kept here are from before it was set up.</>
  ) : (
    <>
      No SMTP server is configured, so email to {to} is kept on the server, in a mailbox any mail client can open, and
      shown here.
    </>
  );
}

function Message({ mail, open }: { mail: Mail; open: boolean }) {
  return (
    <li className="mail-item">
      <details open={open}>
        <summary>
          <span className="mail-head">
            <strong className="mail-subject">{mail.subject || "(no subject)"}</strong>
            <time className="muted" dateTime={mail.date ?? undefined}>
              {formatTime(mail.date)}
            </time>
          </span>
          <span className="muted mail-parties">
            From {mail.from} · To {mail.to}
          </span>
        </summary>
        <pre className="mail-text">{mail.text}</pre>
      </details>
    </li>
  );
}

/** The local mailbox: the EMAIL messages the server kept because it has no SMTP server, newest first. */
export function Mailbox() {
  const [offset, setOffset] = useState(0);
  const mailbox = useMailbox(offset);
  const status = useChannelStatus();
  const email = status.data?.email;
  const data = mailbox.data;
  const last = data ? Math.min(offset + data.messages.length, data.total) : 0;

  return (
    <Card
      title="Email"
      actions={data ? <span className="muted">{`${data.total} message${data.total === 1 ? "" : "s"}`}</span> : null}
    >
      {data && data.total > 0 ? (
        <p className="muted mail-where">
          <Where email={email} />
        </p>
      ) : null}
      <QueryView
        query={mailbox}
        loading={<Skeleton lines={3} height={24} />}
        error="Could not load your email"
        isEmpty={(page) => page.total === 0}
        empty={
          <EmptyState title="No email yet">
            <p>
              <Where email={email} />
            </p>
            <p>
              Choose Email when you <Link to="/alerts/new">create an alert</Link>, or send a test from{" "}
              <Link to="/settings">Settings → Notification channels</Link>, which also explains how to send real email.
            </p>
          </EmptyState>
        }
      >
        {(page) => (
          <>
            <ul className="mail-list" aria-label="Email messages" data-testid="mailbox">
              {page.messages.map((mail, index) => (
                <Message key={mail.id} mail={mail} open={offset === 0 && index === 0} />
              ))}
            </ul>
            {page.total > MAILBOX_PAGE ? (
              <div className="row mail-pages">
                <button type="button" onClick={() => setOffset(Math.max(0, offset - MAILBOX_PAGE))} disabled={offset === 0}>
                  Newer
                </button>
                <span className="muted">
                  {offset + 1}–{last} of {page.total}
                </span>
                <button
                  type="button"
                  onClick={() => setOffset(offset + MAILBOX_PAGE)}
                  disabled={offset + MAILBOX_PAGE >= page.total}
                >
                  Older
                </button>
              </div>
            ) : null}
          </>
        )}
      </QueryView>
    </Card>
  );
}
