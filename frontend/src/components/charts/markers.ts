import type { SeriesMarker, UTCTimestamp } from "lightweight-charts";
import type { ChartMarker } from "./CandleChart";

/** Pixels per bar from which the detail markers are drawn (below, they would cover the candles). */
export const DETAIL_SPACING = 8;
/** Pixels per bar from which the markers' texts are drawn (below, neighbouring texts would overlap). */
export const TEXT_SPACING = 40;

/** What a zoom (pixels per bar) shows: the detail markers, the texts. */
export function zoomLevel(spacing: number): { detail: boolean; text: boolean } {
  return { detail: spacing >= DETAIL_SPACING, text: spacing >= TEXT_SPACING };
}

/** The markers to draw at a zoom: the detail ones only when `detail`; texts when `text`, or earlier as `textAt` says. */
export function markersAtZoom(markers: readonly ChartMarker[], zoom: { detail: boolean; text: boolean }): SeriesMarker<UTCTimestamp>[] {
  return markers
    .filter((m) => zoom.detail || !m.detail)
    .map((m) => {
      const marker = { time: m.time as UTCTimestamp, position: m.position, shape: m.shape, color: m.color } as SeriesMarker<UTCTimestamp>;
      if (m.price !== undefined) marker.price = m.price;
      if (m.size !== undefined) marker.size = m.size;
      const textShown = zoom.text || m.textAt === "any" || (m.textAt === "detail" && zoom.detail);
      if (m.text && textShown) marker.text = m.text;
      return marker;
    });
}
