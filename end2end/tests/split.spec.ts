import { expect, test } from "@playwright/test";
import { hydrated, newApplication } from "./helpers";

// The admin pages' code is cut into chunks fetched on first use (app/src/routes.rs): the sign-in
// page downloads the main module alone; the users list fetches its group's chunk; a page of
// another group, reached by a client-side navigation, fetches that group's and works.
test("the sign-in page loads no admin page's code; each group of pages loads when first shown", async ({ page }) => {
  const wasm = new Set<string>();
  page.on("request", (request) => {
    const file = request.url().match(/\/pkg\/([^/?]+\.wasm)$/);
    if (file) wasm.add(file[1]);
  });
  await page.goto("/login");
  await hydrated(page);
  expect([...wasm]).toEqual(["experience-users.wasm"]);

  await newApplication(page);
  expect([...wasm].filter((f) => f.startsWith("split_users_list_"))).toHaveLength(1);
  expect([...wasm].some((f) => f.startsWith("split_group_and_device_pages_"))).toBe(false);

  await page.getByRole("link", { name: "Groups", exact: true }).click();
  await expect(page.getByText("No groups yet")).toBeVisible();
  expect([...wasm].filter((f) => f.startsWith("split_group_and_device_pages_"))).toHaveLength(1);
  // The page's code runs: its form checks a blank name in the browser.
  await page.getByRole("button", { name: "New group" }).click();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();
});

// The admin layout comes with the group of the page shown: a first visit to the settings (a
// full page load, nothing cached) fetches that group's code and none of the users list's, and
// the page and the layout around it are hydrated.
test("a first visit to a page outside the users list fetches none of its code", async ({ page, browser, baseURL }) => {
  const usersUrl = await newApplication(page);
  const fresh = await browser.newContext({ baseURL, storageState: await page.context().storageState() });
  const settings = await fresh.newPage();
  const wasm = new Set<string>();
  settings.on("request", (request) => {
    const file = request.url().match(/\/pkg\/([^/?]+\.wasm)$/);
    if (file) wasm.add(file[1]);
  });
  await settings.goto(usersUrl.replace(/\/experience\/users$/, "/settings"));
  await hydrated(settings);
  expect([...wasm].filter((f) => f.startsWith("split_other_pages_"))).toHaveLength(1);
  expect([...wasm].some((f) => f.startsWith("split_users_list_"))).toBe(false);
  // The page's code runs (its field is checked as typed), and so does the layout's: its link
  // to the users list is a client-side navigation that fetches that group then.
  await settings.getByLabel("User limit").fill("many");
  await expect(settings.locator("#app-limit-error")).not.toBeEmpty();
  await settings.getByRole("link", { name: "Users & Groups", exact: true }).click();
  await expect(settings).toHaveURL(/\/experience\/users$/);
  await expect(settings.getByRole("button", { name: "Filter" })).toBeVisible();
  expect([...wasm].filter((f) => f.startsWith("split_users_list_"))).toHaveLength(1);
  await fresh.close();
});
