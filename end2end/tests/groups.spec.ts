import { expect, Page, test } from "@playwright/test";
import { hydrated, newApplication } from "./helpers";

const nbsp = "\u00a0";

function treeItem(page: Page, name: string) {
  return page.getByRole("list", { name: "Group tree" }).getByRole("listitem").filter({ has: page.getByRole("link", { name, exact: true }) });
}

test("build a three-level tree; deleting the middle group moves its child up", async ({ page }) => {
  await newApplication(page);
  await page.getByRole("link", { name: "Groups", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Groups" })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText("No groups yet")).toBeVisible();

  // A blank name is refused before anything is sent.
  await page.getByRole("button", { name: "New group" }).click();
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();

  for (const [name, parentLabel] of [["Farm", ""], ["Barn", "Farm"], ["Stall", `${nbsp}${nbsp}Barn`]]) {
    if (!(await page.getByLabel("Name").isVisible())) {
      await page.getByRole("button", { name: "New group" }).click();
    }
    await page.getByLabel("Name").fill(name);
    if (parentLabel) {
      await page.getByLabel("Parent").selectOption({ label: parentLabel });
    }
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await expect(treeItem(page, name)).toBeVisible();
  }
  await expect(treeItem(page, "Farm")).toHaveAttribute("data-depth", "0");
  await expect(treeItem(page, "Barn")).toHaveAttribute("data-depth", "1");
  await expect(treeItem(page, "Stall")).toHaveAttribute("data-depth", "2");

  // Farm cannot be moved under its own descendants: they are not offered.
  // (A client-side navigation: wait for the group's form, then for its options to settle.)
  await page.getByRole("link", { name: "Farm", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Farm" })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel("Parent").locator("option")).toHaveText(["None (top level)"]);

  await page.goBack();
  await hydrated(page);
  await page.getByRole("link", { name: "Barn", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Barn" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Delete group" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("1 subgroup(s) move up to \u201cFarm\u201d");
  await dialog.getByRole("button", { name: "Delete group" }).click();
  await expect(page).toHaveURL(/\/experience\/groups$/);
  await expect(treeItem(page, "Barn")).toHaveCount(0);
  await expect(treeItem(page, "Stall")).toHaveAttribute("data-depth", "1");
  await page.reload();
  await expect(treeItem(page, "Stall")).toHaveAttribute("data-depth", "1");
});
