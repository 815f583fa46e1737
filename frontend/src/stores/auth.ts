import { create } from "zustand";
import { persist } from "zustand/middleware";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface SessionUser {
  id: number;
  email: string;
  displayName?: string | null;
  role: string;
}

interface AuthState {
  tokens: Tokens | null;
  user: SessionUser | null;
  signIn: (tokens: Tokens, user: SessionUser) => void;
  setTokens: (tokens: Tokens) => void;
  signOut: () => void;
}

/** The signed-in session, kept in localStorage so a reload stays signed in. */
export const useAuth = create<AuthState>()(
  persist(
    (set) => ({
      tokens: null,
      user: null,
      signIn: (tokens, user) => set({ tokens, user }),
      setTokens: (tokens) => set({ tokens }),
      signOut: () => set({ tokens: null, user: null }),
    }),
    { name: "cryptomon.session" },
  ),
);
