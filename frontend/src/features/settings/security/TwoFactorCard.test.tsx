import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders, type Call } from "@/test/utils";
import type { TwoFactorStatus } from "@/api/security";
import { TwoFactorCard } from "./TwoFactorCard";

const off: TwoFactorStatus = { enabled: false, enabledAt: null, recoveryCodesLeft: 0, required: false };
const on: TwoFactorStatus = { enabled: true, enabledAt: "2026-05-01T10:00:00Z", recoveryCodesLeft: 10, required: false };
const setup = { secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", otpauthUri: "otpauth://totp/Cryptomon:alice@example.com?secret=JBSWY3DPEHPK3PXP", qrCode: "data:image/png;base64,iVBORw0KGgo=" };
const codes = Array.from({ length: 10 }, (_, i) => `code${i}-abcde`);

describe("TwoFactorCard", () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
  });

  it("enrols: the QR code and grouped key, a code from the app, then the recovery codes shown once", async () => {
    let enabled = false;
    const calls = mockApi({
      "GET /api/users/me/2fa": () => ({ body: enabled ? on : off }),
      "POST /api/users/me/2fa/setup": { body: setup },
      "POST /api/users/me/2fa/enable": () => {
        enabled = true;
        return { body: { enabled: true, recoveryCodes: codes } };
      },
    });
    renderWithProviders(<TwoFactorCard />);
    fireEvent.click(await screen.findByRole("button", { name: "Turn on two-factor sign-in" }));

    expect(await screen.findByRole("img", { name: "QR code for your authenticator app" })).toHaveAttribute("src", setup.qrCode);
    expect(screen.getByTestId("totp-secret")).toHaveTextContent("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(screen.getByRole("button", { name: "Copy the setup key" })).toBeInTheDocument();
    const field = screen.getByLabelText("Code from your app");
    expect(field).toHaveAttribute("autocomplete", "one-time-code");
    expect(field).toHaveAttribute("inputmode", "numeric");

    fireEvent.change(field, { target: { value: "123 456" } });
    expect(field).toHaveValue("123456");
    fireEvent.click(screen.getByRole("button", { name: "Turn on" }));

    const panel = await screen.findByTestId("recovery-codes");
    expect(within(panel).getAllByRole("listitem")).toHaveLength(10);
    expect(within(panel).getByText("code0-abcde")).toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Copy the recovery codes" })).toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Download .txt" })).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/users/me/2fa/enable")?.body).toEqual({ code: "123456" });

    fireEvent.click(within(panel).getByRole("button", { name: "I have saved them" }));
    expect(await screen.findByTestId("recovery-codes-left")).toHaveTextContent("10 of 10");
    expect(screen.queryByText("code0-abcde")).not.toBeInTheDocument();
  });

  it("says a wrong code under the field and stays on the enrolment", async () => {
    mockApi({
      "GET /api/users/me/2fa": { body: off },
      "POST /api/users/me/2fa/setup": { body: setup },
      "POST /api/users/me/2fa/enable": apiError(401, "INVALID_TWO_FACTOR_CODE", "The two-factor code is wrong", "code"),
    });
    renderWithProviders(<TwoFactorCard />);
    fireEvent.click(await screen.findByRole("button", { name: "Turn on two-factor sign-in" }));
    fireEvent.change(await screen.findByLabelText("Code from your app"), { target: { value: "000000" } });
    fireEvent.click(screen.getByRole("button", { name: "Turn on" }));
    expect(await screen.findByText("The two-factor code is wrong")).toHaveAttribute("id", "enrol-code-error");
    expect(screen.getByLabelText("Code from your app")).toHaveValue("");
    expect(screen.getByRole("img", { name: "QR code for your authenticator app" })).toBeInTheDocument();
    expect(screen.queryByTestId("recovery-codes")).not.toBeInTheDocument();
  });

  it("checks for six digits before sending", async () => {
    const calls = mockApi({ "GET /api/users/me/2fa": { body: off }, "POST /api/users/me/2fa/setup": { body: setup } });
    renderWithProviders(<TwoFactorCard />);
    fireEvent.click(await screen.findByRole("button", { name: "Turn on two-factor sign-in" }));
    fireEvent.change(await screen.findByLabelText("Code from your app"), { target: { value: "12a3" } });
    fireEvent.click(screen.getByRole("button", { name: "Turn on" }));
    expect(await screen.findByText("Enter the 6 digits your app shows.")).toBeInTheDocument();
    expect(calls.some((c: Call) => c.route === "POST /api/users/me/2fa/enable")).toBe(false);
  });

  it("when on: turns off with a recovery code, and makes new recovery codes with a code", async () => {
    let status = on;
    const calls = mockApi({
      "GET /api/users/me/2fa": () => ({ body: status }),
      "POST /api/users/me/2fa/recovery-codes": { body: { recoveryCodes: codes } },
      "POST /api/users/me/2fa/disable": () => {
        status = off;
        return { body: { enabled: false } };
      },
    });
    renderWithProviders(<TwoFactorCard />);
    fireEvent.click(await screen.findByRole("button", { name: "New recovery codes" }));
    fireEvent.change(screen.getByLabelText("Two-factor code"), { target: { value: "654321" } });
    fireEvent.click(screen.getByRole("button", { name: "Make new codes" }));
    expect(await screen.findByText("code9-abcde")).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/users/me/2fa/recovery-codes")?.body).toEqual({ code: "654321" });
    fireEvent.click(screen.getByRole("button", { name: "I have saved them" }));

    fireEvent.click(await screen.findByRole("button", { name: "Turn off" }));
    fireEvent.click(screen.getByRole("button", { name: "Use a recovery code instead" }));
    fireEvent.change(screen.getByLabelText("Recovery code"), { target: { value: " ABCDE-FGHIJ " } });
    fireEvent.click(screen.getByRole("button", { name: "Turn off" }));
    expect(await screen.findByRole("button", { name: "Turn on two-factor sign-in" })).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/users/me/2fa/disable")?.body).toEqual({ recoveryCode: "abcde-fghij" });
  });

  it("warns when the role requires two-factor sign-in and it is off", async () => {
    mockApi({ "GET /api/users/me/2fa": { body: { ...off, required: true } } });
    renderWithProviders(<TwoFactorCard />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Your role needs two-factor sign-in");
    await waitFor(() => expect(screen.getByRole("button", { name: "Turn on two-factor sign-in" })).toBeEnabled());
  });
});
