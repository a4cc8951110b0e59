import { expect, test } from "@playwright/test";
import { newApplication } from "./helpers";

// The users list toolbar at the widths administrators use: every control keeps the width its
// content needs (the tag input, the whole filter placeholder, the selects and buttons), and
// nothing runs out of the page; the toolbar wraps instead.
for (const width of [1024, 1280, 1440]) {
  test(`users toolbar controls stay usable at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await newApplication(page);
    const problems = await page.locator(".toolbar").evaluate((toolbar) => {
      const found: string[] = [];
      const canvas = document.createElement("canvas").getContext("2d")!;
      const page = document.documentElement.clientWidth;
      for (const control of toolbar.querySelectorAll<HTMLElement>("input:not([type=hidden]), select, button, a")) {
        const name = control.getAttribute("name") ?? control.textContent?.trim() ?? control.tagName;
        const box = control.getBoundingClientRect();
        if (box.right > page + 0.5) found.push(`${name} ends at ${box.right} px, past the page (${page} px)`);
        const style = getComputedStyle(control);
        const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const input = control as HTMLInputElement;
        const text = control.tagName === "INPUT" ? input.placeholder : "";
        if (text && canvas.measureText(text).width > control.clientWidth - padding + 1) {
          found.push(`${name}: its placeholder "${text}" is cut (${control.clientWidth} px wide)`);
        }
        if (control.getAttribute("name") === "tag" && control.clientWidth < 150) {
          found.push(`tag input only ${control.clientWidth} px wide`);
        }
        if (control.scrollWidth > control.clientWidth + 1) found.push(`${name}: its content is cut`);
      }
      return found;
    });
    expect(problems).toEqual([]);
    await page.getByLabel("Filter users").fill("ann");
    await expect(page.getByLabel("Filter users")).toBeInViewport();
  });
}
