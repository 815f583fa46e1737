import { useSaveSecurityPolicy, useSecurityPolicy, useTwoFactor } from "@/api/security";
import { QueryView } from "@/components/QueryView";
import { Skeleton } from "@/components/ui";
import { day, exactUtc } from "./format";

/** Administrators: whether moderators and admins must use two-factor sign-in (their staff powers wait until they do).
 * Turning it on takes two-factor sign-in on the admin's own account first (the API refuses otherwise). */
export function SecurityPolicyCard() {
  const policy = useSecurityPolicy(true);
  const own = useTwoFactor().data;
  const save = useSaveSecurityPolicy();
  return (
    <QueryView query={policy} loading={<Skeleton lines={2} />} error="Could not load the security policy">
      {(now) => {
        const on = save.isPending ? save.variables : now.requireTwoFactorForStaff;
        const blocked = !on && own !== undefined && !own.enabled;
        return (
          <div className="stack">
            <label className="switch-row">
              <input
                type="checkbox"
                role="switch"
                checked={on}
                disabled={save.isPending || blocked}
                aria-describedby="policy-hint"
                onChange={(e) => save.mutate(e.target.checked)}
              />
              <span>Require two-factor sign-in for moderators and admins</span>
            </label>
            {save.error ? (
              <p className="form-error" role="alert">
                {save.error.message}
              </p>
            ) : null}
            <p id="policy-hint" className="muted">
              {blocked ? "Turn on two-factor sign-in for your own account first (below). " : null}
              When on, staff who have not turned two-factor sign-in on act as members until they do (they see a warning here).
              {now.updatedAt ? (
                <>
                  {" "}
                  Last changed <span title={exactUtc(now.updatedAt)}>{day(now.updatedAt)}</span>.
                </>
              ) : null}
            </p>
          </div>
        );
      }}
    </QueryView>
  );
}
