import { THEME_CHOICES, type ThemeChoice } from "@/lib/theme";
import { useUi } from "@/stores/ui";
import { useSaveTheme } from "./useTheme";

const LABELS: Record<ThemeChoice, string> = { light: "Light", dark: "Dark", system: "System" };

/** Light, dark or the device's choice: saved to the account, so every browser you sign in to follows it. */
export function ThemeSwitch() {
  const choice = useUi((s) => s.themeChoice);
  const painted = useUi((s) => s.theme);
  const { save } = useSaveTheme();
  return (
    <fieldset className="theme-switch" aria-describedby="theme-hint">
      <legend className="muted">Theme</legend>
      {THEME_CHOICES.map((value) => (
        <label key={value} className="check">
          <input type="radio" name="theme" value={value} checked={choice === value} onChange={() => save(value)} />
          {LABELS[value]}
        </label>
      ))}
      <p id="theme-hint" className="field-hint theme-hint">
        Saved to your account: every browser you sign in to uses it.
        {choice === "system" ? ` System follows this device (${painted} now).` : ""}
      </p>
    </fieldset>
  );
}
