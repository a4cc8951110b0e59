import { expect, test } from "@playwright/test";
import { addUser, hydrated, newApplication } from "./helpers";

/** An experience sign-in through the API: its status and error type. */
async function signIn(page: import("@playwright/test").Page, applicationId: string, email: string) {
  const answer = await page.request.post(`/api/experience/${applicationId}/auth`, {
    data: { email, password: "a-good-password" },
  });
  return { status: answer.status(), type: answer.ok() ? undefined : (await answer.json()).type };
}

test("disable a user until a time: refused until then, a badge on the list, then signed in again", async ({ page }) => {
  test.setTimeout(90_000);
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  const email = `disabled-${Date.now()}@example.com`;
  await addUser(page, usersUrl, email, "Dee", "Sabled");
  expect((await signIn(page, applicationId, email)).status).toBe(200);

  await page.getByRole("link", { name: email }).click();
  await hydrated(page);
  await expect(page.getByTestId("user-standing")).toHaveText("Active");
  // Twenty seconds from now, in UTC as the page shows times (the server's clock decides).
  const until = new Date(Date.now() + 20_000).toISOString().slice(0, 19);
  await page.getByLabel("Disable until (UTC, optional)").fill(until);
  await page.getByRole("button", { name: "Disable…" }).click();
  const dialog = page.getByRole("dialog", { name: "Disable this user?" });
  // The field drops seconds of 00 from its value ("05:18:00" reads "05:18"), as it shows them.
  await expect(dialog).toContainText(`cannot sign in until ${until.replace("T", " ").replace(/:00$/, "")} UTC`);
  await dialog.getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByTestId("user-standing")).toHaveText(/^Disabled until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  expect(await signIn(page, applicationId, email)).toEqual({ status: 401, type: "UserDisabled" });

  await page.goto(usersUrl);
  await expect(page.getByRole("row", { name: new RegExp(email) }).getByText("Disabled", { exact: true })).toBeVisible();

  // The end comes by itself.
  await expect.poll(async () => (await signIn(page, applicationId, email)).status, { timeout: 45_000, intervals: [1_000] }).toBe(200);
  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(email) }).getByText("Disabled", { exact: true })).toBeHidden();
});

test("disable until enabled again, then enable", async ({ page }) => {
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  const email = `paused-${Date.now()}@example.com`;
  await addUser(page, usersUrl, email, "Paul", "Sed");
  await page.getByRole("link", { name: email }).click();
  await hydrated(page);
  await page.getByLabel("Disable until (UTC, optional)").fill("2020-01-01T09:00");
  await page.getByRole("button", { name: "Disable…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByText("Choose a time in the future, or disable until enabled again")).toBeVisible();
  await expect(page.getByTestId("user-standing")).toHaveText("Active");

  await page.getByLabel("Disable until (UTC, optional)").fill("");
  await page.getByRole("button", { name: "Disable…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByTestId("user-standing")).toHaveText("Disabled until enabled again");
  expect(await signIn(page, applicationId, email)).toEqual({ status: 401, type: "UserDisabled" });
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByTestId("user-standing")).toHaveText("Active");
  expect((await signIn(page, applicationId, email)).status).toBe(200);
});

test("disable and enable from the row menu", async ({ page }) => {
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  const email = `row-${Date.now()}@example.com`;
  await addUser(page, usersUrl, email, "Row", "Menu");
  const row = page.getByRole("row", { name: new RegExp(email) });

  await page.getByLabel(`Actions for ${email}`).click();
  await page.getByRole("menuitem", { name: "Disable…" }).click();
  const dialog = page.getByRole("dialog", { name: "Disable this user?" });
  await expect(dialog).toContainText(`${email} cannot sign in until enabled again`);
  await dialog.getByRole("button", { name: "Disable user" }).click();
  await expect(row.getByText("Disabled", { exact: true })).toBeVisible();
  expect(await signIn(page, applicationId, email)).toEqual({ status: 401, type: "UserDisabled" });

  // The list's state filter.
  await addUser(page, usersUrl, `active-${Date.now()}@example.com`);
  await page.getByLabel("State").selectOption("Disabled");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page).toHaveURL(/state=disabled/);
  await expect(page.getByText("1 shown of 1")).toBeVisible();
  await expect(row).toBeVisible();
  await page.getByLabel("State").selectOption("Active");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page.getByText("1 shown of 1")).toBeVisible();
  await expect(row).toBeHidden();
  await page.goto(usersUrl);
  await hydrated(page);

  await page.getByLabel(`Actions for ${email}`).click();
  await page.getByRole("menuitem", { name: "Enable" }).click();
  await expect(row.getByText("Disabled", { exact: true })).toBeHidden();
  expect((await signIn(page, applicationId, email)).status).toBe(200);
});
