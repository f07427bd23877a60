// Soco's end-to-end suite: every journey runs twice, hydrated and with JavaScript disabled,
// in Debian's Chromium against the release site, served by the test build's server (started here
// on a throwaway database).
//
// The cross-origin projects run the TikTok journey as production does: Soco in production mode
// (its real CSP, no built-in sandbox, no outbox page) on one origin, and the TikTok sandbox as its
// own server (`server sandbox --addr`) on another, driven through its control API.
import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const port = Number(process.env.SOCO_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const repo = resolve(__dirname, "..");
const server = process.env.SOCO_E2E_SERVER ?? resolve(process.env.HOME ?? "", ".cache/soco-target/debug/server");
const dataDir = mkdtempSync(join(tmpdir(), "soco-e2e-"));
const productionPort = Number(process.env.SOCO_E2E_PRODUCTION_PORT ?? 3200);
export const productionURL = `http://127.0.0.1:${productionPort}`;
const sandboxPort = Number(process.env.SOCO_E2E_SANDBOX_PORT ?? 4100);
export const sandboxURL = `http://127.0.0.1:${sandboxPort}`;
// Set once by the runner; the test workers inherit it, so they read the same folder's outbox.
process.env.SOCO_E2E_PRODUCTION_DATA ??= mkdtempSync(join(tmpdir(), "soco-e2e-production-"));
export const productionData = process.env.SOCO_E2E_PRODUCTION_DATA;
export const operatorState = join(__dirname, "test-results", ".auth", "operator.json");

const chromium = {
  ...devices["Desktop Chrome"],
  locale: "en-US",
  launchOptions: {
    executablePath: process.env.SOCO_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    // Registers the operator (the first account) once and keeps its session for the others.
    { name: "setup", testMatch: /.*\.setup\.ts/, use: { ...chromium } },
    {
      name: "hydrated",
      dependencies: ["setup"],
      testIgnore: /cross-origin\.spec\.ts/,
      use: { ...chromium, javaScriptEnabled: true, storageState: operatorState },
    },
    {
      name: "no-js",
      dependencies: ["setup"],
      testIgnore: /cross-origin\.spec\.ts/,
      use: { ...chromium, javaScriptEnabled: false, storageState: operatorState },
    },
    {
      name: "cross-origin",
      testMatch: /cross-origin\.spec\.ts/,
      use: { ...chromium, baseURL: productionURL, javaScriptEnabled: true },
    },
    {
      name: "cross-origin-no-js",
      testMatch: /cross-origin\.spec\.ts/,
      use: { ...chromium, baseURL: productionURL, javaScriptEnabled: false },
    },
  ],
  webServer: [{
    command: `${server} serve`,
    cwd: repo,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      SOCO_ADDR: `127.0.0.1:${port}`,
      SOCO_PUBLIC_URL: baseURL,
      // The suite signs in many times from one address; the limits themselves are tested in Rust.
      SOCO_AUTH_BURST: "1000",
      SOCO_AUTH_PER_MINUTE: "1000",
      SOCO_DATA_DIR: dataDir,
      // The journeys follow emailed links from the Outbox page (an opt-in for loopback sandboxes).
      SOCO_OUTBOX_PAGE: "on",
      SOCO_LOG: "warn",
      LEPTOS_SITE_ROOT: process.env.SOCO_E2E_SITE ?? join(repo, "target/site"),
    },
  }, {
    // The TikTok sandbox alone, on its own origin; it sends the user back to the Soco below.
    command: `${server} sandbox --addr 127.0.0.1:${sandboxPort}`,
    cwd: repo,
    url: `${sandboxURL}/control/state`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { SOCO_PUBLIC_URL: productionURL, SOCO_LOG: "warn" },
  }, {
    // Soco as deployed: production mode, every TikTok URL on the sandbox's origin.
    command: `${server} serve`,
    cwd: repo,
    url: `${productionURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      SOCO_ADDR: `127.0.0.1:${productionPort}`,
      SOCO_PUBLIC_URL: productionURL,
      SOCO_TIKTOK_MODE: "production",
      SOCO_TIKTOK_CLIENT_KEY: "sbx_client_key",
      SOCO_TIKTOK_CLIENT_SECRET: "sbx_client_secret",
      SOCO_TIKTOK_LOGIN_URL: `${sandboxURL}/tiktok`,
      SOCO_TIKTOK_OPEN_API_URL: `${sandboxURL}/open-api`,
      SOCO_TIKTOK_SHOP_API_URL: `${sandboxURL}/shop-api`,
      SOCO_TIKTOK_SHOP_AUTH_URL: `${sandboxURL}/shop-auth`,
      SOCO_TIKTOK_SHOP_SERVICES_URL: `${sandboxURL}/shop-services`,
      SOCO_AUTH_BURST: "1000",
      SOCO_AUTH_PER_MINUTE: "1000",
      SOCO_WORKER_POLL_MS: "200",
      SOCO_DATA_DIR: productionData,
      SOCO_LOG: "warn",
      LEPTOS_SITE_ROOT: process.env.SOCO_E2E_SITE ?? join(repo, "target/site"),
    },
  }],
});
