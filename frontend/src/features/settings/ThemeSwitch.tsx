import { useUi, type Theme } from "@/stores/ui";

const THEMES: { value: Theme; label: string }[] = [
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Light or dark, kept in this browser. */
export function ThemeSwitch() {
  const theme = useUi((s) => s.theme);
  const setTheme = useUi((s) => s.setTheme);
  return (
    <fieldset className="theme-switch">
      <legend className="muted">Theme</legend>
      {THEMES.map((t) => (
        <label key={t.value} className="check">
          <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => setTheme(t.value)} />
          {t.label}
        </label>
      ))}
    </fieldset>
  );
}
