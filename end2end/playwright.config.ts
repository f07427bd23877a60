// Soco's end-to-end suite: every journey runs twice, hydrated and with JavaScript disabled,
// in Debian's Chromium against the release server (started here on a throwaway database).
import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const port = Number(process.env.SOCO_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const repo = resolve(__dirname, "..");
const server = process.env.SOCO_E2E_SERVER ?? resolve(process.env.HOME ?? "", ".cache/soco-target/release/server");
const dataDir = mkdtempSync(join(tmpdir(), "soco-e2e-"));
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
      use: { ...chromium, javaScriptEnabled: true, storageState: operatorState },
    },
    {
      name: "no-js",
      dependencies: ["setup"],
      use: { ...chromium, javaScriptEnabled: false, storageState: operatorState },
    },
  ],
  webServer: {
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
      SOCO_LOG: "warn",
      LEPTOS_SITE_ROOT: process.env.SOCO_E2E_SITE ?? join(repo, "target/site"),
    },
  },
});
