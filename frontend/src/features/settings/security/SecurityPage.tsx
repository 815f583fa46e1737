import { useMe } from "@/api/me";
import { Card } from "@/components/ui";
import { ApiKeysCard } from "./ApiKeysCard";
import { AuditLog } from "./AuditLog";
import { SecurityPolicyCard } from "./SecurityPolicyCard";
import { SessionsCard } from "./SessionsCard";
import { TwoFactorCard } from "./TwoFactorCard";
import "./security.css";

/** Settings → Security: two-factor sign-in, where the account is signed in, API keys, the security log, and for
 * administrators the staff two-factor policy. */
export default function SecurityPage() {
  const me = useMe().data;
  // An admin whose powers wait for two-factor sign-in (the policy requires it) cannot read the policy until then.
  const admin = me?.role === "admin" && !me.twoFactorRequired;
  return (
    <div className="security-grid" data-testid="security-page">
      {admin ? (
        <div className="security-wide">
          <Card title="Staff sign-in policy">
            <SecurityPolicyCard />
          </Card>
        </div>
      ) : null}
      <Card title="Two-factor sign-in">
        <TwoFactorCard />
      </Card>
      <Card title="Sessions">
        <SessionsCard />
      </Card>
      <div className="security-wide">
        <Card title="API keys">
          <ApiKeysCard />
        </Card>
      </div>
      <div className="security-wide">
        <Card title="Security log">
          <AuditLog />
        </Card>
      </div>
    </div>
  );
}
