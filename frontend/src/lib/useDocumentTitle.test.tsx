import { fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useNavigate } from "react-router-dom";
import { Page } from "@/components/ui";
import { documentTitle, useDocumentTitle } from "./useDocumentTitle";

function Titled({ parts }: { parts: (string | undefined)[] }) {
  useDocumentTitle(...parts);
  return null;
}

describe("useDocumentTitle", () => {
  it("names the screen first and the app last, skipping empty parts", () => {
    expect(documentTitle("Markets")).toBe("Markets · Cryptomon");
    expect(documentTitle("New alert", "Alerts")).toBe("New alert · Alerts · Cryptomon");
    expect(documentTitle(undefined, "Alerts")).toBe("Alerts · Cryptomon");
  });

  it("sets document.title and follows changes", () => {
    const { rerender } = render(<Titled parts={["Markets"]} />);
    expect(document.title).toBe("Markets · Cryptomon");
    rerender(<Titled parts={["History", "Alerts"]} />);
    expect(document.title).toBe("History · Alerts · Cryptomon");
  });
});

function GoTo({ to }: { to: string }) {
  const navigate = useNavigate();
  return (
    <button type="button" onClick={() => void navigate(to)}>
      go
    </button>
  );
}

const First = () => (
  <Page title="First">
    <GoTo to="/second" />
  </Page>
);
const Second = () => <Page title="Second">x</Page>;

describe("Page", () => {
  it("titles the document by its view and title", () => {
    render(
      <MemoryRouter>
        <Page title="Alerts" view="Inbox">
          <p>content</p>
        </Page>
      </MemoryRouter>,
    );
    expect(document.title).toBe("Inbox · Alerts · Cryptomon");
    expect(screen.getByRole("region", { name: "Alerts" })).toBeInTheDocument();
  });

  it("focuses its heading when reached by an action in the app, not on the first load", () => {
    render(
      <MemoryRouter initialEntries={["/first"]}>
        <Routes>
          <Route path="/first" element={<First />} />
          <Route path="/second" element={<Second />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(document.activeElement).toBe(document.body); // a first load leaves focus to the browser
    fireEvent.click(screen.getByRole("button", { name: "go" }));
    expect(document.activeElement).toBe(screen.getByRole("heading", { level: 1, name: "Second" }));
    expect(document.title).toBe("Second · Cryptomon");
  });
});
