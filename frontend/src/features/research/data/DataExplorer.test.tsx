import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Candle } from "@/components/charts/CandleChart";
import { useAuth } from "@/stores/auth";
import { bar, historical, mockApi, renderWithProviders, symbols } from "@/test/utils";
import DataExplorer from "./DataExplorer";

const drawn = vi.hoisted(() => [] as Candle[][]);
vi.mock("@/components/charts/CandleChart", () => ({
  CandleChart: (props: { candles: Candle[] }) => {
    drawn.push(props.candles);
    return <div data-testid="candle-chart" />;
  },
}));

const page1 = [bar("2025-03-01T00:00:00Z", 100), bar("2025-03-01T01:00:00Z", 101)];
const page2 = [bar("2025-03-01T02:00:00Z", 102)];
const csv = "timestamp,open,high,low,close,volume\n2025-03-01T00:00:00Z,99,102,98,100,10\n";

function setup() {
  const calls = mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/data/historical": (call) => ({ body: call.search.get("cursor") === "c1" ? historical(page2) : historical(page1, "c1") }),
    "GET /api/data/historical/export": {
      raw: true,
      body: csv,
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="BTC-USD_1h_20250301T0000Z_20250304T0000Z.csv"' },
    },
  });
  renderWithProviders(<DataExplorer />, { path: "/research/data", route: "/research/*" });
  return calls;
}

async function load() {
  fireEvent.change(screen.getByLabelText("From"), { target: { value: "2025-03-01" } });
  fireEvent.change(screen.getByLabelText("To"), { target: { value: "2025-03-04" } });
  fireEvent.click(screen.getByRole("button", { name: "Load candles" }));
  await waitFor(() => expect(screen.getByTestId("candle-table").querySelectorAll("tbody tr")).toHaveLength(2));
}

describe("DataExplorer", () => {
  beforeEach(() => {
    drawn.length = 0;
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  });

  it("loads the candles of the range into the chart and the table, and loads more with the cursor", async () => {
    const calls = setup();
    await load();
    const query = calls.filter((c) => c.route === "GET /api/data/historical").at(-1)!.search;
    expect(Object.fromEntries(query)).toEqual({ symbol: "BTC-USD", interval: "1h", from: "2025-03-01T00:00:00Z", to: "2025-03-04T00:00:00Z", limit: "500" });
    const rows = screen.getByTestId("candle-table").querySelectorAll("tbody tr");
    expect(rows[0]).toHaveTextContent("2025-03-01 00:00");
    expect(rows[0]).toHaveTextContent("100.00");
    expect(drawn.at(-1)!.map((c) => c.time)).toEqual([1740787200, 1740790800]);

    fireEvent.click(screen.getByRole("button", { name: /Load more/ }));
    await waitFor(() => expect(screen.getByTestId("candle-table").querySelectorAll("tbody tr")).toHaveLength(3));
    expect(calls.filter((c) => c.route === "GET /api/data/historical").at(-1)!.search.get("cursor")).toBe("c1");
    expect(screen.getByText("All 3 candles of the range are loaded.")).toBeInTheDocument();
    expect(drawn.at(-1)).toHaveLength(3);
  });

  it("has an export button per format, and saves the file the export route returns", async () => {
    const calls = setup();
    await load();
    const group = screen.getByRole("group", { name: "Export the range" });
    expect(within(group).getAllByRole("button").map((b) => b.textContent)).toEqual(["Export CSV", "Export JSON", "Export XLSX", "Export Parquet"]);

    const createObjectURL = vi.fn(() => "blob:csv");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    let saved: { href: string; download: string } | null = null;
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved = { href: this.getAttribute("href")!, download: this.download };
    });
    fireEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(await screen.findByText("Saved BTC-USD_1h_20250301T0000Z_20250304T0000Z.csv")).toBeInTheDocument();
    const exported = calls.find((c) => c.route === "GET /api/data/historical/export")!;
    expect(Object.fromEntries(exported.search)).toEqual({ symbol: "BTC-USD", interval: "1h", from: "2025-03-01T00:00:00Z", to: "2025-03-04T00:00:00Z", format: "csv" });
    expect(saved).toEqual({ href: "blob:csv", download: "BTC-USD_1h_20250301T0000Z_20250304T0000Z.csv" });
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(await blob.text()).toBe(csv);
    click.mockRestore();
  });

  it("refuses a range whose start is not before its end", async () => {
    setup();
    await screen.findByTestId("candle-table");
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2025-03-04" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2025-03-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Load candles" }));
    expect(await screen.findByText("From must be a day before To")).toBeInTheDocument();
  });
});
