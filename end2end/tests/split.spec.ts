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
