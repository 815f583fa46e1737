import { act, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { Toasts } from "@/components/Toasts";
import { toastMs, useUi } from "@/stores/ui";
import { reportToast, reportToaster } from "./reportToast";

// The event as the backend sends it for a report (app/reports/production.py), and the fundamental analysis's.
const ready = {
  type: "ANALYSIS_COMPLETE",
  eventId: "12",
  reportId: "RPT-20261203-001",
  status: "READY",
  reportType: "DAILY",
  format: "PDF",
  downloadUrl: "/api/reports/RPT-20261203-001/download?expires=1796946702&sig=ae32c238b66897a60302f8ac078560b3",
  url: "/api/reports/RPT-20261203-001",
};
const failed = { type: "ANALYSIS_COMPLETE", reportId: "RPT-20261203-002", status: "FAILED", reportType: "WEEKLY", format: "XLSX", error: "No candles for ETH-USD" };
const analysis = { type: "ANALYSIS_COMPLETE", analysisId: "ANLYS-20261203-001", status: "COMPLETE" };

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

describe("the report toast", () => {
  afterEach(() => act(() => useUi.setState({ toasts: [] })));

  it("says a report is ready, with its download and a link to open it", () => {
    expect(reportToast(ready)).toEqual({
      kind: "success",
      title: "Report RPT-20261203-001 is ready",
      body: "Your daily PDF report.",
      actions: [
        { label: "Download", ariaLabel: "Download report RPT-20261203-001", href: ready.downloadUrl },
        { label: "Open", ariaLabel: "Open report RPT-20261203-001", to: "/reports?report=RPT-20261203-001" },
      ],
    });
  });

  it("gives a failure's reason", () => {
    expect(reportToast(failed)).toMatchObject({ kind: "error", title: "Report RPT-20261203-002 failed", body: "No candles for ETH-USD" });
  });

  it("is not shown for a fundamental analysis, nor twice for one report (its IN_APP delivery repeats the event)", () => {
    const toaster = reportToaster();
    expect(toaster(analysis)).toBeNull();
    expect(toaster(ready)).not.toBeNull();
    expect(toaster({ ...ready, eventId: "13", title: "Your daily report is ready" })).toBeNull();
    expect(toaster(failed)).not.toBeNull();
  });

  it("stays up long enough to reach its links by keyboard", () => {
    expect(toastMs(reportToast(ready)!)).toBe(30_000);
    expect(toastMs({ kind: "error", title: "x" })).toBe(8000);
  });

  it("downloads from the URL as given, and Open goes to the report on the Reports screen", () => {
    render(
      <MemoryRouter initialEntries={["/"]}>
        <Routes>
          <Route path="*" element={<Where />} />
        </Routes>
        <Toasts />
      </MemoryRouter>,
    );
    act(() => useUi.getState().toast(reportToast(ready)!));
    const toast = screen.getByTestId("toast-success");
    expect(toast).toHaveTextContent("Report RPT-20261203-001 is ready");
    const download = screen.getByRole("link", { name: "Download report RPT-20261203-001" });
    expect(download).toHaveAttribute("href", ready.downloadUrl);
    expect(download).toHaveAttribute("download");
    fireEvent.click(screen.getByRole("link", { name: "Open report RPT-20261203-001" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/reports?report=RPT-20261203-001");
    expect(screen.queryByTestId("toast-success")).toBeNull(); // dismissed
  });
});
