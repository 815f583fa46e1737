import { fireEvent, screen, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { AuditLog } from "./AuditLog";

const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const event = (id: number, action: string, details: object = {}, actorId = 7) => ({
  id,
  userId: 7,
  actorId,
  action,
  ip: "198.51.100.4",
  userAgent: chrome,
  details,
  createdAt: new Date(Date.now() - id * 60_000).toISOString(),
});

describe("AuditLog", () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
  });

  it("reads each event as a sentence with when, where and what device, and loads older ones", async () => {
    const calls = mockApi({
      "GET /api/users/me/audit": ({ search }) =>
        search.get("before") === "3"
          ? { body: { events: [event(2, "role.changed", { from: "user", to: "moderator" }, 1), event(1, "signin.failure", { email: "alice@example.com" })], nextBefore: null } }
          : {
              body: {
                events: [
                  event(5, "two_factor.enabled"),
                  event(4, "api_key.created", { name: "deploy", prefix: "abc" }),
                  event(3, "signin.two_factor_failure", { reason: "The two-factor code is wrong", during: "sign-in" }),
                ],
                nextBefore: 3,
              },
            },
    });
    renderWithProviders(<AuditLog />);
    const log = await screen.findByTestId("audit-log");
    const items = within(log).getAllByRole("listitem");
    expect(items.map((li) => li.querySelector(".audit-sentence")?.textContent)).toEqual([
      "Two-factor sign-in turned on",
      "API key “deploy” created",
      "Sign-in failed: wrong two-factor code",
    ]);
    expect(items[0]).toHaveTextContent("5 minutes ago");
    expect(items[0]).toHaveTextContent("198.51.100.4");
    expect(items[0]).toHaveTextContent("Chrome on Windows");
    expect(calls[0]?.search.get("limit")).toBe("50");
    expect(calls[0]?.search.has("before")).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await within(log).findByText("Sign-in failed: wrong password")).toBeInTheDocument();
    expect(within(log).getByText("Role changed from member to moderator")).toBeInTheDocument();
    expect(within(log).getByText("(by an administrator)")).toBeInTheDocument();
    expect(calls[1]?.search.get("before")).toBe("3");
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    expect(screen.getByText("No older events.")).toBeInTheDocument();
  });

  it("has an empty state", async () => {
    mockApi({ "GET /api/users/me/audit": { body: { events: [], nextBefore: null } } });
    renderWithProviders(<AuditLog />);
    expect(await screen.findByText("No security events yet")).toBeInTheDocument();
  });
});
