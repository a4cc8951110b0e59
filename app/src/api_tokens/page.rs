use leptos::prelude::*;
use leptos_meta::Title;

use super::{list_api_tokens, ApiTokenInfo, CreateApiToken, RevokeApiToken};
use crate::components::confirm::ConfirmDialog;
use crate::components::field::{FieldError, FormError};
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::domain::ApplicationName;
use crate::error::AppError;
use crate::experience::users::format_time;

/// The application's API tokens: create (the secret is shown once), list, revoke.
#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let app_id = use_application_id();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = resource(
        move || (app_id.get(), create.version().get(), revoke.version().get()),
        |(id, _, _)| list_api_tokens(id),
    );
    let creating = RwSignal::new(false);
    let to_revoke = RwSignal::new(None::<ApiTokenInfo>);
    let name_error = RwSignal::new(None::<String>);
    let created = Memo::new(move |_| create.value().get().and_then(Result::ok));
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if created.get().is_some() {
            creating.set(false);
        }
    });
    Effect::new(move |_| {
        if revoke.value().get().is_some_and(|r| r.is_ok()) {
            to_revoke.set(None);
        }
    });

    view! {
        <Title text="API tokens · Experience Users"/>
        <section class="page">
            <header class="page-header">
                <div>
                    <h1>"API tokens"</h1>
                    <p class="muted">"Programs call the REST API at " <code>"/api/v1"</code>
                        " with " <code>"Authorization: Bearer <token>"</code> ". A token reaches this application only."</p>
                </div>
                <button type="button" class="primary" on:click=move |_| { creating.set(true); create.clear(); }>
                    "Create API token"
                </button>
            </header>

            <Show when=move || creating.get()>
                <ActionForm
                    action=create
                    attr:class="card form"
                    attr:novalidate=true
                    on:submit:capture=move |ev| {
                        if let Ok(data) = CreateApiToken::from_event(&ev) {
                            name_error.set(ApplicationName::parse(&data.name).err().map(|e| e.to_string()));
                            if name_error.with_untracked(Option::is_some) {
                                ev.prevent_default();
                            }
                        }
                    }
                >
                    <input type="hidden" name="application_id" value=move || app_id.get()/>
                    <label for="token-name">"Name"</label>
                    <input id="token-name" name="name" autocomplete="off" aria-describedby="token-name-error"
                        on:input=move |ev| name_error.set(ApplicationName::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
                    <FieldError id="token-name-error"
                        message=Signal::derive(move || name_error.get().or_else(|| create_error.get().and_then(|e| e.field_message("name"))))/>
                    <label for="token-expires">"Expires (optional)"</label>
                    <input id="token-expires" name="expires" type="date" aria-describedby="token-expires-error"/>
                    <FieldError id="token-expires-error"
                        message=Signal::derive(move || create_error.get().and_then(|e| e.field_message("expires")))/>
                    <FormError error=Signal::derive(move || create_error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
                    <div class="form-actions">
                        <button type="submit" class="primary" disabled=move || create.pending().get()>
                            {move || if create.pending().get() { "Creating…" } else { "Create" }}
                        </button>
                        <button type="button" on:click=move |_| creating.set(false)>"Cancel"</button>
                    </div>
                </ActionForm>
            </Show>

            {move || created.get().map(|new| view! {
                <div class="card secret" role="status">
                    <p><strong>{format!("Token \u{201c}{}\u{201d} created.", new.info.name)}</strong>
                        " Copy it now: it is stored only as a hash and cannot be shown again."</p>
                    <label for="new-token">"Token"</label>
                    <input id="new-token" readonly value=new.secret.clone()
                        on:focus=move |ev| { event_target::<leptos::web_sys::HtmlInputElement>(&ev).select() }/>
                </div>
            })}

            <FormError error=Signal::derive(move || revoke.value().get().and_then(Result::err))/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || tokens.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty-state"><p>"No API tokens yet. Create one to script this application."</p></div>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="tokens">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Created"</th>
                                <th scope="col">"Expires"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|token| {
                                    let status = match token.revoked_at {
                                        Some(at) => format!("Revoked {}", format_time(Some(at))),
                                        None => "Active".to_owned(),
                                    };
                                    let live = token.revoked_at.is_none();
                                    let label = format!("Revoke {}", token.name);
                                    let for_dialog = token.clone();
                                    view! {
                                        <tr>
                                            <td>{token.name.clone()}</td>
                                            <td>{format_time(Some(token.created_at))}</td>
                                            <td>{token.expires_at.map(|at| format_time(Some(at))).unwrap_or_else(|| "Never".into())}</td>
                                            <td>{format_time(token.last_used_at)}</td>
                                            <td>{status}</td>
                                            <td>
                                                <Show when=move || live>
                                                    <button type="button" class="danger" aria-label=label.clone()
                                                        on:click={let t = for_dialog.clone(); move |_| to_revoke.set(Some(t.clone()))}>
                                                        "Revoke"
                                                    </button>
                                                </Show>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>

            {move || to_revoke.get().map(|token| {
                let (app, id) = (app_id.get_untracked(), token.id.clone());
                view! {
                    <ConfirmDialog
                        title="Revoke this API token?"
                        message=format!("Programs using \u{201c}{}\u{201d} are refused from now on. This cannot be undone.", token.name)
                        confirm_label="Revoke token"
                        pending=revoke.pending()
                        on_confirm=move || { revoke.dispatch(RevokeApiToken { application_id: app.clone(), token_id: id.clone() }); }
                        on_cancel=move || to_revoke.set(None)
                    />
                }
            })}
        </section>
    }
}
