// The account journey, with and without JavaScript: register, confirm the address through the
// outbox, log in, turn on two-step verification, log out, log in with a TOTP code, then with a
// recovery code, reset the password through the outbox, and find the old session gone.
import { expect, test } from "@playwright/test";
import { PASSWORD, logIn, mailedLink, register, totp, uniqueEmail } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });

test("register, verify, 2FA, recovery code, reset: the whole journey", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("ayu", testInfo.project.name);

  await register(page, email);
  await expect(page.getByRole("status")).toContainText("Check your inbox");

  // Confirm the address with the mailed link (a button: opening a link changes nothing).
  const verify = await mailedLink(page, email, "Confirm your email address for Soco");
  expect(verify).toContain("/verify-email?token=");
  await page.goto(verify);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed");

  await logIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByText("Please confirm your email address")).toHaveCount(0);

  // Turn on two-step verification.
  // Turning it on asks for the password first.
  await page.goto("/account/security");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.locator("#password-error")).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("img", { name: "Two-step verification" })).toBeVisible();
  const secret = (await page.locator("code.secret").textContent())!.replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel("Code").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page).toHaveURL(/\/account\/recovery-codes/);
  const codes = await page.locator("ol.recovery-codes code").allTextContents();
  expect(codes).toHaveLength(10);
  await page.getByRole("button", { name: "I have saved these codes" }).click();
  await expect(page.getByRole("status")).toContainText("Two-step verification is on");

  // Log out, then in again with a TOTP code computed here.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("status")).toContainText("You are signed out");
  await logIn(page, email);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  // Each code works once: the one that turned 2FA on is spent, so use the next step's (the
  // server accepts one step of skew).
  await page.getByLabel("Code").fill(totp(secret, Date.now() + 30_000));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  // And with a recovery code, which then counts as used.
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, email);
  await page.getByLabel("Code").fill(codes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await page.goto("/account/security");
  await expect(page.getByText("Unused recovery codes")).toContainText("9");
  await expect(page.locator("table.events")).toContainText("recovery_code_used");

  // Reset the password from another browser; the signed-in session here must end.
  const other = await browser.newContext({ javaScriptEnabled, storageState: { cookies: [], origins: [] } });
  const resetter = await other.newPage();
  await resetter.goto("/forgot-password");
  await resetter.getByLabel("Email").fill(email);
  await resetter.getByRole("button", { name: "Send link" }).click();
  await expect(resetter.getByRole("status")).toContainText("If that address has an account");
  const reset = await mailedLink(resetter, email, "Reset your Soco password");
  await resetter.goto(reset);
  const newPassword = "teh manis dingin dua gelas";
  await resetter.getByLabel("New password").fill(newPassword);
  await resetter.getByRole("button", { name: "Save password" }).click();
  await expect(resetter.getByRole("status")).toContainText("Your password is changed");
  await other.close();

  await page.goto("/account/security");
  await expect(page).toHaveURL(/\/login\?next=/);
  await logIn(page, email, PASSWORD);
  await expect(page.getByRole("alert")).toContainText("Incorrect email or password");
  await logIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/login\/two-factor/);
});

test("registration explains what is wrong next to each field", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Your name").fill("Budi");
  await page.getByLabel("Email").fill(uniqueEmail("budi", "rules"));
  await page.getByLabel("Password").fill("password1234");
  await page.getByLabel("I am 18 or older").check();
  await page.getByRole("checkbox", { name: /I accept the/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();
  const password = page.getByLabel("Password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#password-error")).toHaveText("This password is too easy to guess. Add more unrelated words.");
});

test("wrong credentials get one answer, known address or not", async ({ page }) => {
  await logIn(page, "operator@example.com", "not the password at all");
  const known = await page.getByRole("alert").textContent();
  await logIn(page, "nobody-here@example.com", "not the password at all");
  const unknown = await page.getByRole("alert").textContent();
  expect(known).toBe("Incorrect email or password.");
  expect(unknown).toBe(known);
});
