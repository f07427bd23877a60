// Installability and offline: a valid manifest with real icons, a service worker that the
// hydrated client registers, and the offline page when the network is gone.
import { expect, test } from "@playwright/test";

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test("the web manifest is valid and its icons exist", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const response = await request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/manifest+json");
  const manifest = await response.json();
  expect(manifest).toMatchObject({
    name: "Soco",
    short_name: "Soco",
    start_url: "/",
    display: "standalone",
    theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
  });
  const pngs = manifest.icons.filter((icon: { type: string }) => icon.type === "image/png");
  for (const size of [192, 512]) {
    expect(pngs.some((icon: { sizes: string; purpose: string }) => icon.sizes === `${size}x${size}` && icon.purpose === "any")).toBe(true);
  }
  expect(pngs.some((icon: { purpose: string }) => icon.purpose.includes("maskable"))).toBe(true);
  for (const icon of pngs) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    const [width, height] = icon.sizes.split("x").map(Number);
    expect(pngSize(await image.body())).toEqual({ width, height });
  }
});

test("the service worker registers and precaches the build", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the hydrated client registers the service worker");
  await page.goto("/");
  const scriptURL = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
  expect(scriptURL).toMatch(/\/sw\.js$/);
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith("soco-"))!);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  expect(cached).toContain("/offline");
  expect(cached.some((path) => /^\/pkg\/soco\..+\.wasm$/.test(path))).toBe(true);
  // The lazy routes' loader and every page group's modules: after one visit, every page works offline.
  expect(cached.some((path) => /^\/pkg\/__wasm_split\..+\.js$/.test(path))).toBe(true);
  for (const group of ["public_page", "home_page", "analytics_page", "settings_page", "privacy_page"]) {
    expect(cached.some((path) => new RegExp(`^/pkg/split_${group}_\\d+\\..+\\.wasm$`).test(path)), group).toBe(true);
  }
  // The charts bundle is fetched by pages with a chart, not by every visitor.
  expect(cached.some((path) => path.startsWith("/pkg/charts."))).toBe(false);
  // Pages and data are never cached.
  expect(cached).not.toContain("/");
  expect(cached).not.toContain("/settings");
});

test("the offline page shows when the network is gone", async ({ page, context, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "offline support comes from the service worker");
  await page.goto("/");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first page load is not controlled yet; a reload is.
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
  }
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  await page.goto("/accounts");
  await expect(page.getByRole("heading", { level: 1, name: "You are offline" })).toBeVisible();
  await context.setOffline(false);
  await page.getByRole("link", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
});
