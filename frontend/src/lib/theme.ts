/** Light or dark: the user's choice (saved in their preferences) and the theme it resolves to on this device. */
export type Theme = "light" | "dark";
export type ThemeChoice = Theme | "system";

export const THEME_CHOICES: readonly ThemeChoice[] = ["light", "dark", "system"];

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === "string" && (THEME_CHOICES as readonly string[]).includes(value);
}

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** Whether the device asks for dark (false where the browser cannot say). */
export function systemPrefersDark(): boolean {
  return typeof window !== "undefined" && Boolean(window.matchMedia?.(DARK_QUERY).matches);
}

/** Calls `onChange` when the device's light/dark preference changes; returns the unsubscribe. */
export function onSystemThemeChange(onChange: () => void): () => void {
  const query = typeof window !== "undefined" ? window.matchMedia?.(DARK_QUERY) : undefined;
  if (!query?.addEventListener) return () => undefined;
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/** The theme to paint: the choice itself, or for "system" what the device prefers. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): Theme {
  return choice === "system" ? (prefersDark ? "dark" : "light") : choice;
}
