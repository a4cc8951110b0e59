//! The list's bulk actions: the bar over the ticked rows (or every user the list selects), the
//! preview asked before anything runs (deleting more than one user asks for their number,
//! typed), and the job's progress, read again every second while it runs, after a reload too.

use leptos::prelude::*;

use super::{
    get_bulk_job, grouped, preview_bulk, start_bulk, ActionParts, BulkAction, BulkJob, BulkPreview, BulkTarget,
    ListQuery,
};
use crate::components::field::FormError;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::experience::groups::{tree_order, GroupNode};
use crate::experience::users::imports::JobState;
use crate::experience::users::list_page::all_matching;

/// How often a running job is read again.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// What the list has selected: ticked rows, or every user matching its view and filters.
#[derive(Clone, Debug, PartialEq)]
pub enum Selected {
    Rows(Vec<String>),
    AllMatching,
}

/// The bar's fields as an action: "until" is the browser's local date and time.
fn action_of(kind: &str, group: String, key: String, value: String, until: &str) -> Result<BulkAction, AppError> {
    let until = match (kind, until.trim()) {
        ("disable", text) if !text.is_empty() => Some(
            ::model::timestamps::parse_local_as_utc(text)
                .ok_or_else(|| AppError::field("until", "Enter a date and time, like 2026-12-01T09:00"))?,
        ),
        _ => None,
    };
    BulkAction::from_parts(kind, ActionParts { group_id: Some(group), key: Some(key), value: Some(value), until })
}

/// What the bar works on, from the list.
#[derive(Clone, Copy)]
pub struct BarInputs {
    pub app_id: Memo<String>,
    pub query: Memo<ListQuery>,
    pub selected: RwSignal<Option<Selected>>,
    /// How many users the list matches (capped as its count is).
    pub matching: Signal<i64>,
    pub groups: Signal<Vec<GroupNode>>,
    /// Called with the id of a job the bar started.
    pub on_started: Callback<String>,
}

#[component]
pub(super) fn BulkBar(inputs: BarInputs) -> impl IntoView {
    let BarInputs { app_id, query, selected, matching, groups, on_started } = inputs;
    let kind = RwSignal::new("addToGroup".to_owned());
    let group = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<(BulkTarget, BulkAction, BulkPreview)>);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    // A new choice asks for a new preview.
    Effect::new(move |_| {
        kind.track();
        group.track();
        key.track();
        value.track();
        until.track();
        error.set(None);
    });
    let target = move || match selected.get_untracked() {
        Some(Selected::Rows(ids)) => BulkTarget::Ids(ids),
        _ => BulkTarget::Matching { query: query.get_untracked(), selected_at: super::state_box::now_ms() },
    };
    let ask = move |_| {
        let action = match action_of(
            &kind.get_untracked(),
            group.get_untracked(),
            key.get_untracked(),
            value.get_untracked(),
            &until.get_untracked(),
        ) {
            Ok(action) => action,
            Err(e) => return error.set(Some(e)),
        };
        let (app, target) = (app_id.get_untracked(), target());
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let answer = preview_bulk(app, target.clone(), action.clone()).await;
            busy.set(false);
            match answer {
                Ok(p) => {
                    typed.set(String::new());
                    preview.set(Some((target, action, p)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let run = move || {
        let Some((target, action, p)) = preview.get_untracked() else { return };
        let typed_count =
            p.typed_count.then(|| typed.get_untracked().replace([',', ' '], "").parse().unwrap_or(u64::MAX));
        let app = app_id.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = start_bulk(app, target, action, typed_count).await;
            busy.set(false);
            match answer {
                Ok(job) => {
                    preview.set(None);
                    selected.set(None);
                    on_started.run(job);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let count_text = move || match selected.get() {
        Some(Selected::Rows(ids)) => format!("{} selected", grouped(ids.len() as u64)),
        Some(Selected::AllMatching) => {
            all_matching(matching.get(), "All {n} matching selected", "Every matching user selected ({n})")
        }
        None => String::new(),
    };
    let field_error = move |name: &'static str| move || error.get().and_then(|e| e.field_message(name));
    let other_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| ["group", "key", "value", "until", "selection"].iter().all(|f| e.field_message(f).is_none()))
    });
    let needs = move |kinds: &'static [&'static str]| move || kinds.contains(&kind.get().as_str());
    view! {
        <Show when=move || selected.get().is_some()>
            <div class="bulk-bar card" role="region" aria-label="Bulk actions">
                <strong>{count_text}</strong>
                <label class="inline-label">"Action "
                    <select aria-label="Action" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {BulkAction::NAMES.into_iter().map(|(name, label)| view! {
                            <option value=name selected=move || kind.get() == name>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=needs(&["addToGroup", "removeFromGroup"])>
                    <label class="inline-label">"Group "
                        <select aria-label="Group" on:change=move |ev| group.set(event_target_value(&ev))>
                            <option value="" selected=move || group.get().is_empty()>"Choose…"</option>
                            {move || tree_order(&groups.get()).into_iter().map(|(depth, node)| {
                                let id = node.id.clone();
                                view! { <option value=node.id selected=move || group.get() == id>{format!("{}{}", "\u{a0}\u{a0}".repeat(depth), node.name)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <Show when=needs(&["setTag", "removeTag"])>
                    <label class="inline-label">"Key "
                        <input aria-label="Key" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) size="10"/>
                    </label>
                </Show>
                <Show when=needs(&["setTag"])>
                    <label class="inline-label">"Value "
                        <input aria-label="Value" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) size="10"/>
                    </label>
                </Show>
                <Show when=needs(&["disable"])>
                    <label class="inline-label">"Until (UTC, empty: until enabled) "
                        <input type="datetime-local" aria-label="Until (UTC)" prop:value=move || until.get() on:input=move |ev| until.set(event_target_value(&ev))/>
                    </label>
                </Show>
                <button type="button" class="primary" disabled=move || busy.get() on:click=ask>"Preview…"</button>
                <button type="button" on:click=move |_| selected.set(None)>"Clear selection"</button>
                {["group", "key", "value", "until", "selection"].into_iter().map(|name| view! {
                    {move || field_error(name)().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                }).collect_view()}
            </div>
        </Show>
        {move || preview.get().map(|(_, _, p)| view! {
            <PreviewDialog preview=p typed busy error=other_error on_run=run on_cancel=move || preview.set(None)/>
        })}
        <Show when=move || preview.get().is_none()>
            <FormError error=other_error/>
        </Show>
    }
}

/// The preview, and the typed number a deletion of many asks for. Escape or "Cancel" closes it.
#[component]
fn PreviewDialog(
    preview: BulkPreview,
    typed: RwSignal<String>,
    busy: RwSignal<bool>,
    error: Signal<Option<AppError>>,
    on_run: impl Fn() + Send + Sync + 'static,
    on_cancel: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let cancel = NodeRef::<leptos::html::Button>::new();
    let needs_count = preview.typed_count;
    let users = preview.users;
    Effect::new(move |_| {
        let _ = if needs_count { input.get().map(|i| i.focus()) } else { cancel.get().map(|b| b.focus()) };
    });
    let typed_ok = move || !needs_count || typed.get().replace([',', ' '], "").parse::<u64>().ok() == Some(users);
    let on_cancel_key = on_cancel.clone();
    let on_cancel_backdrop = on_cancel.clone();
    view! {
        <div class="modal-backdrop" on:click=move |_| on_cancel_backdrop()>
            <div class="modal card" role="dialog" aria-modal="true" aria-labelledby="bulk-title"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if ev.key() == "Escape" { on_cancel_key() }>
                <h2 id="bulk-title">"Before it runs"</h2>
                <p role="status">{preview.text.clone()}</p>
                {needs_count.then(|| view! {
                    <label>{format!("Type {} to confirm", grouped(users))}
                        <input node_ref=input inputmode="numeric" autocomplete="off"
                            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    </label>
                })}
                <FormError error/>
                <div class="form-actions">
                    <button type="button" class="danger" disabled=move || busy.get() || !typed_ok()
                        on:click=move |_| on_run()>
                        {move || if busy.get() { "Starting…".to_owned() } else { format!("Run on {} users", grouped(users)) }}
                    </button>
                    <button type="button" node_ref=cancel on:click=move |_| on_cancel()>"Cancel"</button>
                </div>
            </div>
        </div>
    }
}

/// The application's latest bulk job while it runs (a reload finds it again), and the report
/// of the one started here until dismissed.
#[component]
pub(super) fn BulkJobPanel(
    app_id: Memo<String>,
    /// The job started from this page, if any.
    started: Signal<Option<String>>,
    /// Called once a job seen running ends (the list then reads its rows again).
    on_finished: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let job =
        resource(move || (app_id.get(), started.get(), tick.get()), |(app, started, _)| get_bulk_job(app, started));
    // A job ends while watched, or is first seen ended (a short one): the list is read again.
    Effect::new(move |before: Option<Option<(String, bool)>>| {
        let seen = job.get().and_then(Result::ok).flatten().map(|j| (j.id, j.state == JobState::Running));
        match (&seen, before.flatten()) {
            (Some((_, true)), _) => set_timeout(move || tick.update(|t| *t += 1), POLL),
            (Some((id, false)), Some((was, running))) if *id != was || running => on_finished(),
            (Some((id, false)), None) if started.get_untracked().as_deref() == Some(id.as_str()) => on_finished(),
            _ => {}
        }
        seen
    });
    let dismissed = RwSignal::new(None::<String>);
    view! {
        <Transition fallback=|| ()>
            {move || job.get().and_then(Result::ok).flatten().filter(|j| {
                let ours = started.get().as_deref() == Some(j.id.as_str());
                (j.state == JobState::Running || ours) && dismissed.get().as_deref() != Some(j.id.as_str())
            }).map(|j| {
                let id = j.id.clone();
                view! { <JobView job=j on_dismiss=move || dismissed.set(Some(id.clone()))/> }
            })}
        </Transition>
    }
}

#[component]
fn JobView(job: BulkJob, on_dismiss: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let p = job.progress;
    let label =
        BulkAction::NAMES.iter().find(|(name, _)| *name == job.action).map_or("Bulk action", |(_, label)| label);
    let body = match (job.state, job.report) {
        (JobState::Running, _) => view! {
            <progress max=p.total.max(1) value=p.done aria-label="Bulk action progress"></progress>
            <p role="status">{format!("{label}: {} of {} users…", grouped(p.done), grouped(p.total))}</p>
        }
        .into_any(),
        (JobState::Done, Some(report)) => {
            let failures = (!report.failures.is_empty()).then(|| view! {
                <table class="users bulk-failures">
                    <thead><tr><th>"User"</th><th>"Why it failed"</th></tr></thead>
                    <tbody>
                        {report.failures.iter().map(|f| view! { <tr><td>{f.user_id.clone()}</td><td>{f.message.clone()}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            });
            view! { <p role="status">{report.summary()}</p> {failures} }.into_any()
        }
        (JobState::Done, None) => view! { <p role="status">"Done."</p> }.into_any(),
        (JobState::Failed, _) => {
            view! { <p class="banner error" role="alert">{job.error.unwrap_or_default()}</p> }.into_any()
        }
        (JobState::Interrupted, _) => view! {
            <p class="banner error" role="alert">{format!(
                "The server stopped during this action, after {} of {} users. Those stay done; run it again for the rest.",
                grouped(p.done), grouped(p.total)
            )}</p>
        }
        .into_any(),
    };
    let finished = job.state != JobState::Running;
    view! {
        <section class="card bulk-job" aria-label="Bulk action">
            <h2>{format!("{label} — started by {}", job.started_by)}</h2>
            {body}
            {finished.then(|| view! { <button type="button" on:click=move |_| on_dismiss()>"Dismiss"</button> })}
        </section>
    }
}
