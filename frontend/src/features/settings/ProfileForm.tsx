import { useState, type FormEvent } from "react";
import { fieldError } from "@/api/errors";
import { Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { toastError, useUi } from "@/stores/ui";
import { useUpdateMe, type Me } from "@/api/me";

const MAX_NAME = 80;

/** The display name (PATCH /api/users/me); email and role shown for reference. */
export function ProfileForm({ me }: { me: Me }) {
  const [name, setName] = useState(me.displayName ?? "");
  const update = useUpdateMe((error) => {
    if (!fieldError(error, "displayName")) toastError(error, "Could not save the profile");
  });
  const errors = useFormErrors(["displayName"], update.error);
  const error = errors.of("displayName");
  const dirty = name.trim() !== (me.displayName ?? "");

  function submit(event: FormEvent) {
    event.preventDefault();
    const value = name.trim();
    if (!errors.check({ displayName: value.length > MAX_NAME ? `At most ${MAX_NAME} characters` : undefined })) return;
    update.mutate(
      { displayName: value || null },
      { onSuccess: () => useUi.getState().toast({ kind: "success", title: "Profile saved" }) },
    );
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Profile">
      <dl className="profile-facts">
        <div>
          <dt className="muted">Email</dt>
          <dd>{me.email}</dd>
        </div>
        <div>
          <dt className="muted">Role</dt>
          <dd>{me.role}</dd>
        </div>
      </dl>
      <Field label="Display name" htmlFor="display-name" error={error} hint="Shown instead of your email; leave empty to clear">
        <input
          id="display-name"
          value={name}
          maxLength={MAX_NAME + 20}
          autoComplete="nickname"
          aria-invalid={Boolean(error)}
          aria-describedby={error ? "display-name-error" : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <div>
        <button type="submit" className="primary" disabled={update.isPending || !dirty}>
          {update.isPending ? "Saving…" : "Save profile"}
        </button>
      </div>
    </form>
  );
}
