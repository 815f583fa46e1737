import { readFileSync } from "node:fs";
import { join } from "node:path";

// The colour tokens of styles.css keep WCAG AA contrast in both themes: text colours >= 4.5:1 on every surface
// they are drawn on, including a tile's flash tint, and white text on the filled buttons and badges.
const css = readFileSync(join(__dirname, "styles.css"), "utf8");

function tokens(selector: string): Record<string, string> {
  const block = css.slice(css.indexOf(`${selector} {`)).split("}")[0]!;
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const light = tokens(":root");
const THEMES = { light, dark: { ...light, ...tokens(':root[data-theme="dark"]') } };

const PAIRS: [string[], string[]][] = [
  [["text", "muted", "accent", "up", "down", "warn"], ["panel", "bg"]],
  [["text", "muted", "up", "down"], ["flash-up-bg", "flash-down-bg"]],
  [["text", "muted", "accent", "up", "down", "warn"], ["highlight-bg"]],
  [["accent-text"], ["accent-fill", "down-fill"]],
];

describe.each(Object.entries(THEMES))("the %s theme's tokens", (_, theme) => {
  const cases = PAIRS.flatMap(([fgs, bgs]) => fgs.flatMap((fg) => bgs.map((bg) => [fg, bg] as const)));
  it.each(cases)("--%s on --%s is at least 4.5:1", (fg, bg) => {
    expect(theme[fg], `--${fg}`).toMatch(/^#/);
    expect(theme[bg], `--${bg}`).toMatch(/^#/);
    expect(contrast(theme[fg]!, theme[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
});

it("measures contrast as WCAG does", () => {
  expect(contrast("#000000", "#ffffff")).toBeCloseTo(21);
  expect(contrast("#16a34a", "#ffffff")).toBeCloseTo(3.3, 1); // the old --up, which failed
});
