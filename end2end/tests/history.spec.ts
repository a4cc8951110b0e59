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

  const other = `other-${Date.now()}@example.com`;
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  const created = await page.request.post("/api/users/create", {
    form: { application_id: applicationId, email: other, password: "a-good-password", first_name: "", last_name: "" },
    headers: { Accept: "application/json" },
  });
  expect(created.ok()).toBeTruthy();

  await page.getByRole("link", { name: "Activity" }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await expect(page.getByRole("row", { name: /User added/ }).filter({ hasText: email })).toBeVisible();
  await expect(page.getByRole("row", { name: /User added/ }).filter({ hasText: other })).toBeVisible();
  await page.getByLabel("What").selectOption({ label: "User changed" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=user.update/);
  await expect(page.getByRole("row", { name: /User changed/ })).toContainText("firstName: Ann → Anna");
  await expect(page.getByRole("row", { name: /User added/ })).toBeHidden();

  // One user by email, in any case: her entries only.
  await page.getByLabel("What").selectOption({ label: "Anything" });
  await page.getByLabel("User", { exact: true }).fill(email.toUpperCase());
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/user=HISTORY-/);
  await expect(page.getByRole("row", { name: /User added/ })).toContainText(email);
  await expect(page.getByRole("row", { name: /User changed/ })).toBeVisible();
  await expect(page.getByRole("cell", { name: other })).toBeHidden();
});
