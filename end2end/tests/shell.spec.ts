// The application shell: pages render on the server, navigation works with and without
// JavaScript, unknown addresses answer 404, and the language follows the browser.
import { expect, test } from "@playwright/test";

const sections = [
  { name: "Accounts", path: "/accounts" },
  { name: "Shop", path: "/shop" },
  { name: "Schedule", path: "/schedule" },
  { name: "Privacy", path: "/privacy" },
  { name: "Settings", path: "/settings" },
  { name: "Dashboard", path: "/" },
];

test("the shell renders on the server", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page).toHaveTitle("Dashboard · Soco");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const { name } of sections) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");
});

test("navigation reaches every section", async ({ page, javaScriptEnabled }) => {
  await page.goto("/");
  // A marker on window survives client-side navigation only: with JavaScript on, the
  // hydrated router must take over; with it off, every click is a full page load.
  await page.evaluate(() => ((window as unknown as { socoMarker: number }).socoMarker = 1)).catch(() => {});
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const { name, path } of sections) {
    await nav.getByRole("link", { name }).click();
    await expect(page).toHaveURL(path);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(nav.getByRole("link", { name })).toHaveAttribute("aria-current", "page");
  }
  if (javaScriptEnabled) {
    expect(await page.evaluate(() => (window as unknown as { socoMarker?: number }).socoMarker)).toBe(1);
  }
});

test("the skip link moves focus to the content", async ({ page }) => {
  await page.goto("/shop");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

test("an unknown address answers 404 with a helpful page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
});

test("Indonesian browsers get Bahasa Indonesia", async ({ browser, javaScriptEnabled }) => {
  const context = await browser.newContext({ locale: "id-ID", javaScriptEnabled, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  await expect(page.getByRole("heading", { level: 1, name: "Masuk ke Soco" })).toBeVisible();
  await page.getByRole("link", { name: "Buat akun" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Buat akun Soco Anda" })).toBeVisible();
  await expect(page.getByLabel("Saya berusia 18 tahun atau lebih")).toBeVisible();
  await context.close();
});

test("signed-out visitors are asked to log in first", async ({ browser, javaScriptEnabled }) => {
  const context = await browser.newContext({ javaScriptEnabled, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?next=\/settings/);
  await expect(page.getByRole("heading", { level: 1, name: "Log in to Soco" })).toBeVisible();
  await context.close();
});

test("a first page loads its own page group, and navigation fetches the next", async ({ browser, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the wasm modules are the hydrated client's");
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const modules: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) modules.push(path);
  });
  await page.goto("/login");
  // The server names the page's group in the head, so the browser fetches it with the main module.
  await expect(page.locator('link[rel="preload"][href*="/pkg/split_public_page_"]')).toHaveCount(1);
  await page.waitForLoadState("networkidle");
  expect(modules.some((path) => path.includes("/split_public_page_"))).toBe(true);
  expect(modules.some((path) => path.includes("/split_analytics_page_"))).toBe(false);
  expect(modules.some((path) => path.includes("/split_settings_page_"))).toBe(false);
  // A page of the same group needs nothing more: client-side navigation shows it at once.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  const loaded = modules.length;
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
  expect(modules.length).toBe(loaded);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  await context.close();
});

test("the layout fits a 360px phone without horizontal scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/settings");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();
});

test("pages load without console errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  for (const { path } of sections) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  expect(errors).toEqual([]);
});

test("the health check reports the database", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", database: "ok" });
});
