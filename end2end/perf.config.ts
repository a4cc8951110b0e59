import { defineConfig } from "@playwright/test";

// `make tti` (scripts/tti): a measurement, not a test of `make test`. scripts/tti starts the
// server with 10^4 users and passes its address.
export default defineConfig({
  testDir: "./perf",
  timeout: 300_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env.TTI_BASE,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    },
  },
});
