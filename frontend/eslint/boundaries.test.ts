// @vitest-environment node
import { ESLint } from "eslint";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The real config, on real files' paths, so the rule cannot silently stop applying. */
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "..") });

async function boundaryErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "cryptomon/feature-boundaries").map((m) => m.message);
}

describe("feature boundaries", () => {
  it("rejects a feature importing another feature, by alias or by relative path", async () => {
    const code = 'import { humanize } from "@/features/analysis/readings";\nimport { parseColumn } from "../research/util";\nexport const x = [humanize, parseColumn];\n';
    const errors = await boundaryErrors(code, "src/features/settings/ProfileForm.tsx");
    expect(errors).toEqual([
      'Feature "settings" imports feature "analysis": move what both need to src/components or src/lib',
      'Feature "settings" imports feature "research": move what both need to src/components or src/lib',
    ]);
  }, 60_000);

  it("rejects shared code importing a feature, and a feature importing the app shell", async () => {
    expect(await boundaryErrors('export { humanize } from "@/features/analysis/readings";\n', "src/lib/format.ts")).toHaveLength(1);
    expect(await boundaryErrors('import App from "@/app/App";\nexport { App };\n', "src/features/alerts/rule.ts")).toHaveLength(1);
  }, 60_000);

  it("accepts a feature's own modules and the shared folders", async () => {
    const code = 'import { fieldError } from "@/api/errors";\nimport { Card } from "@/components/ui";\nimport { shortUtc } from "@/lib/dates";\nimport { describeRule } from "./rule";\nexport const x = [fieldError, Card, shortUtc, describeRule];\n';
    expect(await boundaryErrors(code, "src/features/alerts/AlertList.tsx")).toEqual([]);
  }, 60_000);
});
