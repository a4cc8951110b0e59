import { expect, Page } from "@playwright/test";
import { admin } from "../playwright.config";

export { admin };

/** Waits until the WASM bundle has hydrated the page, so typing reaches the Rust handlers. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
}

/** Fills the sign-in form shown on `page` and submits it. */
export async function submitSignIn(page: Page, email = admin.email, password = admin.password) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signIn(page: Page, email = admin.email, password = admin.password) {
  await page.goto("/login");
  await hydrated(page);
  await submitSignIn(page, email, password);
  await expect(page).toHaveURL(/\/applications$/);
}

export function unique(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** A fresh application, so every test owns its data; returns the users page URL. */
export async function newApplication(page: Page): Promise<string> {
  await signIn(page);
  await page.getByRole("button", { name: "New application" }).click();
  await page.getByLabel("Name").fill(unique("Users test"));
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);
  await hydrated(page);
  return page.url();
}

/** `count` users user00@example.com… straight through the server function (First00…, last name Even or Odd). */
export async function createUsers(page: Page, usersUrl: string, count: number) {
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(2, "0");
    const answer = await page.request.post("/api/users/create", {
      form: { application_id: applicationId, email: `user${n}@example.com`, password: "a-good-password", first_name: `First${n}`, last_name: i % 2 ? "Odd" : "Even" },
      headers: { Accept: "application/json" },
    });
    expect(answer.ok()).toBeTruthy();
  }
}

export async function addUser(page: Page, usersUrl: string, email: string, first = "", last = "") {
  await page.goto(usersUrl);
  await hydrated(page);
  await page.getByRole("link", { name: "Add Experience User" }).click();
  await expect(page.getByRole("heading", { name: "Add Experience User" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-good-password");
  await page.getByLabel("First name").fill(first);
  await page.getByLabel("Last name").fill(last);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);
  await expect(page.getByRole("link", { name: email })).toBeVisible();
}

