import { create } from "zustand";
import { persist } from "zustand/middleware";
import { isThemeChoice, onSystemThemeChange, resolveTheme, systemPrefersDark, type Theme, type ThemeChoice } from "@/lib/theme";

export type { Theme, ThemeChoice };

/** A toast's link: a route in the app (`to`), or a file to download (`href`, used as given). */
export interface ToastAction {
  label: string;
  /** The accessible name when the label alone is ambiguous ("Download RPT-20261203-001"). */
  ariaLabel?: string;
  to?: string;
  href?: string;
}

export interface Toast {
  id: number;
  kind: "info" | "success" | "error" | "alert";
  title: string;
  body?: string;
  /** Links shown under the text; a toast with any stays up longer, to be reached by keyboard. */
  actions?: ToastAction[];
}

/** How long a toast stays up: errors longer than news, and a toast with a link long enough to tab to it. */
export function toastMs(toast: Omit<Toast, "id">): number {
  if (toast.actions?.length) return 30_000;
  return toast.kind === "error" ? 8000 : 6000;
}

interface UiState {
  /** What the user chose: after sign-in their saved preference, before it what this browser last had. */
  themeChoice: ThemeChoice;
  /** The theme painted now (the choice resolved against the device's preference). */
  theme: Theme;
  toasts: Toast[];
  unread: number;
  setThemeChoice: (choice: ThemeChoice) => void;
  toast: (toast: Omit<Toast, "id">) => void;
  dismiss: (id: number) => void;
  addUnread: (n?: number) => void;
  clearUnread: () => void;
}

let next = 1;

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      themeChoice: "system",
      theme: resolveTheme("system", systemPrefersDark()),
      toasts: [],
      unread: 0,
      setThemeChoice: (themeChoice) => set({ themeChoice, theme: resolveTheme(themeChoice, systemPrefersDark()) }),
      toast: (toast) => {
        const id = next++;
        set((s) => ({ toasts: [...s.toasts, { ...toast, id }].slice(-5) }));
        setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), toastMs(toast));
      },
      dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
      addUnread: (n = 1) => set((s) => ({ unread: s.unread + n })),
      clearUnread: () => set({ unread: 0 }),
    }),
    {
      name: "cryptomon.ui",
      version: 1,
      partialize: (s) => ({ themeChoice: s.themeChoice, unread: s.unread }),
      // Version 0 kept only the painted theme: it was the user's choice.
      migrate: (stored, version) => {
        const old = (stored ?? {}) as { theme?: Theme; themeChoice?: ThemeChoice; unread?: number };
        return { themeChoice: old.themeChoice ?? (version === 0 ? old.theme : undefined) ?? "system", unread: old.unread ?? 0 };
      },
      // The painted theme is never stored: it follows the choice and the device.
      merge: (stored, current) => {
        const saved = (stored ?? {}) as Partial<UiState>;
        const themeChoice = isThemeChoice(saved.themeChoice) ? saved.themeChoice : current.themeChoice;
        const unread = typeof saved.unread === "number" ? saved.unread : current.unread;
        return { ...current, unread, themeChoice, theme: resolveTheme(themeChoice, systemPrefersDark()) };
      },
    },
  ),
);

// "system" follows the device as it switches (e.g. at dusk).
onSystemThemeChange(() => {
  const { themeChoice, setThemeChoice } = useUi.getState();
  if (themeChoice === "system") setThemeChoice("system");
});

/** Show an error toast with the API's message (or any error's). */
export function toastError(error: unknown, title = "Something went wrong"): void {
  const message = error instanceof Error ? error.message : String(error);
  useUi.getState().toast({ kind: "error", title, body: message });
}
