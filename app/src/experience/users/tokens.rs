//! Invalidating experience tokens: all users of the application (top of the list), one
//! user (bottom of the edit page, and the row menu). Each says when it was last done.

use leptos::prelude::*;

use super::{format_time, InvalidateAllTokens, InvalidateUserTokens};
use crate::components::confirm::ConfirmDialog;
use crate::components::field::FormError;

fn plural_users(n: i64) -> String {
    if n == 1 {
        "1 user".to_owned()
    } else {
        format!("{n} users")
    }
}

/// "Invalidate all tokens" with its confirmation; `on_done` runs after it went through.
#[component]
pub fn InvalidateAllButton(
    #[prop(into)] app_id: Signal<String>,
    /// How many users will have to sign in again.
    #[prop(into)]
    user_count: Signal<i64>,
    /// When it was last done, as the list last loaded it.
    #[prop(into)]
    last_done: Signal<Option<i64>>,
) -> impl IntoView {
    let action = ServerAction::<InvalidateAllTokens>::new();
    let confirming = RwSignal::new(false);
    let done_now = Memo::new(move |_| action.value().get().and_then(Result::ok));
    let last = move || done_now.get().or(last_done.get());
    Effect::new(move |_| {
        if done_now.get().is_some() {
            confirming.set(false);
        }
    });
    view! {
        <div class="tokens-all">
            <button type="button" on:click=move |_| confirming.set(true)>"Invalidate all tokens"</button>
            <span class="muted small" data-testid="all-tokens-last-done">
                "Tokens last invalidated: " {move || format_time(last())}
            </span>
            <Show when=move || done_now.get().is_some()>
                <span class="ok" role="status">"All tokens invalidated"</span>
            </Show>
        </div>
        <Show when=move || confirming.get()>
            <ConfirmDialog
                title="Invalidate all tokens?"
                message=format!(
                    "Every token issued until now stops working: {} will have to sign in again. Nothing else changes. Last done: {}.",
                    plural_users(user_count.get_untracked()),
                    format_time(last()),
                )
                confirm_label="Invalidate all tokens"
                pending=action.pending()
                on_confirm=move || { action.dispatch(InvalidateAllTokens { application_id: app_id.get_untracked() }); }
                on_cancel=move || confirming.set(false)
            />
        </Show>
        <FormError error=Signal::derive(move || action.value().get().and_then(Result::err))/>
    }
}

/// The confirmation for one user's tokens, used by the row menu and the edit page's box.
#[component]
pub fn InvalidateUserDialog(
    action: ServerAction<InvalidateUserTokens>,
    app_id: String,
    user_id: String,
    email: String,
    last_done: Option<i64>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <ConfirmDialog
            title="Invalidate this user's tokens?"
            message=format!(
                "Every token {email} holds stops working and they will have to sign in again. Nothing else changes. Last done: {}.",
                format_time(last_done),
            )
            confirm_label="Invalidate tokens"
            pending=action.pending()
            on_confirm=move || { action.dispatch(InvalidateUserTokens { application_id: app_id.clone(), user_id: user_id.clone() }); }
            on_cancel=on_close
        />
    }
}

/// The box at the bottom of the edit page. `saved_cutoff` is the cutoff an edit set
/// (changing the password can invalidate too).
#[component]
pub fn UserTokensBox(
    app_id: String,
    user_id: String,
    email: String,
    last_done: Option<i64>,
    #[prop(into)] saved_cutoff: Signal<Option<i64>>,
) -> impl IntoView {
    let action = ServerAction::<InvalidateUserTokens>::new();
    let confirming = RwSignal::new(false);
    let done_now = Memo::new(move |_| action.value().get().and_then(Result::ok));
    let last = Memo::new(move |_| done_now.get().max(saved_cutoff.get()).or(last_done));
    Effect::new(move |_| {
        if done_now.get().is_some() {
            confirming.set(false);
        }
    });
    view! {
        <section class="card tokens-box" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"Tokens"</h2>
            <p>"Signs this user out of every device: their current tokens stop working at once. Nothing else changes."</p>
            <p class="muted small" data-testid="user-tokens-last-done">
                "Tokens last invalidated: " {move || format_time(last.get())}
            </p>
            <div class="form-actions">
                <button type="button" on:click=move |_| confirming.set(true)>"Invalidate tokens"</button>
                <Show when=move || done_now.get().is_some()>
                    <span class="ok" role="status">"Tokens invalidated"</span>
                </Show>
            </div>
            <FormError error=Signal::derive(move || action.value().get().and_then(Result::err))/>
        </section>
        <Show when=move || confirming.get()>
            <InvalidateUserDialog
                action
                app_id=app_id.clone()
                user_id=user_id.clone()
                email=email.clone()
                last_done=last.get_untracked()
                on_close=move || confirming.set(false)
            />
        </Show>
    }
}
