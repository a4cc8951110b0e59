import { expect, Page } from "@playwright/test";
import { admin } from "../playwright.config";

export { admin };

/** Waits until the WASM bundle has hydrated the page, so typing reaches the Rust handlers. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
}

export async function signIn(page: Page, email = admin.email, password = admin.password) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/applications$/);
}

export function unique(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
