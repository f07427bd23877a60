// Registers the operator — the first account, so the admin — and saves its signed-in state.
import { expect, test as setup } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { operatorState } from "../playwright.config";
import { logIn, register } from "./helpers";

setup("register and sign in the operator", async ({ page }) => {
  await register(page, "operator@example.com", "Operator");
  await logIn(page, "operator@example.com");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  mkdirSync(dirname(operatorState), { recursive: true });
  await page.context().storageState({ path: operatorState });
});
