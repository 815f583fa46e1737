import { create } from "zustand";
import { persist } from "zustand/middleware";

export type Theme = "light" | "dark";

export interface Toast {
  id: number;
  kind: "info" | "success" | "error" | "alert";
  title: string;
  body?: string;
}

interface UiState {
  theme: Theme;
  toasts: Toast[];
  unread: number;
  setTheme: (theme: Theme) => void;
  toast: (toast: Omit<Toast, "id">) => void;
  dismiss: (id: number) => void;
  addUnread: (n?: number) => void;
  clearUnread: () => void;
}

let next = 1;

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      theme: window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light",
      toasts: [],
      unread: 0,
      setTheme: (theme) => set({ theme }),
      toast: (toast) => {
        const id = next++;
        set((s) => ({ toasts: [...s.toasts, { ...toast, id }].slice(-5) }));
        setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), toast.kind === "error" ? 8000 : 6000);
      },
      dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
      addUnread: (n = 1) => set((s) => ({ unread: s.unread + n })),
      clearUnread: () => set({ unread: 0 }),
    }),
    { name: "cryptomon.ui", partialize: (s) => ({ theme: s.theme, unread: s.unread }) },
  ),
);

/** Show an error toast with the API's message (or any error's). */
export function toastError(error: unknown, title = "Something went wrong"): void {
  const message = error instanceof Error ? error.message : String(error);
  useUi.getState().toast({ kind: "error", title, body: message });
}
