import type { ChartMarker } from "./CandleChart";
import { markersAtZoom, zoomLevel } from "./markers";

const markers: ChartMarker[] = [
  { time: 1, position: "belowBar", shape: "arrowUp", color: "green", text: "Hammer" },
  { time: 2, position: "aboveBar", shape: "circle", color: "amber", text: "Doji", size: 0.5, detail: true },
  { time: 3, position: "atPriceTop", shape: "circle", color: "violet", text: "B1", price: 99, textAt: "any" },
  { time: 4, position: "aboveBar", shape: "arrowDown", color: "red", text: "Double top", textAt: "detail" },
];

describe("markersAtZoom", () => {
  it("zoomed in: every marker with its text", () => {
    expect(markersAtZoom(markers, zoomLevel(60))).toEqual([
      { time: 1, position: "belowBar", shape: "arrowUp", color: "green", text: "Hammer" },
      { time: 2, position: "aboveBar", shape: "circle", color: "amber", text: "Doji", size: 0.5 },
      { time: 3, position: "atPriceTop", shape: "circle", color: "violet", text: "B1", price: 99 },
      { time: 4, position: "aboveBar", shape: "arrowDown", color: "red", text: "Double top" },
    ]);
  });
  it("half way: the detail markers, and only the texts to keep", () => {
    expect(markersAtZoom(markers, zoomLevel(10)).map((m) => [m.time, m.text])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, "B1"],
      [4, "Double top"],
    ]);
  });
  it("zoomed out: no detail markers, and only the texts to keep", () => {
    expect(markersAtZoom(markers, zoomLevel(2))).toEqual([
      { time: 1, position: "belowBar", shape: "arrowUp", color: "green" },
      { time: 3, position: "atPriceTop", shape: "circle", color: "violet", text: "B1", price: 99 },
      { time: 4, position: "aboveBar", shape: "arrowDown", color: "red" },
    ]);
  });
});
