import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test } from "@playwright/test";
import { addUser, hydrated, newApplication, unique } from "./helpers";

// axe-core on every page of the admin UI, signed in and with data on it (a user, a group, a
// device, an API token): no serious or critical violation. The login page too, signed out.
async function violations(page: Page) {
  await hydrated(page);
  const result = await new AxeBuilder({ page }).analyze();
  expect(result.passes.length, "axe checked the page").toBeGreaterThan(10);
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the login page has no serious accessibility violation", async ({ page }) => {
  await page.goto("/login");
  expect(await violations(page)).toEqual([]);
});

test("every admin page, with data, has no serious accessibility violation", async ({ page }) => {
  test.setTimeout(90_000);
  const users = await newApplication(page);
  const app = users.replace(/\/experience\/users$/, "");
  const email = `${unique("axe").replace(/\W+/g, "-")}@example.com`.toLowerCase();
  await addUser(page, users, email, "Ann", "Lee");

  await page.goto(`${app}/experience/groups`);
  await hydrated(page);
  await page.getByRole("button", { name: "New group" }).click();
  await page.getByLabel("Name").fill("Barn");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("link", { name: "Barn", exact: true })).toBeVisible();

  await page.goto(`${app}/devices`);
  await hydrated(page);
  await page.getByRole("button", { name: "New device" }).click();
  await page.getByLabel("Name").fill("Gate");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Gate" })).toBeVisible();

  const pages: [string, () => Promise<void>][] = [
    ["applications", () => page.goto("/applications").then(() => {})],
    ["users list", () => page.goto(users).then(() => {})],
    ["users list, a bulk action's preview", async () => {
      await page.goto(users);
      await hydrated(page);
      await page.getByRole("checkbox", { name: "Select every user on this page" }).check();
      const bar = page.getByRole("region", { name: "Bulk actions" });
      await bar.getByLabel("Action", { exact: true }).selectOption({ label: "Set tag" });
      await bar.getByLabel("Key", { exact: true }).fill("zone");
      await bar.getByLabel("Value", { exact: true }).fill("north");
      await bar.getByRole("button", { name: "Preview…" }).click();
      await expect(page.getByRole("dialog", { name: "Before it runs" })).toContainText("1 user will get the tag zone = north");
    }],
    ["new user", () => page.goto(`${users}/new`).then(() => {})],
    ["import users, a file checked", async () => {
      await page.goto(`${users}/import`);
      await hydrated(page);
      await page.getByLabel("CSV or JSON file").setInputFiles({ name: "u.csv", mimeType: "text/csv", buffer: Buffer.from("email\nnot-an-email\n") });
      await page.getByRole("button", { name: "Check file" }).click();
      await expect(page.getByText("1 rows: 0 new, 0 updated, 0 unchanged, 1 with problems.")).toBeVisible();
    }],
    ["edit user", async () => {
      await page.goto(users);
      await page.getByRole("link", { name: email }).click();
      await expect(page.getByLabel("Email")).toHaveValue(email);
    }],
    ["groups", () => page.goto(`${app}/experience/groups`).then(() => {})],
    ["edit group", async () => {
      await page.goto(`${app}/experience/groups`);
      await page.getByRole("link", { name: "Barn", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Barn" })).toBeVisible();
    }],
    ["devices", () => page.goto(`${app}/devices`).then(() => {})],
    ["device", async () => {
      await page.goto(`${app}/devices`);
      await page.getByRole("link", { name: "Gate", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Gate" })).toBeVisible();
    }],
    ["settings", () => page.goto(`${app}/settings`).then(() => {})],
    ["API tokens", () => page.goto(`${app}/api-tokens`).then(() => {})],
    ["activity", async () => {
      await page.goto(`${app}/activity`);
      await hydrated(page);
      await expect(page.getByRole("row", { name: /User added/ })).toBeVisible();
    }],
  ];
  const found: string[] = [];
  for (const [name, open] of pages) {
    await open();
    for (const v of await violations(page)) found.push(`${name}: ${v}`);
  }
  expect(found).toEqual([]);
});
