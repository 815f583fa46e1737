import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, unwrap } from "@/api/client";
import { ConfirmButton } from "@/components/ConfirmButton";
import { useAuth } from "@/stores/auth";
import { toastError } from "@/stores/ui";

/** Ends every session of the account (other browsers, the CLI's sign-ins, this one); API keys stay valid. */
export function SignOutEverywhere() {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  async function signOutEverywhere() {
    setBusy(true);
    try {
      await unwrap(api.POST("/api/auth/logout-all"));
    } catch (error) {
      setBusy(false);
      setAsking(false);
      toastError(error, "Could not sign out everywhere");
      return;
    }
    useAuth.getState().signOut();
    void navigate("/signin");
  }

  return (
    <div className="sign-out-everywhere">
      <p className="muted">
        Signing out (top right) ends this session only. Sign out everywhere to end every session of your account: other
        browsers and devices, and the command line's sign-ins. API keys are not affected.
      </p>
      <ConfirmButton
        label="Sign out everywhere"
        confirmText="Confirm: sign out everywhere"
        cancelText="Cancel"
        autoFocus
        disabled={busy}
        asking={asking}
        onAskingChange={setAsking}
        onConfirm={() => void signOutEverywhere()}
      >
        Sign out everywhere
      </ConfirmButton>
    </div>
  );
}
