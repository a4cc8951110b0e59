import { expect, Page, test } from "@playwright/test";
import { addUser, hydrated, newApplication } from "./helpers";

const nbsp = "\u00a0";

async function createGroup(page: Page, name: string, parentLabel = "") {
  await page.getByRole("link", { name: "Groups", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Groups" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "New group" }).click();
  await page.getByLabel("Name").fill(name);
  if (parentLabel) await page.getByLabel("Parent").selectOption({ label: parentLabel });
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("list", { name: "Group tree" }).getByRole("link", { name, exact: true })).toBeVisible();
}

test("a device tied to the root reaches a user of the leaf group, the root as its reason", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await createGroup(page, "Root");
  await createGroup(page, "Middle", "Root");
  await createGroup(page, "Leaf", `${nbsp}${nbsp}Middle`);

  await page.getByRole("link", { name: "Devices", exact: true }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "New device" }).click();
  await page.getByLabel("Name").fill("Pump 7");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f]{24}\/devices\/[0-9a-f]{24}$/);
  await expect(page.getByRole("heading", { name: "Pump 7" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("group", { name: "Groups" }).getByLabel("Root").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

  // A second device reaches the middle group through a tag rule.
  await page.getByRole("link", { name: "Devices", exact: true }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "New device" }).click();
  await page.getByLabel("Name").fill("Valve 2");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Valve 2" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByLabel("Key").fill("zone");
  await page.getByLabel("Value").fill("north");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await page.getByRole("link", { name: "Groups", exact: true }).click();
  await hydrated(page);
  await page.getByRole("link", { name: "Middle", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Middle" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Add tag rule" }).click();
  await page.getByLabel("Tag key").fill("zone");
  await page.getByLabel("Tag value (optional)").fill("north");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("region", { name: /Devices/ }).getByRole("link", { name: "Valve 2" })).toBeVisible();

  await page.goto(usersUrl);
  await hydrated(page);
  await page.getByRole("link", { name: "Add Experience User" }).click();
  await hydrated(page);
  await page.getByLabel("Email").fill("leaf@example.com");
  await page.getByLabel("Password").fill("a-good-password");
  await page.getByRole("group", { name: "Groups" }).getByLabel("Leaf").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);
  await expect(page.getByRole("row").filter({ hasText: "leaf@example.com" })).toContainText("Leaf");

  await page.getByRole("link", { name: "leaf@example.com" }).click();
  await hydrated(page);
  const access = page.getByRole("region", { name: "Effective access" });
  await expect(access.getByTestId("direct-groups")).toHaveText("Leaf");
  await expect(access.getByTestId("inherited-groups")).toHaveText("Middle, Root");
  await expect(access.getByRole("row").filter({ hasText: "Pump 7" })).toContainText("Root");
  await expect(access.getByRole("row").filter({ hasText: "Valve 2" })).toContainText("Middle");

  // The leaf group's page lists the member and opens the users list filtered to the group.
  await page.getByRole("link", { name: "Groups", exact: true }).click();
  await hydrated(page);
  await page.getByRole("link", { name: "Leaf", exact: true }).click();
  const members = page.getByRole("region", { name: /Members/ });
  await expect(members.getByRole("link", { name: "leaf@example.com" })).toBeVisible();
  await hydrated(page);
  await members.getByRole("link", { name: "Open the members in the users list" }).click();
  await expect(page).toHaveURL(/\/experience\/users\?group=[0-9a-f]{24}$/);
  await expect(page.getByRole("row").filter({ hasText: "leaf@example.com" })).toBeVisible();
});

test("tags: suggestions from other users, errors before submit, values kept verbatim", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await page.getByRole("link", { name: "Add Experience User" }).click();
  await hydrated(page);
  await page.getByLabel("Email").fill("ann@example.com");
  await page.getByLabel("Password").fill("a-good-password");
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByLabel("Key").fill("floor");
  await page.getByLabel("Value").fill("2");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);

  await page.getByRole("link", { name: "Add Experience User" }).click();
  await hydrated(page);
  await page.getByLabel("Email").fill("bob@example.com");
  await page.getByLabel("Password").fill("a-good-password");
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByLabel("Key").fill("fl");
  await expect(page.locator("datalist#tag-key-suggestions option[value='floor']")).toHaveCount(1);

  const sent: string[] = [];
  page.on("request", (r) => { if (r.url().includes("/api/users/create")) sent.push(r.url()); });
  await page.getByLabel("Key").fill("has space");
  await expect(page.getByText("Key may only hold letters, digits, _ and - (not ' ')")).toBeVisible();
  await page.getByLabel("Key").fill("note");
  await page.getByLabel("Value").fill("<script>alert('x')</script> \"quoted\" 🌱");
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByLabel("Key").last().fill("note");
  await page.getByLabel("Value").last().fill("again");
  await expect(page.getByText("The key \"note\" is used twice; each key holds one value")).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("The key \"note\" is used twice; each key holds one value")).toBeVisible();
  expect(sent).toEqual([]);

  await page.getByRole("button", { name: "Remove tag" }).last().click();
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs += 1; d.dismiss(); });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);
  await page.getByRole("link", { name: "bob@example.com" }).click();
  await hydrated(page);
  await expect(page.getByLabel("Key")).toHaveValue("note");
  await expect(page.getByLabel("Value")).toHaveValue("<script>alert('x')</script> \"quoted\" 🌱");
  await page.goto(`${usersUrl}?tag=${encodeURIComponent("note")}`);
  await hydrated(page);
  await expect(page.getByRole("row").filter({ hasText: "bob@example.com" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "ann@example.com" })).toHaveCount(0);
  expect(dialogs).toBe(0);
});
