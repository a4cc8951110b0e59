import { expect, test } from "@playwright/test";
import { addUser, createUsers, hydrated, newApplication } from "./helpers";

test("add a user and see them in the list with the counts", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await expect(page.getByText("No experience users yet")).toBeVisible();
  await addUser(page, usersUrl, "ann@example.com", "Ann", "Lee");
  const row = page.getByRole("row").filter({ hasText: "ann@example.com" });
  await expect(row).toContainText("Ann Lee");
  await expect(page.getByRole("link", { name: /All users\s+1/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /In any group\s+0/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /In no group\s+1/ })).toBeVisible();
});

test("bad inputs show their errors before submit", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await addUser(page, usersUrl, "taken@example.com");
  await page.getByRole("link", { name: "Add Experience User" }).click();
  await hydrated(page);
  const requests: string[] = [];
  page.on("request", (r) => { if (r.url().includes("/api/users/create")) requests.push(r.url()); });

  await page.getByLabel("Email").fill("not-an-email");
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await page.getByLabel("Password").fill("1234567");
  await expect(page.getByText("Password must be at least 8 characters (this one has 7)")).toBeVisible();
  await page.getByLabel("First name").fill("x".repeat(1025));
  await expect(page.getByText("First name: Must be at most 1024 characters (this one has 1025)")).toBeVisible();
  await page.getByLabel("Email").fill("TAKEN@Example.com");
  await expect(page.getByText("A user with this email already exists in this application")).toBeVisible();

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Password must be at least 8 characters (this one has 7)")).toBeVisible();
  expect(requests).toEqual([]);
  // Nothing typed was lost.
  await expect(page.getByLabel("Email")).toHaveValue("TAKEN@Example.com");
  await expect(page.getByLabel("First name")).toHaveValue("x".repeat(1025));
});

test("the server refuses the same bad inputs with the same messages", async ({ page }) => {
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  await addUser(page, usersUrl, "taken@example.com");
  const create = (form: Record<string, string>) =>
    page.request.post("/api/users/create", {
      form: { application_id: applicationId, email: "ok@example.com", password: "a-good-password", first_name: "", last_name: "", ...form },
      headers: { Accept: "application/json" },
    });
  // A bad value is 400; a taken email is a conflict (409) naming its field, as in the REST API.
  for (const [form, status, message] of [
    [{ email: "not-an-email" }, 400, "Enter a valid email address"],
    [{ password: "1234567" }, 400, "Password must be at least 8 characters (this one has 7)"],
    [{ email: "TAKEN@example.COM" }, 409, "A user with this email already exists in this application"],
    [{ first_name: "x".repeat(1025) }, 400, "First name: Must be at most 1024 characters (this one has 1025)"],
  ] as const) {
    const answer = await create(form);
    expect(answer.status()).toBe(status);
    expect(await answer.text()).toContain(message);
  }
});

test("edit without and with a new password; delete from the edit page", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await addUser(page, usersUrl, "bob@example.com", "Bob");
  await page.getByRole("link", { name: "bob@example.com" }).click();
  await hydrated(page);
  await expect(page.getByLabel("Password", { exact: true })).toHaveCount(0);
  await page.getByLabel("Last name").fill("Builder");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");

  await page.getByLabel("Change password?").check();
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Password must be at least 8 characters (this one has 5)")).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill("a-new-long-password");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(page.getByLabel("Last name")).toHaveValue("Builder");

  await hydrated(page);
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Delete this user?");
  await dialog.getByRole("button", { name: "Delete user" }).click();
  await expect(page).toHaveURL(/\/experience\/users$/);
  await expect(page.getByRole("link", { name: "bob@example.com" })).toHaveCount(0);
  // The email is free again.
  await addUser(page, usersUrl, "bob@example.com");
});

test("a stale edit from a second tab is refused and nothing is overwritten", async ({ page, context }) => {
  const usersUrl = await newApplication(page);
  await addUser(page, usersUrl, "carol@example.com", "Carol");
  await page.getByRole("link", { name: "carol@example.com" }).click();
  await hydrated(page);
  const editUrl = page.url();

  const second = await context.newPage();
  await second.goto(editUrl);
  await hydrated(second);
  await second.getByLabel("First name").fill("Caroline");
  await second.getByRole("button", { name: "Save" }).click();
  await expect(second.getByRole("status")).toHaveText("Saved");

  await page.getByLabel("First name").fill("Carrie");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(/Someone else saved this user/)).toBeVisible();
  await expect(page.getByLabel("First name")).toHaveValue("Carrie");
  await page.reload();
  await expect(page.getByLabel("First name")).toHaveValue("Caroline");
});

test("delete from the row menu after confirming", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await addUser(page, usersUrl, "dave@example.com");
  await addUser(page, usersUrl, "erin@example.com");
  await page.getByLabel("Actions for dave@example.com").click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("dave@example.com");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("link", { name: "dave@example.com" })).toBeVisible();

  await page.getByLabel("Actions for dave@example.com").click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("link", { name: "dave@example.com" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "erin@example.com" })).toBeVisible();
  await expect(page.getByRole("link", { name: /All users\s+1/ })).toBeVisible();
});

test("filter, sort and paging live in the URL and survive a reload", async ({ page }) => {
  const usersUrl = await newApplication(page);
  // 30 users, to have more than one page of 25.
  await createUsers(page, usersUrl, 30);
  await page.goto(usersUrl);
  await hydrated(page);
  await expect(page.getByText("25 shown of 30")).toBeVisible();
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page.getByText("5 shown of 30")).toBeVisible();
  await expect(page.getByRole("link", { name: "user29@example.com" })).toBeVisible();
  await page.reload();
  await expect(page.getByText("5 shown of 30")).toBeVisible();
  await page.getByRole("link", { name: "Previous" }).click();
  await expect(page.getByRole("link", { name: "user00@example.com" })).toBeVisible();

  await page.getByRole("link", { name: "Email" }).click();
  await expect(page).toHaveURL(/dir=desc/);
  await expect(page.getByRole("row").nth(1)).toContainText("user29@example.com");
  await page.reload();
  await expect(page.getByRole("row").nth(1)).toContainText("user29@example.com");

  await page.getByLabel("Sort by").selectOption({ label: "Last name ↓" });
  await expect(page).toHaveURL(/sort=lastName&dir=desc/);
  await expect(page.getByRole("row").nth(1)).toContainText("Odd");
  await page.reload();
  await expect(page.getByLabel("Sort by")).toHaveValue("lastName:desc");

  await page.getByLabel("Filter users").fill("user1*");
  await page.getByLabel("Filter users").press("Enter");
  await expect(page).toHaveURL(/q=user1/);
  await expect(page.getByText("10 shown of 10")).toBeVisible();
  await page.reload();
  await expect(page.getByText("10 shown of 10")).toBeVisible();
  // Odd last names first (descending), then by id.
  await expect(page.getByRole("row").nth(1)).toContainText("Odd");
  await expect(page.getByRole("row").nth(10)).toContainText("Even");
});

test("the three views and their counts", async ({ page }) => {
  const usersUrl = await newApplication(page);
  await addUser(page, usersUrl, "solo@example.com");
  await page.getByRole("link", { name: /In any group/ }).click();
  await expect(page).toHaveURL(/view=grouped/);
  await expect(page.getByText("No users in \u201cIn any group\u201d.")).toBeVisible();
  await page.getByRole("link", { name: /In no group/ }).click();
  await expect(page.getByRole("link", { name: "solo@example.com" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("link", { name: "solo@example.com" })).toBeVisible();
  await expect(page.getByRole("link", { name: /In no group\s+1/ })).toHaveAttribute("aria-current", "page");
});

test("find the users who never signed in", async ({ page }) => {
  const usersUrl = await newApplication(page);
  const applicationId = usersUrl.match(/applications\/([0-9a-f]{24})/)![1];
  await createUsers(page, usersUrl, 3);
  const signIn = await page.request.post(`/api/experience/${applicationId}/auth`, {
    data: { email: "user01@example.com", password: "a-good-password" },
  });
  expect(signIn.ok()).toBeTruthy();
  await page.goto(usersUrl);
  await hydrated(page);
  await page.getByLabel("Sign-in").selectOption({ label: "Never signed in" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/login=never/);
  await expect(page.getByText("2 shown of 2")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "user01@example.com" })).toHaveCount(0);
  // Users added today are not dormant yet.
  await page.getByLabel("Sign-in").selectOption({ label: "Not signed in for 30 days" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No users match")).toBeVisible();
});
