import { expect, test } from "@playwright/test";
import { addUser, admin, hydrated, newApplication } from "./helpers";

test("a user's History shows each change before → after, and the Activity page filters by action", async ({ page }) => {
  const usersUrl = await newApplication(page);
  const email = `history-${Date.now()}@example.com`;
  await addUser(page, usersUrl, email, "Ann", "Lee");
  await page.getByRole("link", { name: email }).click();
  await hydrated(page);
  await page.getByLabel("First name").fill("Anna");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

  // The section reads itself again after the save.
  const history = page.getByRole("region", { name: "History" });
  const changed = history.getByRole("row", { name: /User changed/ });
  await expect(changed).toContainText("firstName: Ann → Anna");
  await expect(changed).toContainText(admin.email);
  await expect(history.getByRole("row", { name: /User added/ })).toContainText(`email: ${email}`);

  await page.getByRole("link", { name: "Activity" }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await expect(page.getByRole("row", { name: /User added/ })).toBeVisible();
  await page.getByLabel("What").selectOption({ label: "User changed" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=user.update/);
  await expect(page.getByRole("row", { name: /User changed/ })).toContainText("firstName: Ann → Anna");
  await expect(page.getByRole("row", { name: /User added/ })).toBeHidden();
});
