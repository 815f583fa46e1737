import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { ADD_CONTROL } from "@/components/AddSymbol";
import { Watchlist } from "./Watchlist";

function Harness() {
  const [symbols, setSymbols] = useState(["BTC-USD", "ETH-USD", "SOL-USD"]);
  return (
    <>
      <select id={ADD_CONTROL} aria-label="Watch" />
      <Watchlist
        symbols={symbols}
        assets={[]}
        selected={null}
        onSelect={() => {}}
        onRemove={(symbol) => setSymbols((s) => s.filter((x) => x !== symbol))}
      />
    </>
  );
}

const remove = (symbol: string) => fireEvent.click(screen.getByRole("button", { name: `Remove ${symbol} from the watchlist` }));
const tile = (symbol: string) => screen.getByRole("button", { name: new RegExp(`^${symbol}`) });

describe("Watchlist", () => {
  it("moves focus to the next tile, the previous after the last, then the add control", () => {
    render(<Harness />);
    remove("ETH-USD");
    expect(tile("SOL-USD")).toHaveFocus();
    remove("SOL-USD");
    expect(tile("BTC-USD")).toHaveFocus();
    remove("BTC-USD");
    expect(screen.getByLabelText("Watch")).toHaveFocus();
    expect(screen.getByText("Your watchlist is empty")).toBeInTheDocument();
  });
});
