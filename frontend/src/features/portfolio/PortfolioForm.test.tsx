import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import { SYMBOLS } from "./fixtures";
import { PortfolioForm } from "./PortfolioForm";

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

const submit = () => screen.getByRole("button", { name: "Create portfolio" });

async function fillSeed(user: ReturnType<typeof userEvent.setup>, { withCash = true } = {}) {
  fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Conservative Portfolio" } });
  await user.click(screen.getByLabelText(/^Low/));
  const add = async (symbol: string, percent?: string) => {
    await user.selectOptions(await screen.findByLabelText("Add a target"), symbol);
    await user.click(screen.getByRole("button", { name: "Add target" }));
    if (percent !== undefined) fireEvent.change(screen.getByLabelText(`Target for ${symbol} (%)`), { target: { value: percent } });
  };
  await add("BTC-USD", "60");
  await add("ETH-USD", "30");
  if (withCash) await add("USDT"); // suggests what is left: 10
}

describe("PortfolioForm", () => {
  it("shows the live sum and keeps submit disabled, saying why, until the targets make 100%", async () => {
    mockApi({ "GET /api/market/symbols": { body: SYMBOLS } });
    const user = userEvent.setup();
    renderWithProviders(<PortfolioForm />, { path: "/portfolios/new", route: "/portfolios/new" });
    expect(submit()).toBeDisabled();
    expect(screen.getByTestId("form-pending")).toHaveTextContent("Not yet: Give the portfolio a name");
    expect(screen.getByLabelText(/^Medium/)).toBeChecked();
    expect(screen.getByText("Blank: the Medium profile's ±5.0%")).toBeInTheDocument();

    await fillSeed(user, { withCash: false });
    expect(screen.getByText("Blank: the Low profile's ±3.0%")).toBeInTheDocument();
    expect(screen.getByTestId("targets-sum")).toHaveTextContent("Sum: 90% of 100% · 10% left");
    expect(submit()).toBeDisabled();
    expect(submit()).toHaveAccessibleDescription("Not yet: Targets sum to 90%: add 10% to reach 100%");

    await user.selectOptions(screen.getByLabelText("Add a target"), "USDT");
    await user.click(screen.getByRole("button", { name: "Add target" }));
    expect(screen.getByLabelText("Target for USDT (%)")).toHaveValue("10");
    expect(screen.getByTestId("targets-sum")).toHaveTextContent("Sum: 100% of 100% ✓");
    expect(submit()).toBeEnabled();

    await user.click(screen.getByRole("button", { name: "Remove ETH-USD from the targets" }));
    expect(screen.getByTestId("targets-sum")).toHaveTextContent("Sum: 70% of 100% · 30% left");
    expect(submit()).toBeDisabled();
  });

  it("sends the seed's request with exact weights and opens the new portfolio", async () => {
    const calls = mockApi({
      "GET /api/market/symbols": { body: SYMBOLS },
      "POST /api/portfolios": {
        status: 201,
        body: { portfolioId: 9, name: "Conservative Portfolio", riskProfile: "LOW", currentValue: 0, positions: [], createdAt: "2026-11-24T10:00:00Z", targetAllocations: {}, band: 0.03 },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<PortfolioForm />, { path: "/portfolios/new", route: "/portfolios/new" });
    await fillSeed(user);
    await user.click(submit());
    expect(await screen.findByText("elsewhere")).toBeInTheDocument(); // navigated to /portfolios/9
    expect(calls.find((c) => c.route === "POST /api/portfolios")?.body).toEqual({
      userId: 7,
      name: "Conservative Portfolio",
      riskProfile: "LOW",
      targetAllocations: { "BTC-USD": "0.6", "ETH-USD": "0.3", USDT: "0.1" },
    });
  });

  it("shows the API's errors next to the fields they name", async () => {
    mockApi({
      "GET /api/market/symbols": { body: SYMBOLS },
      "POST /api/portfolios": apiError(422, "VALIDATION_ERROR", "name: already taken (and 1 more)", "name", [
        { field: "name", message: "A portfolio of yours is already called that" },
        { field: "band", message: "Input should be less than 1" },
      ]),
    });
    const user = userEvent.setup();
    renderWithProviders(<PortfolioForm />, { path: "/portfolios/new", route: "/portfolios/new" });
    await fillSeed(user);
    fireEvent.change(screen.getByLabelText(/^Band/), { target: { value: "50" } });
    await user.click(submit());
    expect(await screen.findByText("A portfolio of yours is already called that")).toHaveAttribute("id", "pf-name-error");
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(document.getElementById("pf-band-error")).toHaveTextContent("Input should be less than 1");

    await user.type(screen.getByLabelText("Name"), " 2");
    expect(document.getElementById("pf-name-error")).toBeNull(); // edited: the API's message about it goes
  });

  it("shows an unknown target symbol by the targets", async () => {
    mockApi({
      "GET /api/market/symbols": { body: SYMBOLS },
      "POST /api/portfolios": apiError(400, "INVALID_SYMBOL", "Symbol USDC not found", "targetAllocations"),
    });
    const user = userEvent.setup();
    renderWithProviders(<PortfolioForm />, { path: "/portfolios/new", route: "/portfolios/new" });
    await fillSeed(user);
    await user.click(submit());
    await waitFor(() => expect(screen.getByTestId("targets-error")).toHaveTextContent("Symbol USDC not found"));
    expect(within(screen.getByRole("group", { name: /Targets, in percent/ })).getByTestId("targets-error")).toBeInTheDocument();
  });
});
