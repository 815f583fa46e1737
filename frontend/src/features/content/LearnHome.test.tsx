import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { mockApi, renderWithProviders } from "@/test/utils";
import { card, path, suggestion } from "./fixtures";
import LearnPage from "./LearnPage";

const me = { id: 7, email: "a@example.com", displayName: null, role: "user", createdAt: "2026-01-01T00:00:00Z", preferences: { timezone: "UTC", watchlist: [], learningLevel: "INTERMEDIATE" } };

describe("Learn", () => {
  it("shows suggestions with reasons, paths with progress and their next lesson, and filters the lessons", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me },
      "GET /api/content/suggestions": { body: { suggestions: [suggestion()] } },
      "GET /api/content/paths": { body: { paths: [path()], count: 1 } },
      "GET /api/content/lessons": ({ search }) => ({
        body: search.get("level") === "ADVANCED" ? { lessons: [], count: 0 } : { lessons: [card(101, { status: "COMPLETED", quizBest: 0.75 }), card(102)], count: 2 },
      }),
    });
    renderWithProviders(<LearnPage />, { path: "/learn", route: "/learn/*" });
    const suggested = await screen.findByTestId("suggestion-202");
    expect(suggested).toHaveTextContent("Why: You have MACD alerts");
    expect(screen.getByText(/Your level: Intermediate/)).toBeInTheDocument();

    const learningPath = await screen.findByTestId("path-indicators");
    expect(within(learningPath).getByRole("progressbar", { name: "Progress in Reading indicators" })).toHaveAttribute("value", "33");
    expect(learningPath).toHaveTextContent("1 of 3 lessons · 33%");
    expect(within(learningPath).getByTestId("path-continue")).toHaveTextContent("Continue: MACD without the mystery");
    expect(within(learningPath).getByTestId("path-continue")).toHaveAttribute("href", "/learn/lessons/202");

    const first = await screen.findByTestId("lesson-101");
    expect(first).toHaveTextContent("Completed");
    expect(first).toHaveTextContent("Quiz best 75%");
    expect(screen.getByTestId("lesson-102")).toHaveTextContent("Not started");

    fireEvent.change(screen.getByLabelText("Level"), { target: { value: "ADVANCED" } });
    expect(await screen.findByText("No lessons match")).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => c.route === "GET /api/content/lessons").at(-1)?.search.get("level")).toBe("ADVANCED"));
  });
});
