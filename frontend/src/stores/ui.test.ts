import { useUi } from "./ui";

describe("ui store: the theme before sign-in", () => {
  afterEach(() => localStorage.clear());

  it("takes the theme an older version kept in this browser as the choice", async () => {
    localStorage.setItem("cryptomon.ui", JSON.stringify({ state: { theme: "dark", unread: 2 }, version: 0 }));
    await useUi.persist.rehydrate();
    expect(useUi.getState()).toMatchObject({ themeChoice: "dark", theme: "dark", unread: 2 });
  });

  it("keeps the choice, not the painted theme, and ignores a value it does not know", async () => {
    useUi.getState().setThemeChoice("system");
    const stored = JSON.parse(localStorage.getItem("cryptomon.ui") ?? "{}") as { state: Record<string, unknown> };
    expect(stored.state).toEqual({ themeChoice: "system", unread: expect.any(Number) as number });
    expect(useUi.getState().theme).toBe("light"); // jsdom's device asks for nothing: light

    localStorage.setItem("cryptomon.ui", JSON.stringify({ state: { themeChoice: "sepia", unread: 0 }, version: 1 }));
    useUi.getState().setThemeChoice("dark");
    await useUi.persist.rehydrate();
    expect(useUi.getState()).toMatchObject({ themeChoice: "dark", theme: "dark" });
  });
});
