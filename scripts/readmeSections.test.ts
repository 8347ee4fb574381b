import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogueSection, cliSection, sectionOf, targetsSection } from "./readmeSections.ts";

// Docs that drift from the code are a defect: regenerate with `npm run docs`.
describe("README's generated sections match the code", () => {
  const readme = readFileSync("README.md", "utf8");
  it("the requirement catalogue", () =>
    expect(sectionOf(readme, "catalogue")).toBe(catalogueSection()));
  it("the CLI reference", () => expect(sectionOf(readme, "cli")).toBe(cliSection()));
  it("targets/README.md's table of targets", async () =>
    expect(sectionOf(readFileSync("targets/README.md", "utf8"), "targets")).toBe(
      await targetsSection(),
    ));
});
