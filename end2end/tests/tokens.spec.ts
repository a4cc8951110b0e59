import { APIRequestContext, expect, test } from "@playwright/test";
import { addUser, hydrated, newApplication } from "./helpers";

const stamp = /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/;

function applicationId(usersUrl: string): string {
  return usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
}

/** Signs an experience user in through the public API, as their app would. */
async function experienceToken(request: APIRequestContext, appId: string, email: string, password = "a-good-password") {
  const answer = await request.post(`/api/experience/${appId}/auth`, { data: { email, password } });
  expect(answer.status()).toBe(200);
  return (await answer.json()).token as string;
}

async function meStatus(request: APIRequestContext, appId: string, token: string) {
  const answer = await request.get(`/api/experience/${appId}/me`, { headers: { authorization: `Bearer ${token}` } });
  return answer.status();
}

test("invalidate all tokens: the dialog counts the users, then every earlier token fails", async ({ page, request }) => {
  const usersUrl = await newApplication(page);
  const appId = applicationId(usersUrl);
  await addUser(page, usersUrl, "ann@example.com");
  await addUser(page, usersUrl, "bob@example.com");
  const ann = await experienceToken(request, appId, "ann@example.com");
  const bob = await experienceToken(request, appId, "bob@example.com");
  expect(await meStatus(request, appId, ann)).toBe(200);

  const lastDone = page.getByTestId("all-tokens-last-done");
  await expect(lastDone).toContainText("Never");
  await page.getByRole("button", { name: "Invalidate all tokens" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("2 users will have to sign in again");
  await expect(dialog).toContainText("Last done: Never");
  // Cancelling changes nothing.
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  expect(await meStatus(request, appId, ann)).toBe(200);

  await page.getByRole("button", { name: "Invalidate all tokens" }).click();
  await dialog.getByRole("button", { name: "Invalidate all tokens" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("status")).toContainText("All tokens invalidated");
  await expect(lastDone).toContainText(stamp);
  expect(await meStatus(request, appId, ann)).toBe(401);
  expect(await meStatus(request, appId, bob)).toBe(401);

  // It is remembered, and signing in again works: nothing else changed.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("all-tokens-last-done")).toContainText(stamp);
  const again = await experienceToken(request, appId, "ann@example.com");
  expect(await meStatus(request, appId, again)).toBe(200);
});

test("invalidate one user's tokens from the row menu and from the edit page", async ({ page, request }) => {
  const usersUrl = await newApplication(page);
  const appId = applicationId(usersUrl);
  await addUser(page, usersUrl, "ann@example.com");
  await addUser(page, usersUrl, "bob@example.com");
  const ann = await experienceToken(request, appId, "ann@example.com");
  const bob = await experienceToken(request, appId, "bob@example.com");

  // Row menu: only Ann is signed out.
  await page.getByLabel("Actions for ann@example.com").click();
  await page.getByRole("menuitem", { name: "Invalidate tokens" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("ann@example.com");
  await expect(dialog).toContainText("Last done: Never");
  await dialog.getByRole("button", { name: "Invalidate tokens" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await meStatus(request, appId, ann)).toBe(401);
  expect(await meStatus(request, appId, bob)).toBe(200);
  // The menu now says when it was last done.
  await page.getByLabel("Actions for ann@example.com").click();
  await page.getByRole("menuitem", { name: "Invalidate tokens" }).click();
  await expect(dialog).toContainText(stamp);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The box at the bottom of Bob's edit page.
  await page.getByRole("link", { name: "bob@example.com" }).click();
  await hydrated(page);
  const box = page.getByRole("region", { name: "Tokens" });
  await expect(box.getByTestId("user-tokens-last-done")).toContainText("Never");
  await box.getByRole("button", { name: "Invalidate tokens" }).click();
  await expect(dialog).toContainText("bob@example.com");
  await dialog.getByRole("button", { name: "Invalidate tokens" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(box.getByTestId("user-tokens-last-done")).toContainText(stamp);
  expect(await meStatus(request, appId, bob)).toBe(401);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("user-tokens-last-done")).toContainText(stamp);

  // Ann signs in again and is unaffected by Bob's invalidation.
  const annAgain = await experienceToken(request, appId, "ann@example.com");
  expect(await meStatus(request, appId, annAgain)).toBe(200);
});

test("changing a password offers to invalidate the user's tokens, checked by default", async ({ page, request }) => {
  const usersUrl = await newApplication(page);
  const appId = applicationId(usersUrl);
  await addUser(page, usersUrl, "ann@example.com");
  const before = await experienceToken(request, appId, "ann@example.com");

  await page.getByRole("link", { name: "ann@example.com" }).click();
  await hydrated(page);
  await page.getByLabel("Change password?").check();
  const invalidate = page.getByLabel("Invalidate this user's tokens");
  await expect(invalidate).toBeChecked();
  await page.getByLabel("Password", { exact: true }).fill("a-newer-password");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(page.getByTestId("user-tokens-last-done")).toContainText(stamp);
  expect(await meStatus(request, appId, before)).toBe(401);
  const after = await experienceToken(request, appId, "ann@example.com", "a-newer-password");
  expect(await meStatus(request, appId, after)).toBe(200);
});
