import { expect, test, type Page } from "@playwright/test";
import { hydrated, newApplication, submitSignIn } from "./helpers";

/** The names of the WASM files `page` fetches from now on, as they are fetched. */
function fetchedWasm(page: Page): Set<string> {
  const wasm = new Set<string>();
  page.on("request", (request) => {
    const file = request.url().match(/\/pkg\/([^/?]+\.wasm)$/);
    if (file) wasm.add(file[1]);
  });
  return wasm;
}

// The admin pages' code is cut into chunks fetched on first use (app/src/routes.rs): the sign-in
// page downloads the main module alone; the users list fetches its group's chunk; a page of
// another group, reached by a client-side navigation, fetches that group's and works.
test("the sign-in page loads no admin page's code; each group of pages loads when first shown", async ({ page }) => {
  const wasm = fetchedWasm(page);
  await page.goto("/login");
  await hydrated(page);
  expect([...wasm]).toEqual(["experience-users.wasm"]);

  await newApplication(page);
  expect([...wasm].filter((f) => f.startsWith("split_users_list_"))).toHaveLength(1);
  expect([...wasm].some((f) => f.startsWith("split_group_and_device_pages_"))).toBe(false);
  // The list's tools (bulk job and bar, row confirmations) follow in a chunk of their own, once
  // the list is interactive.
  await expect.poll(() => [...wasm].filter((f) => f.startsWith("split_list_tools_")).length).toBe(1);

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
  const wasm = fetchedWasm(settings);
  await settings.goto(usersUrl.replace(/\/experience\/users$/, "/settings"));
  await hydrated(settings);
  expect([...wasm].filter((f) => f.startsWith("split_user_pages_"))).toHaveLength(1);
  expect([...wasm].some((f) => f.startsWith("split_users_list_") || f.startsWith("split_list_tools_"))).toBe(false);
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

// Signing in to reach a page (the sign-in page follows `next` by a client-side navigation)
// fetches that page's group alone: the layout, first shown then, goes by the page's address,
// not by the sign-in page's (which `Group::at` reads as the applications page's).
test("signing in to reach a page fetches that page's group for the layout too", async ({ page, browser, baseURL }) => {
  const tokensUrl = (await newApplication(page)).replace(/\/experience\/users$/, "/api-tokens");
  const fresh = await browser.newContext({ baseURL });
  const visitor = await fresh.newPage();
  const wasm = fetchedWasm(visitor);
  await visitor.goto(tokensUrl);
  await expect(visitor).toHaveURL(/\/login\?next=/);
  await hydrated(visitor);
  await submitSignIn(visitor);
  await expect(visitor).toHaveURL(tokensUrl);
  // The page's code runs: a blank name is refused in the browser.
  await visitor.getByRole("button", { name: "Create API token" }).click();
  await visitor.getByRole("button", { name: "Create", exact: true }).click();
  await expect(visitor.getByText("Enter a name")).toBeVisible();
  expect([...wasm].filter((f) => f.startsWith("split_other_pages_"))).toHaveLength(1);
  expect([...wasm].filter((f) => f.startsWith("split_user") || f.startsWith("split_group"))).toEqual([]);
  await fresh.close();
});
