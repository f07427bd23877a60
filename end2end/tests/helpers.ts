// Shared steps for the journeys: TOTP codes, registering, logging in, following mailed links.
import { expect, type Page } from "@playwright/test";
import { createHmac } from "node:crypto";

export const PASSWORD = "kopi susu gula aren tiga";

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for a base32 secret, computed here, not by Soco. */
export function totp(base32: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of base32.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/** A fresh address for this test and project. */
export function uniqueEmail(prefix: string, project: string): string {
  return `${prefix}-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function register(page: Page, email: string, name = "Ayu Lestari"): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("I am 18 or older").check();
  await page.getByRole("checkbox", { name: /I accept the/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?registered=1/);
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Opens the newest outbox message to `email` whose subject matches, and returns its first link. */
export async function mailedLink(page: Page, email: string, subject: string | RegExp): Promise<string> {
  // Mail is sent after the answer (sign-ups and reset requests do their account work then), so
  // the message may land a moment after the page that asked for it: look again until it is there.
  const item = page.locator(".outbox li").filter({ hasText: email }).filter({ hasText: subject }).first();
  await expect(async () => {
    await page.goto("/outbox");
    await expect(item).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await item.getByRole("link").click();
  const link = page.locator(".mail-body a").first();
  await expect(link).toBeVisible();
  return (await link.getAttribute("href"))!;
}
