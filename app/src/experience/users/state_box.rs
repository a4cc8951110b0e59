//! Disabling and enabling a user, on the edit page: a disabled user keeps password, groups and
//! tags, but cannot sign in and every token they hold is refused, until the chosen time or
//! until enabled again.

use leptos::prelude::*;

use super::{format_time, SetUserDisabled, DISABLED_UNTIL_ENABLED};
use crate::components::confirm::ConfirmDialog;
use crate::components::field::{FieldError, FormError};

/// What the box says of the user's standing at `now`.
fn standing(disabled_until: Option<i64>, now: i64) -> String {
    match disabled_until.filter(|until| *until > now) {
        None => "Active".into(),
        Some(DISABLED_UNTIL_ENABLED) => "Disabled until enabled again".into(),
        Some(until) => format!("Disabled until {}", format_time(Some(until))),
    }
}

/// The browser's clock (the server's while rendering there), for showing a user's standing.
pub(super) fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        leptos::web_sys::js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }
}

#[component]
pub fn UserStateBox(app_id: String, user_id: String, email: String, disabled_until: Option<i64>) -> impl IntoView {
    let action = ServerAction::<SetUserDisabled>::new();
    let current = RwSignal::new(disabled_until);
    let until = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(result) = action.value().get() {
            if let Ok(detail) = result {
                current.set(detail.disabled_until);
            }
            confirming.set(false);
        }
    });
    let disabled = move || current.get().is_some_and(|u| u > now_ms());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let (app_for_enable, id_for_enable) = (app_id.clone(), user_id.clone());
    view! {
        <section class="card state-box" aria-labelledby="state-title">
            <h2 id="state-title">"Account"</h2>
            <p aria-live="polite" data-testid="user-standing">{move || standing(current.get(), now_ms())}</p>
            <Show
                when=disabled
                fallback=move || view! {
                    <label for="disable-until">"Disable until (UTC, optional)"</label>
                    <input id="disable-until" type="datetime-local" step="1" prop:value=move || until.get()
                        on:input=move |ev| until.set(event_target_value(&ev)) aria-describedby="disable-until-error"/>
                    <FieldError id="disable-until-error" message=Signal::derive(move || error.get().and_then(|e| e.field_message("disabledUntil")))/>
                    <div class="form-actions">
                        <button type="button" on:click=move |_| confirming.set(true)>"Disable…"</button>
                    </div>
                }
            >
                {
                    let (app, id) = (app_for_enable.clone(), id_for_enable.clone());
                    view! {
                        <div class="form-actions">
                            <button type="button" disabled=move || action.pending().get() on:click=move |_| {
                                action.dispatch(SetUserDisabled { application_id: app.clone(), user_id: id.clone(), disable: None, until: None });
                            }>"Enable"</button>
                        </div>
                    }
                }
            </Show>
            <FormError error=Signal::derive(move || error.get().filter(|e| !e.is_about_fields()))/>
        </section>
        <Show when=move || confirming.get()>
            {
                let (app_id, user_id, email) = (app_id.clone(), user_id.clone(), email.clone());
                view! {
                    <DisableUserDialog action app_id user_id email until=until.get_untracked()
                        on_close=move || confirming.set(false)/>
                }
            }
        </Show>
    }
}

/// The confirmation of disabling one user (until `until`, a `datetime-local` value in UTC, or
/// until enabled when empty), used by the row menu and the edit page's box.
#[component]
pub fn DisableUserDialog(
    action: ServerAction<SetUserDisabled>,
    app_id: String,
    user_id: String,
    email: String,
    until: String,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let end = if until.is_empty() {
        "until enabled again".to_owned()
    } else {
        format!("until {} UTC", until.replace('T', " "))
    };
    view! {
        <ConfirmDialog
            title="Disable this user?"
            message=format!("{email} cannot sign in {end}, and every token they hold stops working at once (and stays refused after they are enabled). Their password, groups and tags stay.")
            confirm_label="Disable user"
            pending=action.pending()
            on_confirm=move || {
                action.dispatch(SetUserDisabled {
                    application_id: app_id.clone(),
                    user_id: user_id.clone(),
                    disable: Some("on".into()),
                    until: Some(until.clone()),
                });
            }
            on_cancel=on_close
        />
    }
}
