import { render, screen } from "@testing-library/react";
import { FormulaEditor, FormulaMarker } from "./FormulaEditor";

describe("FormulaMarker", () => {
  it("puts the caret under the reported column and marks that character", () => {
    render(<FormulaMarker formula="RSI(7) - FOO(21)" problem={{ message: "unknown function FOO at column 10", column: 10 }} />);
    const marker = screen.getByTestId("formula-marker");
    expect(marker).toHaveAttribute("data-column", "10");
    expect(marker.querySelector("mark")).toHaveTextContent("F");
    // Nine spaces, then the caret: it sits under the 10th character in a monospace block.
    expect(screen.getByTestId("formula-caret").textContent).toBe(" ".repeat(9) + "^");
    const [line] = marker.textContent.split("\n");
    expect(line).toBe("RSI(7) - FOO(21)");
    expect(line!.indexOf("FOO")).toBe(screen.getByTestId("formula-caret").textContent.indexOf("^"));
    expect(screen.getByRole("alert")).toHaveTextContent("unknown function FOO at column 10 (line 1, column 10)");
  });

  it("shows only the erroneous line of a multi-line formula, with the column inside it", () => {
    const formula = "RSI(14) -\n  RSI(28) +";
    render(<FormulaMarker formula={formula} problem={{ message: "unexpected end of formula at column 22", column: 22 }} />);
    const marker = screen.getByTestId("formula-marker");
    // Past the end, the marked cell is a space after the text.
    expect(marker.textContent.split("\n")[0]).toBe("  RSI(28) + ");
    expect(screen.getByTestId("formula-caret").textContent).toBe(" ".repeat(11) + "^");
    expect(screen.getByRole("alert")).toHaveTextContent("(line 2, column 12)");
  });

  it("shows a message without a column as text only", () => {
    render(<FormulaMarker formula="x" problem={{ message: "Write a formula", column: null }} />);
    expect(screen.queryByTestId("formula-marker")).not.toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Write a formula");
  });
});

it("ties the label to the textarea and the error to it", () => {
  render(<FormulaEditor value="FOO" onChange={() => {}} problem={{ message: "unknown function FOO at column 1", column: 1 }} state="error" />);
  const box = screen.getByLabelText("Formula");
  expect(box).toHaveAttribute("aria-invalid", "true");
  expect(box).toHaveAccessibleDescription(/unknown function FOO at column 1/);
});
