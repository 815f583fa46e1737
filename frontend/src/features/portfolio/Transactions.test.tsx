import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders, type MockRoute } from "@/test/utils";
import { CsvImport, rowErrors } from "./CsvImport";
import { portfolioFixture, SYMBOLS, transactionFixture } from "./fixtures";
import { Transactions } from "./Transactions";
import { ApiError } from "@/api/errors";

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

const base = (transactions: ReturnType<typeof transactionFixture>[], more: Record<string, MockRoute> = {}): Record<string, MockRoute> => ({
  "GET /api/market/symbols": { body: SYMBOLS },
  "GET /api/portfolios/3/transactions": () => ({ body: { transactions, total: transactions.length } }),
  ...more,
});

const renderTransactions = () => renderWithProviders(<Transactions portfolio={portfolioFixture()} />, { path: "/portfolios/3/transactions" });

describe("Transactions", () => {
  it("records a transaction with exact decimals in UTC, and focuses its row", async () => {
    let stored = [transactionFixture()];
    const calls = mockApi(
      base([], {
        "GET /api/portfolios/3/transactions": () => ({ body: { transactions: stored, total: stored.length } }),
        "POST /api/portfolios/3/transactions": () => {
          const added = transactionFixture({ transactionId: 12, kind: "SELL", quantity: 0.1, price: 52000, executedAt: "2025-12-01T09:30:00Z" });
          stored = [added, ...stored];
          return { status: 201, body: added };
        },
      }),
    );
    const user = userEvent.setup();
    renderTransactions();
    expect(await screen.findByTestId("tx-row-11")).toHaveTextContent("2025-11-01 00:00");
    await user.selectOptions(screen.getByLabelText("Kind"), "SELL");
    fireEvent.change(screen.getByLabelText("Quantity"), { target: { value: "0.1" } });
    fireEvent.change(screen.getByLabelText("Price (USD per unit)"), { target: { value: "52000" } });
    fireEvent.change(screen.getByLabelText("Executed at (UTC)"), { target: { value: "2025-12-01T09:30" } });
    await user.click(screen.getByRole("button", { name: "Record transaction" }));
    await waitFor(() => expect(screen.getByTestId("tx-row-12")).toHaveFocus());
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      kind: "SELL",
      symbol: "BTC-USD",
      quantity: "0.1",
      price: "52000",
      fee: "0",
      executedAt: "2025-12-01T09:30:00Z",
    });
  });

  it("shows a sale the holdings cannot take by the quantity", async () => {
    mockApi(
      base([transactionFixture()], {
        "POST /api/portfolios/3/transactions": apiError(422, "VALIDATION_ERROR", "sells 5 BTC-USD but only 0.5 are held at 2025-12-01T00:00:00+00:00", "quantity"),
      }),
    );
    const user = userEvent.setup();
    renderTransactions();
    await screen.findByTestId("tx-table");
    await user.selectOptions(screen.getByLabelText("Kind"), "SELL");
    fireEvent.change(screen.getByLabelText("Quantity"), { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("Price (USD per unit)"), { target: { value: "50000" } });
    fireEvent.change(screen.getByLabelText("Executed at (UTC)"), { target: { value: "2025-12-01T00:00" } });
    await user.click(screen.getByRole("button", { name: "Record transaction" }));
    expect(await screen.findByText(/sells 5 BTC-USD but only 0.5 are held/)).toHaveAttribute("id", "tx-quantity-error");
    expect(screen.getByLabelText("Quantity")).toHaveAttribute("aria-invalid", "true");
  });

  it("deletes only after a confirmation, then focuses the next row", async () => {
    let stored = [transactionFixture({ transactionId: 13, kind: "DEPOSIT", symbol: "USDT", quantity: 100, price: 1 }), transactionFixture()];
    const calls = mockApi(
      base([], {
        "GET /api/portfolios/3/transactions": () => ({ body: { transactions: stored, total: stored.length } }),
        "DELETE /api/portfolios/3/transactions/13": () => {
          stored = stored.filter((t) => t.transactionId !== 13);
          return { status: 204, body: null, raw: true };
        },
      }),
    );
    const user = userEvent.setup();
    renderTransactions();
    await user.click(await screen.findByRole("button", { name: "Delete transaction 13" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    const confirm = within(screen.getByRole("group", { name: "Confirm deleting transaction 13" })).getByRole("button", { name: "Yes, delete" });
    expect(confirm).toHaveFocus();
    await user.click(confirm);
    await waitFor(() => expect(screen.queryByTestId("tx-row-13")).toBeNull());
    await waitFor(() => expect(screen.getByTestId("tx-row-11")).toHaveFocus());
  });

  it("corrects a transaction with only what changed", async () => {
    const calls = mockApi(
      base([transactionFixture()], {
        "PATCH /api/portfolios/3/transactions/11": { body: transactionFixture({ fee: 5 }) },
      }),
    );
    const user = userEvent.setup();
    renderTransactions();
    await user.click(await screen.findByRole("button", { name: "Correct transaction 11" }));
    const form = within(screen.getByRole("form", { name: "Correct transaction 11" }));
    expect(form.getByLabelText("Kind")).toHaveFocus();
    expect(form.getByRole("button", { name: "Save correction" })).toBeDisabled();
    fireEvent.change(form.getByLabelText("Fee (USD)"), { target: { value: "5" } });
    await user.click(form.getByRole("button", { name: "Save correction" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ fee: "5" }));
    await waitFor(() => expect(screen.getByTestId("tx-row-11")).toHaveFocus());
  });
});

describe("CsvImport", () => {
  const csv = "kind,symbol,quantity,price,fee,executedAt,externalId,note\nBUY,BTC-USD,-1,1,0,2025-07-02T00:00:00Z,,\n";

  it("lists each row that stopped the import by its line", async () => {
    mockApi({
      "POST /api/portfolios/3/transactions/import": apiError(422, "VALIDATION_ERROR", "2 bad row(s): nothing was imported", "csv", [
        { field: "csv", message: "line 2 (quantity): Input should be greater than 0" },
        { field: "csv", message: "line 3 (symbol): Symbol NOPE-USD not found" },
      ]),
    });
    renderWithProviders(<CsvImport portfolioId={3} />);
    fireEvent.change(screen.getByLabelText("Or paste the CSV"), { target: { value: csv } });
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    const refused = within(await screen.findByTestId("import-refused"));
    expect(refused.getByRole("alert")).toHaveTextContent("Nothing was imported: 2 bad rows. Fix them, or tick “Import the good rows”.");
    const rows = refused.getAllByRole("row").slice(1).map((r) => r.textContent);
    expect(rows).toEqual(["2quantityInput should be greater than 0", "3symbolSymbol NOPE-USD not found"]);
  });

  it("imports the good rows when asked, listing those left out", async () => {
    const calls = mockApi({
      "POST /api/portfolios/3/transactions/import": { body: { imported: 3, skipped: 1, errors: [{ line: 5, field: "executedAt", message: "executedAt is in the future" }] } },
    });
    renderWithProviders(<CsvImport portfolioId={3} />);
    const file = new File([csv], "trades.csv", { type: "text/csv" });
    fireEvent.change(screen.getByLabelText("CSV file"), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByLabelText("Or paste the CSV")).toHaveValue(csv));
    fireEvent.click(screen.getByLabelText(/Import the good rows/));
    fireEvent.click(screen.getByRole("button", { name: "Import" }));
    const result = within(await screen.findByTestId("import-result"));
    expect(result.getByRole("status")).toHaveTextContent("Imported 3 · skipped 1 already recorded · left out 1 bad row:");
    expect(result.getByRole("table", { name: "Rows left out" })).toHaveTextContent("5executedAtexecutedAt is in the future");
    expect(calls[0]?.body).toEqual({ csv, partial: true });
  });

  it("reads a bad header's one message", () => {
    const error = new ApiError(422, "VALIDATION_ERROR", "line 1: the header must name the columns kind, symbol", "csv");
    expect(rowErrors(error)).toEqual([{ line: 1, field: "csv", message: "the header must name the columns kind, symbol" }]);
  });
});
