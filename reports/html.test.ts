import { existsSync } from "node:fs";
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toHtml } from "./html.ts";
import { sampleRun } from "./testing/fixtures.ts";
import { GOLDEN_DIR, golden, updatingGolden } from "./testing/goldenFile.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
/** Where the reviewed screenshot lives (rewritten with UPDATE_GOLDEN=1 or when absent). */
const SCREENSHOT = join(GOLDEN_DIR, "..", "report.png");

describe("toHtml", () => {
  test("matches the golden file", async () => {
    const html = toHtml(sampleRun());
    expect(html).toBe(await golden("report.html", html));
  });

  test("is self-contained: no external stylesheet, script, image or font", () => {
    const html = toHtml(sampleRun());
    expect(html).not.toMatch(/<link\b|<script\s+src|<img\b|@import|url\(/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none';`,
    );
  });

  test("escapes everything that came from a target", () => {
    const html = toHtml(sampleRun({ hostile: true }));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(html).toContain("\\u0000\\u0007\\u001B[31m");
    expect(html.match(/<script>/g)).toHaveLength(1); // the report's own
  });
});

// In CI a missing browser is a failure, not a skip (the setup installs it).
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)(
  "report.html in headless Chromium",
  () => {
    let browser: Browser;
    let url: string;
    let hostileUrl: string;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "baip-html-"));
      const file = join(dir, "report.html");
      await writeFile(file, toHtml(sampleRun()), "utf8");
      url = pathToFileURL(file).href;
      const hostile = join(dir, "hostile.html");
      await writeFile(hostile, toHtml(sampleRun({ hostile: true })), "utf8");
      hostileUrl = pathToFileURL(hostile).href;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    test("a person sees each verdict, the failure, and its counterexample when expanded", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(url);

      const verdicts = {
        "reference-flask": "CONFORMANT with 1 waiver",
        "broken-bola": "NON-CONFORMANT",
        "broken-no-boot": "INCONCLUSIVE",
      };
      for (const [target, verdict] of Object.entries(verdicts)) {
        const badge = page.locator(`section[data-target="${target}"] h2 .verdict`);
        await expect.poll(() => badge.isVisible()).toBe(true);
        expect(await badge.textContent()).toBe(verdict);
        const card = page.locator(`nav.cards a[data-target="${target}"] .verdict`);
        expect(await card.textContent()).toBe(verdict);
      }
      // Waivers and excluded identities are next to the verdict, with their reasons.
      const waivers = page.locator('section[data-target="reference-flask"] .waivers');
      expect(await waivers.textContent()).toContain(
        "AUTHN-02 (found: failed): The health check at GET /healthz",
      );
      const waivedRow = page.locator(
        'section[data-target="reference-flask"] tr[data-requirement="AUTHN-02"]',
      );
      expect(await waivedRow.getAttribute("data-outcome")).toBe("waived");
      const excluded = page.locator(
        'section[data-target="broken-bola"] [data-excluded-identities]',
      );
      expect(await excluded.textContent()).toContain("carol-x3 (user): AUTHN-01:");
      // Each finding of a requirement folds apart.
      const authz02 = page.locator(
        'section[data-target="broken-bola"] details[data-requirement="AUTHZ-02"]',
      );
      expect(await authz02.count()).toBe(2);
      expect(await authz02.nth(1).locator("summary").textContent()).toBe(
        "Failure: Finding 2 of 2 [PUT /users/{id}: answered success]: non-admin PUT on another user's record answered 2xx",
      );
      const noBoot = page.locator('section[data-target="broken-no-boot"] .alert');
      expect(await noBoot.textContent()).toContain(
        "ModuleNotFoundError: No module named 'flask_httpauth'",
      );

      const row = page.locator(
        'section[data-target="broken-bola"] tr[data-requirement="AUTHZ-01"]',
      );
      expect(await row.isVisible()).toBe(true);
      expect(await row.textContent()).toMatch(/AUTHZ-01[\s\S]*MUST[\s\S]*failed/);

      const details = page.locator(
        'section[data-target="broken-bola"] details[data-requirement="AUTHZ-01"]',
      );
      const counterexample = details.locator("pre.counterexample");
      expect(await counterexample.isVisible()).toBe(false);
      await details.locator("summary").click();
      expect(await details.getAttribute("open")).not.toBeNull();
      expect(await counterexample.isVisible()).toBe(true);
      expect(await counterexample.textContent()).toBe(
        '[{"reader":"alice-x1","victim":"bob-x2","read":"GET /users/{id}"}]',
      );
      const reproduction = await details.locator("pre.reproduction").textContent();
      expect(reproduction).toContain(
        'Replay (fast-check): { seed: 1739204611, path: "16:0:1", endOnFailure: true }',
      );
      expect(reproduction).toContain("Credentials: from users.json of the run, for alice-x1");
      expect(await details.locator(".exchange").count()).toBe(3);

      // "Expand all" opens every failure of the target, and closes them again.
      const expand = page.locator('section[data-target="broken-bola"] button[data-expand]');
      await expand.click();
      expect(
        await page
          .locator('section[data-target="broken-bola"] details.failure:not([open])')
          .count(),
      ).toBe(0);
      await expand.click();
      expect(
        await page.locator('section[data-target="broken-bola"] details.failure[open]').count(),
      ).toBe(0);

      await details.locator("summary").click();
      const shot = join(dir, "report.png");
      await page.screenshot({ path: shot, fullPage: true });
      if (updatingGolden() || !existsSync(SCREENSHOT)) await copyFile(shot, SCREENSHOT);

      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
      await page.close();
    });

    test("hostile strings show as text, and nothing they contain runs", async () => {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      await page.goto(hostileUrl);
      const hostile = page.locator('details[data-requirement="INPUT-03"]');
      await hostile.locator("summary").click();
      expect(await hostile.locator("dl.eah").textContent()).toContain("<script>alert(1)</script>");
      expect(await hostile.locator("pre.counterexample").textContent()).toContain(
        "<second line & more>",
      );
      expect(await page.locator("script").count()).toBe(1);
      expect(dialogs).toEqual([]);
      await page.close();
    });
  },
);
