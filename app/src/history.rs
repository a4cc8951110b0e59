//! The application's history (audit log): one user's on their page, everyone's on the Activity
//! page (filtered by who, what, which user and when), both read newest first a page at a time.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::components::field::FormError;
use crate::components::layout::use_application_id;
use crate::error::AppError;
pub use ::model::audit::{action_label, AuditEntry, AuditFilter, AuditPage, ACTIONS, PAGE_SIZE};
use ::model::users::format_time;

/// A page of the history the filter selects, from `cursor` (the previous page's `next`).
#[server(endpoint = "history/page", input = Json)]
pub async fn history_page(
    application_id: String,
    filter: AuditFilter,
    cursor: Option<String>,
) -> Result<AuditPage, AppError> {
    use crate::server::{audit_service, context};
    context::respond(async move {
        let mut conn = context::open_application(&application_id).await?;
        audit_service::page(&mut conn, &application_id, &filter, cursor.as_deref(), PAGE_SIZE).await
    })
    .await
}

/// The entries as a table, with "Older entries" reading the next page below them.
#[component]
fn HistoryTable(
    app_id: String,
    filter: AuditFilter,
    #[prop(optional)] show_subject: bool,
    /// Read again from the newest entry whenever this changes (a save on the same page).
    #[prop(optional, into)]
    refresh: Signal<usize>,
) -> impl IntoView {
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let loading = RwSignal::new(false);
    let load = {
        let (app_id, filter) = (app_id.clone(), filter.clone());
        move |cursor: Option<String>| {
            let (app_id, filter) = (app_id.clone(), filter.clone());
            loading.set(true);
            leptos::task::spawn_local(async move {
                let answer = history_page(app_id, filter, cursor).await;
                loading.set(false);
                match answer {
                    Ok(page) => {
                        entries.update(|e| e.extend(page.entries));
                        next.set(page.next);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    // Read in the browser once hydrated: the history is below the fold, and a page opened
    // from a link shows its form at once.
    let first = load.clone();
    Effect::new(move |_| {
        refresh.track();
        entries.set(Vec::new());
        first(None);
    });
    let older = move |_| load(next.get_untracked());
    view! {
        <FormError error=Signal::derive(move || error.get())/>
        <Show when=move || !entries.with(Vec::is_empty)
            fallback=move || view! { <p class="muted">{move || if loading.get() { "Loading…" } else { "Nothing recorded yet." }}</p> }>
            <table class="users history">
                <thead><tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"What"</th>
                    {show_subject.then(|| view! { <th scope="col">"About"</th> })}
                    <th scope="col">"Changes"</th>
                </tr></thead>
                <tbody>
                    <For each=move || entries.get() key=|e| e.id.clone() let:entry>
                        <tr>
                            <td>{format_time(Some(entry.at))}</td>
                            <td>{entry.actor.clone()}</td>
                            <td>{if entry.address.is_empty() { "—".to_owned() } else { entry.address.clone() }}</td>
                            <td>{action_label(&entry.action).to_owned()}</td>
                            {show_subject.then(|| view! { <td>{entry.subject.clone()}</td> })}
                            <td>
                                <ul class="changes">
                                    {entry.changes.iter().map(|c| view! { <li>{c.describe()}</li> }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        <Show when=move || next.get().is_some()>
            <button type="button" disabled=move || loading.get() on:click=older.clone()>"Older entries"</button>
        </Show>
    }
}

/// The "History" section of a user's page.
#[component]
pub fn UserHistory(app_id: String, user_id: String, #[prop(into)] refresh: Signal<usize>) -> impl IntoView {
    let filter = AuditFilter { user_id: Some(user_id), ..AuditFilter::default() };
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <HistoryTable app_id filter refresh/>
        </section>
    }
}

/// The Activity page: everything recorded in the application, filtered by who, what, which
/// user and a date range (UTC days), all kept in the address.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let app_id = use_application_id();
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        params.with(|p| {
            let text = |name: &str| p.get(name).filter(|v| !v.trim().is_empty()).map(|v| v.trim().to_owned());
            let day =
                |name: &str| text(name).and_then(|d| ::model::timestamps::parse_local_as_utc(&format!("{d}T00:00")));
            AuditFilter {
                actor: text("actor"),
                action: text("action"),
                // An email (it has an @), or a user's id as the user's page links it.
                user_id: text("user").filter(|u| !u.contains('@')),
                user_email: text("user").filter(|u| u.contains('@')),
                from: day("from"),
                // The "to" day is included: the range ends at the next midnight.
                to: day("to").map(|t| t + 24 * 60 * 60 * 1000),
            }
        })
    });
    let value = move |name: &'static str| move || params.with(|p| p.get(name).unwrap_or_default());
    view! {
        <Title text="Activity · Experience Users"/>
        <section class="page">
            <header class="page-header"><h1>"Activity"</h1></header>
            <Form method="GET" action="" attr:class="toolbar">
                <label class="inline-label">"Who " <input name="actor" placeholder="email or API token name" prop:value=value("actor")/></label>
                <label class="inline-label">"What "
                    <select name="action">
                        <option value="" selected=move || value("action")().is_empty()>"Anything"</option>
                        {ACTIONS.into_iter().map(|(name, label)| view! {
                            <option value=name selected=move || value("action")() == name>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline-label">"User " <input name="user" size="26" placeholder="email or id" prop:value=value("user")/></label>
                <label class="inline-label">"From " <input type="date" name="from" prop:value=value("from")/></label>
                <label class="inline-label">"To " <input type="date" name="to" prop:value=value("to")/></label>
                <button type="submit">"Filter"</button>
            </Form>
            // A new filter is a new table (its own first page).
            {move || view! { <HistoryTable app_id=app_id.get() filter=filter.get() show_subject=true/> }}
        </section>
    }
}
