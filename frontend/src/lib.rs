#![recursion_limit = "256"]
//! The browser half: hydrates the server-rendered page with the same `App`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous: an admin page's code is a lazily loaded chunk (app's `routes`), fetched
    // before its server-rendered HTML can be hydrated.
    wasm_bindgen_futures::spawn_local(async {
        leptos::mount::hydrate_from_async(leptos::prelude::document().body().expect("a <body>"), app::App)
            .await
            .forget();
        // A marker the browser tests wait for: from here on, typing reaches the Rust handlers.
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
