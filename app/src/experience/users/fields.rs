//! The user form's fields, shared by the add and edit pages: each shows its error while
//! typing (the shared validators, in WASM) and the server's error after a save.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::email_taken;
use crate::components::field::FieldError;
use crate::domain::field_message;
use crate::error::AppError;

pub use crate::domain::EMAIL_TAKEN;

/// Client-side error signals for the fields, readable by the submit check.
#[derive(Clone, Copy)]
pub struct FieldErrors {
    pub email: RwSignal<Option<String>>,
    pub password: RwSignal<Option<String>>,
    pub first_name: RwSignal<Option<String>>,
    pub last_name: RwSignal<Option<String>>,
}

impl FieldErrors {
    pub fn new() -> Self {
        Self {
            email: RwSignal::new(None),
            password: RwSignal::new(None),
            first_name: RwSignal::new(None),
            last_name: RwSignal::new(None),
        }
    }

    /// Re-checks every field of a submitted form; true when all are valid.
    pub fn check_all(&self, email: &str, password: Option<&str>, first: &str, last: &str) -> bool {
        let taken = self.email.get_untracked().as_deref() == Some(EMAIL_TAKEN);
        self.email.set(field_message("email", email).or(taken.then(|| EMAIL_TAKEN.to_owned())));
        self.password.set(password.and_then(|p| field_message("password", p)));
        self.first_name.set(field_message("first_name", first));
        self.last_name.set(field_message("last_name", last));
        [self.email, self.password, self.first_name, self.last_name].iter().all(|s| s.with_untracked(Option::is_none))
    }
}

/// One labelled input with its error line.
#[component]
pub fn TextField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
    error: RwSignal<Option<String>>,
    #[prop(into)] server_error: Signal<Option<AppError>>,
    #[prop(optional)] on_value: Option<Callback<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let shown = Signal::derive(move || error.get().or_else(|| server_error.get().and_then(|e| e.field_message(name))));
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=name
            type=kind
            autocomplete=autocomplete
            value=value
            aria-describedby=error_id.clone()
            aria-invalid=move || shown.with(Option::is_some).to_string()
            on:input=move |ev| {
                let v = event_target_value(&ev);
                error.set(field_message(name, &v));
                if let Some(cb) = on_value { cb.run(v); }
            }
        />
        <FieldError id=error_id message=shown/>
    }
}

/// Asks the server whether an email is taken by another user, and shows it on the field.
/// Answers to older keystrokes are ignored.
pub fn email_checker(
    application_id: Signal<String>,
    except_user_id: Option<String>,
    error: RwSignal<Option<String>>,
) -> Callback<String> {
    let latest = RwSignal::new(String::new());
    Callback::new(move |value: String| {
        latest.set(value.clone());
        if field_message("email", &value).is_some() {
            return;
        }
        let app = application_id.get_untracked();
        let except = except_user_id.clone();
        spawn_local(async move {
            if let Ok(taken) = email_taken(app, value.clone(), except).await {
                if latest.get_untracked() == value && error.with_untracked(Option::is_none) == taken {
                    error.set(taken.then(|| EMAIL_TAKEN.to_owned()));
                }
            }
        });
    })
}
