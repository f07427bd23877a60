// The privacy centre, with and without JavaScript: a correction appears in the requests
// register; deleting the account ends the session, mails the date, and signing in within the
// grace period reaches only the page that offers to keep the account, which keeps it.
import { expect, test } from "@playwright/test";
import { PASSWORD, logIn, mailedLink, register, uniqueEmail } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });

test("corrections are tracked; deleting the account can be cancelled by signing in", async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("dina", testInfo.project.name);
  await register(page, email, "Dina Lestari");
  await logIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  // A correction on the Account page is a request, done at once.
  await page.goto("/account");
  await page.getByLabel("Your name").fill("Dina L.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/account\?saved=1/);
  await page.goto("/privacy");
  await expect(page.getByRole("heading", { level: 1, name: "Privacy" })).toBeVisible();
  const register_ = page.getByRole("table");
  await expect(register_.getByRole("rowheader", { name: "Correction: name" })).toBeVisible();
  await expect(register_.getByRole("cell", { name: /Completed/ })).toBeVisible();

  // Deleting needs the password; a wrong one changes nothing.
  const section = page.locator("#delete-account");
  await section.getByLabel("Your password").fill("not the password at all");
  await section.getByRole("button", { name: "Delete my account" }).click();
  await expect(section.locator("#password-error")).toBeVisible();
  await section.getByLabel("Your password").fill(PASSWORD);
  await section.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/login\?deletion_scheduled=1/);
  await expect(page.getByRole("status")).toContainText("scheduled for deletion");
  await page.goto("/privacy");
  await expect(page).toHaveURL(/\/login/);

  // The mail names the date and leads back to the login.
  const link = await mailedLink(page, email, "Your Soco account will be deleted");
  expect(link).toContain("/login");

  // Signing in within the grace period offers only to keep the account.
  await logIn(page, email);
  await expect(page).toHaveURL(/\/login\/deletion/);
  await expect(page.getByRole("heading", { level: 1, name: "Your account is scheduled for deletion" })).toBeVisible();
  await expect(page.getByText(/will be deleted on \d{4}-\d{2}-\d{2}/)).toBeVisible();
  await page.getByRole("button", { name: "Keep my account" }).click();
  await expect(page).toHaveURL(/\/privacy\?deletion_cancelled=1/);
  // (The page also shows the banner asking to confirm the address.)
  await expect(page.getByRole("status").filter({ hasText: "its deletion cancelled" })).toBeVisible();
  await expect(page.getByRole("table").getByRole("rowheader", { name: "Erasure" })).toBeVisible();
  await expect(page.getByRole("table").getByRole("cell", { name: /Cancelled/ })).toBeVisible();
});
