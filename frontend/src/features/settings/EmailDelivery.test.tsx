import { screen } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { EmailDelivery } from "./EmailDelivery";

const status = (email: object) => ({ channels: [], email });

describe("EmailDelivery", () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
  });

  it("without SMTP: the account address, the local mailbox, and the settings that would send real email", async () => {
    mockApi({
      "GET /api/notifications/channels": {
        body: status({ address: "alice@example.com", addressSource: "ACCOUNT", smtpConfigured: false, transport: "LOCAL_MAILBOX" }),
      },
    });
    renderWithProviders(<EmailDelivery accountEmail="alice@example.com" />);
    expect(await screen.findByTestId("email-address")).toHaveTextContent("alice@example.com");
    expect(screen.getByText(/your account email\. Enter another address/)).toBeInTheDocument();
    expect(screen.getByTestId("email-transport")).toHaveTextContent("no SMTP server configured");
    expect(screen.getByRole("link", { name: "Alerts → Inbox" })).toHaveAttribute("href", "/alerts/inbox");
    expect(screen.getByText(/CRYPTOMON_SMTP_HOST=/)).toBeInTheDocument();
  });

  it("with SMTP and an address of its own: says so, and asks nothing of the user", async () => {
    mockApi({
      "GET /api/notifications/channels": {
        body: status({ address: "desk@example.com", addressSource: "PREFERENCES", smtpConfigured: true, transport: "SMTP" }),
      },
    });
    renderWithProviders(<EmailDelivery accountEmail="alice@example.com" />);
    expect(await screen.findByTestId("email-address")).toHaveTextContent("desk@example.com");
    expect(screen.getByText(/your account email alice@example\.com is used when it is empty/)).toBeInTheDocument();
    expect(screen.getByTestId("email-transport")).toHaveTextContent("through its SMTP server");
    expect(screen.queryByText(/CRYPTOMON_SMTP_HOST/)).not.toBeInTheDocument();
  });
});
