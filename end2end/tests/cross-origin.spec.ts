// The TikTok journey as production runs it: Soco in production mode (its real CSP, no built-in
// sandbox, mail in its outbox folder) on one origin, TikTok (the sandbox as its own server) on
// another. The Connect form's 303 to TikTok's consent page and the consent page's redirect back
// cross origins, which a page CSP of `form-action 'self'` blocks. TikTok's clock and faults are
// driven through its control API: its clock moves three hours ahead of Soco's, so TikTok refuses
// a token Soco still thinks fresh, and a failing revoke is reported as such.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type APIRequestContext, type Route } from "@playwright/test";
import { productionData, productionURL, sandboxURL } from "../playwright.config";
import { logIn, register, uniqueEmail } from "./helpers";

/**
 * The first link of the newest message in Soco's outbox folder to `email` with `subject`. Sign-ups
 * and reset requests mail after they answer, so look again until the message is there.
 */
async function outboxLink(email: string, subject: string): Promise<string> {
  const folder = join(productionData, "outbox");
  let link = "";
  await expect(() => {
    const messages = readdirSync(folder)
      .filter((name) => name.endsWith(".json"))
      .sort()
      .reverse()
      .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as { to: string; subject: string; text: string });
    const message = messages.find((m) => m.to === email && m.subject === subject);
    expect(message, `a message "${subject}" to ${email}`).toBeTruthy();
    const found = message!.text.match(/https?:\/\/\S+/);
    expect(found).toBeTruthy();
    link = found![0];
  }).toPass({ timeout: 15_000 });
  return link;
}

async function control(request: APIRequestContext, method: "GET" | "POST" | "DELETE", path: string, data?: object) {
  const reply = await request.fetch(`${sandboxURL}/control${path}`, { method, data: data ?? {} });
  expect(reply.ok(), `${method} ${path}: ${reply.status()}`).toBeTruthy();
  return reply.json();
}

test("connect and disconnect against TikTok on its own origin", async ({ page, request, javaScriptEnabled }, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("wulan", testInfo.project.name);
  await register(page, email, "Wulan Sari");
  const verify = await outboxLink(email, "Confirm your email address for Soco");
  expect(verify.startsWith(productionURL)).toBeTruthy();
  await logIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await page.goto(verify);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Your email address is confirmed")).toBeVisible();

  // The control: under the policy Soco used to send (`form-action 'self'`), the browser refuses
  // to follow Connect's redirect to TikTok, which is what this test catches if it comes back.
  // Without JavaScript only: with it, the service worker fetches pages, and page.route cannot
  // see (or rewrite) what a service worker fetches. Connect is the same plain form either way.
  if (!javaScriptEnabled) {
    const accounts = `${productionURL}/accounts`;
    const oldPolicy = async (route: Route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      headers["content-security-policy"] = headers["content-security-policy"].replace(/form-action [^;]*/, "form-action 'self'");
      await route.fulfill({ response, headers });
    };
    await page.route(accounts, oldPolicy);
    await page.goto("/accounts");
    await page.getByRole("button", { name: "Connect a TikTok account" }).click();
    await page.waitForTimeout(2_000);
    expect(page.url(), "the old policy blocks the redirect to TikTok").not.toContain(sandboxURL);
    await page.unroute(accounts, oldPolicy);
  }

  // The form posts to Soco, which answers 303 to TikTok's origin: the browser must follow it.
  await page.goto("/accounts");
  await page.getByRole("button", { name: "Connect a TikTok account" }).click();
  await expect(page).toHaveURL(new RegExp(`^${sandboxURL}/tiktok/`));
  await expect(page.getByRole("heading", { name: "Authorize access to your TikTok account" })).toBeVisible();
  const choice = page.getByRole("radio").nth(javaScriptEnabled ? 0 : 2);
  const label = (await choice.locator("xpath=ancestor::label").textContent())!.trim();
  const displayName = label.replace(/\s*\(@.*$/, "");
  const openId = (await choice.getAttribute("value"))!;
  await choice.check();
  await page.getByRole("button", { name: "Authorize" }).click();
  await expect(page).toHaveURL(new RegExp(`^${productionURL}/accounts\\?connected=`));
  const item = page.locator(".account-item").filter({ hasText: displayName });
  await expect(item).toContainText("Connected");
  await expect(async () => {
    await page.reload();
    await expect(item.locator(".as-of")).toContainText(/as of \d{4}-\d\d-\d\d \d\d:\d\d/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // TikTok's clock runs three hours ahead: the access token Soco holds has ended there, though
  // Soco's own clock says it is fresh. Disconnect must refresh, revoke, and say it was revoked.
  await control(request, "POST", "/time/advance", { seconds: 3 * 3600 });
  await item.getByRole("button", { name: "Disconnect" }).click();
  await expect(page).toHaveURL(/\/accounts\?disconnected=1&revoked=confirmed/);
  await expect(page.getByRole("status")).toContainText("Soco revoked its access at TikTok");
  const grants = (await control(request, "GET", "/state")).grants as { open_id: string }[];
  expect(grants.filter((g) => g.open_id === openId)).toHaveLength(0);

  // Connected again, then TikTok's revoke endpoint fails: the user is told it was not confirmed,
  // and where to remove Soco at TikTok.
  await page.locator(".account-item").filter({ hasText: displayName }).getByRole("button", { name: "Reconnect" }).click();
  await expect(page).toHaveURL(new RegExp(`^${sandboxURL}/tiktok/`));
  await page.getByRole("radio").nth(javaScriptEnabled ? 0 : 2).check();
  await page.getByRole("button", { name: "Authorize" }).click();
  await expect(page).toHaveURL(new RegExp(`^${productionURL}/accounts\\?connected=`));
  const grantsOf = async () =>
    ((await control(request, "GET", "/state")).grants as { open_id: string }[]).filter((g) => g.open_id === openId).length;
  const before = await grantsOf();
  expect(before).toBeGreaterThanOrEqual(1);
  const fault = await control(request, "POST", "/faults", { endpoint: "oauth.revoke", kind: "server_error", status: 503 });
  try {
    await page.locator(".account-item").filter({ hasText: displayName }).getByRole("button", { name: "Disconnect" }).click();
    await expect(page).toHaveURL(/\/accounts\?disconnected=1&revoked=unconfirmed/);
    await expect(page.getByRole("status")).toContainText("TikTok did not confirm");
    await expect(page.getByRole("status").locator('a[href*="support.tiktok.com"]')).toBeVisible();
  } finally {
    await control(request, "DELETE", `/faults/${fault.id}`);
  }
  expect(await grantsOf(), "the grant really is still alive at TikTok").toBe(before);
});
