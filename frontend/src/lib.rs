#![recursion_limit = "256"]
//! The browser half: hydrates the server-rendered page with the same `App`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker the browser tests wait for: from here on, typing reaches the Rust handlers.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
