use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::Login;
use crate::components::field::{FieldError, FormError};
use crate::domain::Email;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let next = use_query_map().with_untracked(|q| q.get("next"));
    let email_error = RwSignal::new(None::<String>);
    let server_error = move || login.value().get().and_then(Result::err);

    let check_email = move |value: &str| email_error.set(Email::parse(value).err().map(|e| e.to_string()));

    view! {
        <Title text="Sign in · Experience Users"/>
        <main class="auth-page">
            <ActionForm
                action=login
                attr:class="card auth-card"
                attr:novalidate=true
                on:submit:capture=move |ev| {
                    if let Ok(data) = Login::from_event(&ev) {
                        check_email(&data.email);
                        if email_error.with_untracked(Option::is_some) {
                            ev.prevent_default();
                        }
                    }
                }
            >
                <h1>"Sign in"</h1>
                <p class="muted">"Experience Users administration"</p>
                <input type="hidden" name="next" value=next.unwrap_or_default()/>
                <label for="login-email">"Email"</label>
                <input
                    id="login-email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    required
                    autofocus
                    aria-describedby="login-email-error"
                    aria-invalid=move || email_error.with(Option::is_some).to_string()
                    on:input=move |ev| check_email(&event_target_value(&ev))
                />
                <FieldError
                    id="login-email-error"
                    message=Signal::derive(move || {
                        email_error.get().or_else(|| server_error().and_then(|e| e.field_message("email")))
                    })
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="login-password-error"
                />
                <FieldError
                    id="login-password-error"
                    message=Signal::derive(move || server_error().and_then(|e| e.field_message("password")))
                />
                <FormError error=Signal::derive(move || server_error().filter(|e| !matches!(e, crate::error::AppError::Invalid(_))))/>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </main>
    }
}
