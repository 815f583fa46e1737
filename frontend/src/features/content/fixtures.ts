/** The content screens' test data, in the API's shapes. */
import type { Digest, LearningPath, Lesson, LessonCard, NewsItem, NewsPage, QuizResult, Suggestion } from "./api";

export const story = (id: number, patch: Partial<NewsItem> = {}): NewsItem => ({
  id,
  title: `Ethereum upgrade progress ${id}`,
  source: "CoinDesk",
  relevanceScore: 0.92,
  url: `https://www.coindesk.com/story-${id}`,
  summary: "Developers set a date for the next upgrade.",
  publishedAt: "2026-11-23T09:30:00Z",
  symbols: ["ETH-USD"],
  sentiment: 0.4,
  sentimentLabel: "BULLISH",
  provider: "rss",
  snapshot: false,
  fetchedAt: "2026-11-23T10:00:00Z",
  ...patch,
});

export const newsPage = (items: NewsItem[], patch: Partial<NewsPage> = {}): NewsPage => ({
  items,
  count: items.length,
  asOf: "2026-11-23T10:00:00Z",
  snapshot: false,
  ...patch,
});

export const digest: Digest = {
  userId: 7,
  date: "2026-11-24",
  marketOverview: {
    summary: "Bitcoin rose 3.2% to $51,200 while most of the market fell; sentiment is cautious.",
    sentiment: "BULLISH",
    topMovers: [
      { symbol: "SOL-USD", change24h: -0.081, price: 142.5, mine: false },
      { symbol: "BTC-USD", change24h: 0.032, price: 51200, mine: true },
    ],
    breadth: { advancers: 3, decliners: 5, unchanged: 1, marketChange: 0.012 },
    fearGreed: {
      value: 64,
      classification: "Greed",
      change: -4,
      day: "2026-11-24",
      source: "Alternative.me",
      asOf: "2026-11-24T00:00:00Z",
      snapshot: true,
    },
    sources: ["Prices: Cryptomon candles as of 2026-11-24 06:00 UTC", "Fear & Greed: Alternative.me snapshot of 2026-11-24"],
  },
  educationalContent: [
    { id: 201, title: "RSI on your own charts", type: "TUTORIAL", difficulty: "INTERMEDIATE", url: "/learn/lessons/201", reason: "You have RSI alerts" },
  ],
  personalizedNews: [
    {
      id: 11,
      title: "Bitcoin ETF flows hit a record",
      source: "CoinDesk",
      relevanceScore: 0.87,
      url: "https://www.coindesk.com/etf",
      publishedAt: "2026-11-24T05:00:00Z",
      symbols: ["BTC-USD"],
    },
  ],
  alertsTriggered: 2,
  portfolios: [{ portfolioId: 3, name: "Savings", value: 12500.5, dayChange: 0.021, currency: "USD" }],
  generatedAt: "2026-11-24T06:00:00Z",
  sentAt: null,
};

export const card = (id: number, patch: Partial<LessonCard> = {}): LessonCard => ({
  id,
  slug: `lesson-${id}`,
  title: `Lesson ${id}`,
  type: "ARTICLE",
  difficulty: "BEGINNER",
  url: `/learn/lessons/${id}`,
  summary: "What a candle says.",
  minutes: 5,
  topics: ["candles"],
  status: "NOT_STARTED",
  quizBest: null,
  ...patch,
});

export const lesson = (patch: Partial<Lesson> = {}): Lesson => ({
  ...card(201, { title: "RSI on your own charts", type: "TUTORIAL", difficulty: "INTERMEDIATE", minutes: 8 }),
  html: "<h2>What RSI measures</h2><p>RSI compares gains with losses. See <a href=\"/research/indicators\">the indicator builder</a>.</p><table><thead><tr><th>RSI</th><th>Signal</th></tr></thead><tbody><tr><td>71</td><td>OVERBOUGHT</td></tr></tbody></table>",
  tryIt: [
    {
      label: "Alert me when BTC-USD's RSI(14) on 1h crosses up through 70",
      path: "/alerts/new?symbol=BTC-USD&condition=CROSSING_UP&operand=INDICATOR&indicator=RSI&p.period=14&threshold=70&timeframe=1h",
    },
  ],
  quiz: [
    { question: "Which RSI(14) value is OVERBOUGHT?", options: ["30", "50", "70", "71"] },
    { question: "RSI ranges from", options: ["0 to 100", "-1 to 1"] },
  ],
  example: {
    kind: "rsi",
    title: "RSI(14) on 1d",
    subject: "BTC-USD",
    values: [
      { label: "RSI(14)", value: 58.23, unit: null, hint: "Between 30 and 70: NEUTRAL" },
      { label: "Close", value: 51200, unit: "USD", hint: null },
    ],
    source: "Cryptomon 1d candles",
    asOf: "2026-11-24T00:00:00Z",
    snapshot: false,
    note: null,
  },
  paths: ["indicators"],
  previousId: 104,
  nextId: 202,
  ...patch,
});

export const quizResult = (answers: number[]): QuizResult => {
  const correct = [3, 0];
  const results = correct.map((right, i) => ({
    question: lesson().quiz[i]?.question ?? "",
    chosen: answers[i] ?? 0,
    correct: right,
    isCorrect: answers[i] === right,
    explanation: i === 0 ? "OVERBOUGHT is strictly above 70." : "RSI is a 0-100 oscillator.",
  }));
  const right = results.filter((r) => r.isCorrect).length;
  const score = right / results.length;
  return {
    lessonId: 201,
    score,
    correct: right,
    total: results.length,
    passed: score >= 0.7,
    results,
    progress: {
      lessonId: 201,
      status: score >= 0.7 ? "COMPLETED" : "STARTED",
      startedAt: "2026-11-24T06:00:00Z",
      completedAt: score >= 0.7 ? "2026-11-24T06:05:00Z" : null,
      quizAttempts: 1,
      quizScore: score,
      quizBest: score,
    },
  };
};

export const path = (patch: Partial<LearningPath> = {}): LearningPath => ({
  id: "indicators",
  title: "Reading indicators",
  description: "RSI, MACD and Bollinger Bands on your own charts.",
  difficulty: "INTERMEDIATE",
  lessons: [card(201, { title: "RSI on your own charts", status: "COMPLETED" }), card(202, { title: "MACD without the mystery" }), card(203, { title: "Bollinger Bands" })],
  completed: 1,
  total: 3,
  nextLessonId: 202,
  ...patch,
});

export const suggestion = (patch: Partial<Suggestion> = {}): Suggestion => ({
  lesson: card(202, { title: "MACD without the mystery", difficulty: "INTERMEDIATE" }),
  reason: "You have MACD alerts",
  score: 0.8,
  ...patch,
});
