import { donePercent, localDay, quizBestText, relevanceText } from "./format";

describe("the content screens' numbers", () => {
  it("takes today in the account's time zone, not the browser's", () => {
    const at = Date.parse("2026-11-24T23:30:00Z");
    expect(localDay("UTC", at)).toBe("2026-11-24");
    expect(localDay("Europe/Berlin", at)).toBe("2026-11-25");
    expect(localDay("America/New_York", at)).toBe("2026-11-24");
    expect(localDay("Not/AZone", at)).toBe("2026-11-24"); // an unknown zone: the UTC day
  });

  it("says relevance, progress, hours and quiz bests in words", () => {
    expect(relevanceText(0.923)).toBe("92%");
    expect(relevanceText(1.4)).toBe("100%");
    expect(donePercent(1, 3)).toBe(33);
    expect(donePercent(0, 0)).toBe(0);
    expect(quizBestText(0.75)).toBe("Quiz best 75%");
    expect(quizBestText(null)).toBeNull();
  });
});
