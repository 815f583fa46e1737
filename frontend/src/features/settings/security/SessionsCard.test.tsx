import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { SessionsCard } from "./SessionsCard";

const chromeLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const safariIphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const sessions = [
  { id: "s1", userAgent: chromeLinux, ip: "127.0.0.1", createdAt: minutesAgo(90), lastSeenAt: minutesAgo(0), current: true },
  { id: "s2", userAgent: safariIphone, ip: "203.0.113.9", createdAt: minutesAgo(3000), lastSeenAt: minutesAgo(5), current: false },
  { id: "s3", userAgent: "curl/8.5.0", ip: null, createdAt: minutesAgo(5000), lastSeenAt: minutesAgo(4000), current: false },
];

describe("SessionsCard", () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
  });

  it("lists the sessions with their devices, this one first, and ends another", async () => {
    let live = sessions;
    const calls = mockApi({
      "GET /api/users/me/sessions": () => ({ body: live }),
      "DELETE /api/users/me/sessions/s2": () => {
        live = live.filter((s) => s.id !== "s2");
        return { body: { ended: true } };
      },
    });
    renderWithProviders(<SessionsCard />);
    const table = await screen.findByRole("table", { name: "Signed-in sessions" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent("Chrome on Linux");
    expect(within(rows[0]!).getByText("This device")).toBeInTheDocument();
    expect(within(rows[0]!).queryByRole("button")).not.toBeInTheDocument();
    expect(rows[1]).toHaveTextContent("Safari on iOS");
    expect(rows[1]).toHaveTextContent("203.0.113.9");
    expect(rows[1]).toHaveTextContent("5 minutes ago");
    expect(within(rows[1]!).getByText("5 minutes ago")).toHaveAttribute("title", expect.stringMatching(/UTC$/));
    expect(rows[2]).toHaveTextContent("curl");

    fireEvent.click(within(rows[1]!).getByRole("button", { name: /^End the session of Safari on iOS at 203\.0\.113\.9/ }));
    expect(await screen.findByText("Ended the session of Safari on iOS.")).toBeInTheDocument();
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(3));
    expect(calls.map((c) => c.route)).toContain("DELETE /api/users/me/sessions/s2");
  });

  it("signs out every other session, and keeps the sign-out-everywhere card", async () => {
    let live = sessions;
    const calls = mockApi({
      "GET /api/users/me/sessions": () => ({ body: live }),
      "POST /api/users/me/sessions/end-others": () => {
        live = live.filter((s) => s.current);
        return { body: { ended: 2 } };
      },
    });
    renderWithProviders(<SessionsCard />);
    fireEvent.click(await screen.findByRole("button", { name: "Sign out all other sessions" }));
    expect(await screen.findByText("Signed out 2 other sessions.")).toBeInTheDocument();
    expect(await screen.findByText("You are signed in on this device only.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign out all other sessions" })).toBeDisabled();
    expect(calls.map((c) => c.route)).toContain("POST /api/users/me/sessions/end-others");
    expect(screen.getByRole("button", { name: "Sign out everywhere" })).toBeInTheDocument();
  });

  it("says why the list is missing", async () => {
    mockApi({ "GET /api/users/me/sessions": { status: 500, body: { status: "error", code: "INTERNAL_ERROR", message: "Boom" } } });
    renderWithProviders(<SessionsCard />);
    expect(await screen.findByText("Could not load your sessions")).toBeInTheDocument();
    expect(screen.getByText("Boom")).toBeInTheDocument();
  });
});
