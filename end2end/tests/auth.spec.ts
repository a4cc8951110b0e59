import { expect, test } from "@playwright/test";
import { admin, hydrated, signIn, submitSignIn, unique } from "./helpers";

test("a wrong password shows one generic error and keeps the browser on /login", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await submitSignIn(page, admin.email, "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("an unknown email gets exactly the same message", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await submitSignIn(page, "nobody@example.com", "whatever-password");
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password" })).toBeVisible();
});

test("the email error appears while typing, without asking the server", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  const email = page.getByLabel("Email");
  await email.pressSequentially("not-an-email");
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await email.pressSequentially("@example.com");
  await expect(page.getByText("Enter a valid email address")).toHaveCount(0);
  expect(requests).toEqual([]);
});

test("sign in, create an application, sign out, and be sent back to /login", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "New application" }).click();
  const name = unique("Greenhouse");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f]{24}\//);
  const appUrl = page.url();
  await expect(page.getByRole("heading", { name: "Users & Groups" })).toBeVisible();
  await expect(page.getByText(name).first()).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(appUrl);
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("an empty application name is refused before it is sent", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "New application" }).click();
  await page.getByLabel("Name").fill("   ");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();
  await expect(page).toHaveURL(/\/applications$/);
});

test("rename an application and set, then clear, its user limit", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "New application" }).click();
  await page.getByLabel("Name").fill(unique("Orchard"));
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);
  await page.getByRole("link", { name: "Settings" }).click();
  const renamed = unique("Vineyard");
  await page.getByLabel("Name").fill(renamed);
  await page.getByLabel("User limit").fill("0");
  await expect(page.getByText(/Enter a whole number of users/)).toBeVisible();
  await page.getByLabel("User limit").fill("25");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(page.getByLabel("Name")).toHaveValue(renamed);
  await expect(page.getByLabel("User limit")).toHaveValue("25");
  await expect(page.getByRole("combobox", { name: "Application" })).toContainText(renamed);

  await page.getByLabel("User limit").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(page.getByLabel("User limit")).toHaveValue("");
});
