import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// scripts/e2e picks a free port and a fresh database directory and passes them here, so
// that the values stay the same in every Playwright process that reads this file.
const port = process.env.E2E_PORT ?? "3917";
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "eu-e2e-"));
const root = resolve(__dirname, "..");
export const admin = { email: "admin@example.com", password: "e2e-admin-password" };

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `${root}/target/release/server`,
    cwd: root,
    url: `http://127.0.0.1:${port}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: "target/site",
      // E2E_DATABASE_URL: the suite's PostgreSQL run (scripts/test) names a fresh database.
      DATABASE_URL: process.env.E2E_DATABASE_URL || `sqlite://${dataDir}/e2e.db`,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      RUST_LOG: "warn",
    },
  },
});
