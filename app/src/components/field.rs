use leptos::prelude::*;

use crate::error::AppError;

/// The message under a field; empty (but present, so the layout does not jump) when valid.
#[component]
pub fn FieldError(#[prop(into)] id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="field-error" role="alert" aria-live="polite">
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// A banner for an error that belongs to no single field. An ended session sends the browser
/// to the sign-in page instead.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    Effect::new(move |_| {
        if error.with(|e| matches!(e, Some(AppError::Unauthorized))) {
            go_to_login();
        }
    });
    move || {
        error.get().map(|e| {
            view! { <div class="banner error" role="alert">{e.to_string()}</div> }
        })
    }
}

/// A full navigation, so the server decides where a signed-out browser may go.
pub fn go_to_login() {
    #[cfg(feature = "hydrate")]
    {
        if let Some(window) = leptos::web_sys::window() {
            let _ = window.location().set_href("/login");
        }
    }
}
