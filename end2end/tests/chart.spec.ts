// The chart plumbing, proven on the Settings page's table sizes: drawn on a canvas once
// hydrated and near the viewport, an accessible table of the same numbers without JavaScript.
import { expect, test, type Page } from "@playwright/test";

/** Scrolls the table sizes chart's figure into view (charts draw only when about to be seen). */
async function showChart(page: Page) {
  await page.locator("figure.chart", { has: page.locator("#table-sizes-chart") }).scrollIntoViewIfNeeded();
}

test("the table sizes chart draws on a canvas", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "drawing needs JavaScript; the no-js project checks the table");
  await page.goto("/settings");
  await showChart(page);
  const canvas = page.locator("#table-sizes-chart canvas");
  await expect(canvas).toBeVisible();
  const box = await canvas.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(100);
  expect(box?.height ?? 0).toBeGreaterThan(100);
  // Non-empty: some pixel has been painted.
  await expect
    .poll(() =>
      canvas.evaluate((element) => {
        const c = element as HTMLCanvasElement;
        const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted;
      }),
    )
    .toBeGreaterThan(500);
  // The data stays available to screen readers.
  await expect(page.getByRole("table", { name: "Rows per table (Data table)" })).toBeAttached();
});

test("only a page with a chart loads the charts bundle: hashed, cached for a year, brotli", async ({
  page,
  javaScriptEnabled,
}) => {
  test.skip(!javaScriptEnabled, "the bundle is loaded by the hydrated chart");
  const charts: import("@playwright/test").Response[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/pkg/charts.")) charts.push(response);
  });
  await page.goto("/account/security");
  await page.waitForLoadState("networkidle");
  expect(charts, "a page without a chart").toHaveLength(0);
  await page.goto("/settings");
  await showChart(page);
  await expect(page.locator("#table-sizes-chart canvas")).toBeVisible();
  expect(charts).toHaveLength(1);
  expect(new URL(charts[0].url()).pathname).toMatch(/^\/pkg\/charts\.[A-Za-z0-9_-]{16}\.js$/);
  const headers = await charts[0].allHeaders();
  expect(headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(headers["content-encoding"]).toBe("br");
});

test("the chart resizes with its container", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "resizing is the browser's drawing");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/settings");
  await showChart(page);
  const canvas = page.locator("#table-sizes-chart canvas");
  await expect(canvas).toBeVisible();
  const wide = (await canvas.boundingBox())?.width ?? 0;
  await page.setViewportSize({ width: 480, height: 800 });
  await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeLessThan(wide - 200);
});

test("a chart out of sight is drawn, and ECharts loaded, only when scrolled to", async ({
  page,
  javaScriptEnabled,
}) => {
  test.skip(!javaScriptEnabled, "drawing needs JavaScript");
  let chartsFetched = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/pkg/charts.")) chartsFetched++;
  });
  // A short window: the chart starts well over half a screen below it.
  await page.setViewportSize({ width: 480, height: 240 });
  await page.goto("/settings");
  const figure = page.locator("figure.chart", { has: page.locator("#table-sizes-chart") });
  const top = await figure.evaluate((element) => element.getBoundingClientRect().top);
  expect(top, "the chart must start out of sight for this test").toBeGreaterThan(240 * 1.5 + 50);
  // Hydrated: the Settings page group's module loaded (the page's effects run as it hydrates), the
  // service worker registered, the network quiet, and a few frames on, so the chart has long
  // been told where it is.
  await expect
    .poll(() =>
      page.evaluate(() =>
        performance.getEntriesByType("resource").some((entry) => /\/split_privacy_page_/.test(entry.name)),
      ),
    )
    .toBe(true);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
  });
  await page.waitForLoadState("networkidle");
  expect(chartsFetched, "no chart in sight, no ECharts").toBe(0);
  await expect(page.locator("#table-sizes-chart canvas")).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Rows per table (Data table)" })).toBeVisible();
  await figure.scrollIntoViewIfNeeded();
  await expect(page.locator("#table-sizes-chart canvas")).toBeVisible();
  expect(chartsFetched).toBe(1);
});

test("the chart's data shows as a table without JavaScript", async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, "with JavaScript the table is visually replaced by the canvas");
  await page.goto("/settings");
  const table = page.getByRole("table", { name: "Rows per table (Data table)" });
  await expect(table).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Rows" })).toBeVisible();
  // Real numbers from the server: the migrations table holds one row per applied migration.
  const migrations = table.getByRole("row", { name: /seaql_migrations/ });
  await expect(migrations.getByRole("cell")).toHaveText(/^[1-9][0-9,]*$/);
  await expect(table.getByRole("rowheader", { name: "users" })).toBeVisible();
  await expect(page.locator("#table-sizes-chart")).toBeHidden();
});

test("settings shows the database and its schema", async ({ page }) => {
  await page.goto("/settings");
  await expect(page.getByText("SQLite")).toBeVisible();
  await expect(page.getByText("Up to date")).toBeVisible();
});
