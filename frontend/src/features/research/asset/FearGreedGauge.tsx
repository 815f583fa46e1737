/** The Fear & Greed index as a semicircle gauge: five bands, a needle at the value, and the value and its
 * classification as text (the drawing repeats them for the eye; its label says them to a screen reader). */

const BANDS = [
  { from: 0, to: 25, name: "Extreme fear", color: "#c81e1e" },
  { from: 25, to: 45, name: "Fear", color: "#ea580c" },
  { from: 45, to: 55, name: "Neutral", color: "#a16207" },
  { from: 55, to: 75, name: "Greed", color: "#65a30d" },
  { from: 75, to: 100, name: "Extreme greed", color: "#137333" },
];
const CX = 100;
const CY = 100;
const R = 80;

/** The point at `value` (0 left, 100 right) on a circle of radius `r` around the gauge's centre. */
export function gaugePoint(value: number, r = R): [number, number] {
  const angle = Math.PI * (1 - Math.min(100, Math.max(0, value)) / 100);
  return [+(CX + r * Math.cos(angle)).toFixed(2), +(CY - r * Math.sin(angle)).toFixed(2)];
}

export function FearGreedGauge({ value, classification }: { value: number; classification: string | null | undefined }) {
  const [nx, ny] = gaugePoint(value, R - 16);
  const label = `Fear & Greed index: ${value} of 100${classification ? `, ${classification}` : ""}`;
  return (
    <figure className="gauge" data-testid="fear-greed-gauge">
      <svg viewBox="0 0 200 112" role="img" aria-label={label} width="200" height="112">
        {BANDS.map((b) => {
          const [x1, y1] = gaugePoint(b.from);
          const [x2, y2] = gaugePoint(b.to);
          return <path key={b.name} d={`M ${x1} ${y1} A ${R} ${R} 0 0 1 ${x2} ${y2}`} stroke={b.color} strokeWidth="18" fill="none" />;
        })}
        <line x1={CX} y1={CY} x2={nx} y2={ny} stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
        <circle cx={CX} cy={CY} r="6" fill="currentColor" />
      </svg>
      <figcaption>
        <span className="gauge-value" data-testid="fear-greed-value">
          {value}
        </span>
        <span className="gauge-class" data-testid="fear-greed-class">
          {classification ?? "Unclassified"}
        </span>
      </figcaption>
    </figure>
  );
}
