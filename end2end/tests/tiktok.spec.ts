// Connecting a TikTok account through the sandbox's consent page, with and without JavaScript:
// an unconfirmed address is refused, a confirmed one connects (partial grant shown honestly),
// reconnecting the same account updates it, its analytics fill in (charts, the videos table
// sorted and searched, one video's page), and disconnecting revokes and schedules deletion.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { logIn, mailedLink, register, uniqueEmail } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });

test("connect a TikTok account through the consent page, then disconnect it", async ({ page, javaScriptEnabled }, testInfo) => {
  test.setTimeout(150_000);
  const email = uniqueEmail("sari", testInfo.project.name);
  await register(page, email, "Sari Wulandari");
  await logIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  // Not confirmed yet: connecting is refused with a reason.
  await page.goto("/accounts");
  await expect(page.getByText("No TikTok account is connected yet.")).toBeVisible();
  await page.getByRole("button", { name: "Connect a TikTok account" }).click();
  await expect(page.getByRole("alert")).toContainText("Confirm your email address first");

  const verify = await mailedLink(page, email, "Confirm your email address for Soco");
  await page.goto(verify);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Your email address is confirmed")).toBeVisible();

  // The sandbox's consent page: choose a creator, untick the stats scope, authorize.
  await page.goto("/accounts");
  await page.getByRole("button", { name: "Connect a TikTok account" }).click();
  await expect(page.getByRole("heading", { name: "Authorize access to your TikTok account" })).toBeVisible();
  const creator = page.getByRole("radio").nth(1);
  const creatorLabel = (await creator.locator("xpath=ancestor::label").textContent())!.trim();
  const displayName = creatorLabel.replace(/\s*\(@.*$/, "");
  await creator.check();
  await page.getByRole("checkbox", { name: /user\.info\.stats/ }).uncheck();
  await page.getByRole("button", { name: "Authorize" }).click();

  await expect(page).toHaveURL(/\/accounts\?connected=/);
  await expect(page.getByRole("status")).toContainText("TikTok account connected.");
  const item = page.locator(".account-item").filter({ hasText: displayName });
  await expect(item).toBeVisible();
  await expect(item).toContainText("Connected");
  await expect(item).toContainText("video.list");
  await expect(item).toContainText("Follower and like counts were not shared");
  // The worker syncs it in the background: the page shows what Soco keeps, and how fresh.
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".account-item .as-of")).toContainText(/as of \d{4}-\d\d-\d\d \d\d:\d\d/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // Download the videos as CSV: the documented header (every cell quoted), then one line per video.
  const download = page.waitForEvent("download");
  await item.getByRole("link", { name: "Videos (CSV)" }).click();
  const csv = readFileSync((await (await download).path())!, "utf8");
  expect(csv.split("\n")[0]).toBe(
    "video_id,posted_at,title,description,duration_seconds,view_count,like_count,comment_count,share_count,engagement_rate,metrics_at,share_url"
      .split(",")
      .map((column) => `"${column}"`)
      .join(","),
  );
  expect(csv.trim().split("\n").length).toBeGreaterThan(1);

  // The same account again, all scopes: still one entry, now with stats.
  await page.getByRole("button", { name: "Connect a TikTok account" }).click();
  await page.getByRole("radio").nth(1).check();
  await page.getByRole("button", { name: "Authorize" }).click();
  await expect(page).toHaveURL(/\/accounts\?connected=/);
  await expect(page.locator(".account-item")).toHaveCount(1);
  await expect(page.locator(".account-item")).toContainText("user.info.stats");

  // The reconnect is read again at once: the card now shows followers, and they are compared.
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".account-item .figure").first()).toContainText(/Followers\s*[0-9]/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Followers compared" })).toBeVisible();

  // The account's analytics page: charts draw (or show their table without JavaScript).
  await page.locator(".account-item").getByRole("link", { name: "View analytics" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(displayName);
  await expect(page.getByRole("heading", { name: "Best time to post" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Hashtags" })).toBeVisible();
  if (javaScriptEnabled) {
    await page.locator("figure.chart", { has: page.locator("#followers") }).scrollIntoViewIfNeeded();
    await expect(page.locator("#followers canvas")).toBeVisible();
  } else {
    await expect(page.getByRole("table", { name: "Followers over time (Data table)" })).toBeVisible();
  }

  // The videos table: sorted by views on the server, searched, then one video opened.
  await page.getByRole("link", { name: "All videos" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Videos");
  const rows = page.locator(".videos-table tbody tr");
  await expect(rows.first()).toBeVisible();
  await page.getByRole("link", { name: "Views", exact: true }).click();
  await expect(page).toHaveURL(/sort=views&dir=desc/);
  await expect(page.getByRole("columnheader", { name: /Views ↓/ })).toHaveAttribute("aria-sort", "descending");
  const views = (await page.locator(".videos-table tbody tr td:nth-of-type(2)").allTextContents()).map((t) =>
    Number(t.replace(/[^0-9]/g, "")),
  );
  expect(views.length).toBeGreaterThan(1);
  expect(views).toEqual([...views].sort((a, b) => b - a));
  const title = (await rows.first().locator("th a").textContent())!.trim();
  const word = title.split(/\s+/).find((w) => /^[\p{L}\p{N}]{3,}$/u.test(w)) ?? title;
  await page.getByRole("searchbox", { name: "Search titles and captions" }).fill(word);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(word)}`));
  await expect(rows.locator("th a").filter({ hasText: title }).first()).toBeVisible();
  await page.getByRole("searchbox", { name: "Search titles and captions" }).fill("zzzz-no-such-video");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No video matches that search.")).toBeVisible();
  await page.goBack();
  await rows.first().locator("th a").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByRole("link", { name: "Open on TikTok" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  if (javaScriptEnabled) {
    await expect(page.locator("#video-views canvas")).toBeVisible();
  } else {
    await expect(page.getByRole("table", { name: "Views over time (Data table)" })).toBeVisible();
  }
  // The dashboard shows the account at a glance.
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Your TikTok accounts" })).toBeVisible();
  await expect(page.getByRole("rowheader").filter({ hasText: displayName })).toBeVisible();
  await page.goto("/accounts");

  // Cancelling on TikTok connects nothing.
  await page.getByRole("button", { name: "Connect a TikTok account" }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("alert")).toContainText("You cancelled on TikTok");

  await page.locator(".account-item").getByRole("button", { name: "Disconnect" }).click();
  await expect(page).toHaveURL(/\/accounts\?disconnected=1/);
  await expect(page.getByRole("status")).toContainText("Soco revoked its access at TikTok");
  await expect(page.locator(".account-item")).toContainText("Disconnected");
  await expect(page.locator(".account-item")).toContainText("History deleted on");
  await expect(page.locator(".account-item").getByRole("button", { name: "Reconnect" })).toBeVisible();
});
