import { create } from "zustand";
import { persist } from "zustand/middleware";
import type { components } from "@/api/schema";

type UserOut = components["schemas"]["UserOut"];

/** What the session keeps of the API's TokenPair and UserOut. */
export type Tokens = Pick<components["schemas"]["TokenPair"], "accessToken" | "refreshToken">;
export type SessionUser = Pick<UserOut, "id" | "email" | "role"> & Partial<Pick<UserOut, "displayName">>;
/** What signing in answers with (after the password, or after the two-factor code): the user and their tokens. */
export type SignedIn = components["schemas"]["AuthResult"];

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
