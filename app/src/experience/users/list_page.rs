use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_navigate, use_query_map};

use super::bulk_bar::{BarInputs, Selected};
use super::list_tools::{list_tools, ListTools};
use super::tokens::InvalidateAllButton;
use super::{
    format_time, list_users, DeleteUser, InvalidateUserTokens, LastSignIn, ListQuery, PageAt, SetUserDisabled, SortDir,
    SortField, UserRow, UserState, UserView, MATCH_COUNT_CAP, PAGE_SIZES,
};
use crate::applications::get_application;
use crate::components::field::FormError;
use crate::components::layout::use_application_id;
use crate::components::resource::resource;
use crate::experience::groups::{list_groups, tree_order};
use crate::experience::users::bulk_api::grouped;

/// "Users & Groups": the three list views of one application's experience users.
#[component]
pub fn UsersPage() -> impl IntoView {
    let app_id = use_application_id();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| ListQuery::from_params(|k| p.get(k))));
    let delete = ServerAction::<DeleteUser>::new();
    let invalidate = ServerAction::<InvalidateUserTokens>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let application = resource(move || app_id.get(), get_application);
    let groups = resource(move || app_id.get(), list_groups);
    // A bulk job that ends changes rows: the page is read again.
    let bulk_done = RwSignal::new(0u32);
    let page = resource(
        move || {
            let versions =
                (delete.version().get(), invalidate.version().get(), set_disabled.version().get(), bulk_done.get());
            (app_id.get(), query.get(), versions)
        },
        |(app, query, _)| list_users(app, query),
    );
    // What the ticks work on: the page's ids, and how many users the list matches.
    let listed = Memo::new(move |_| {
        page.get().and_then(Result::ok).map(|p| (p.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), p.matching))
    });
    let page_ids = Signal::derive(move || listed.with(|l| l.as_ref().map(|(ids, _)| ids.clone()).unwrap_or_default()));
    let matching = Signal::derive(move || listed.with(|l| l.as_ref().map_or(0, |(_, n)| *n)));
    let base = move || format!("/applications/{}/experience/users", app_id.get());
    let href = move |q: ListQuery| format!("{}{}", base(), q.to_query_string());
    // The list's own links, as one callback the header, pager and selects share.
    let link = Callback::new(href);
    // Every page of the view, filter and sort shown, as a file the server streams.
    let with_hashes = RwSignal::new(false);
    let export_href = move |format: &'static str| {
        let params = query.get().restart().to_query_string();
        let glue = if params.is_empty() { "?" } else { "&" };
        let hashes = if with_hashes.get() { "&hashes=1" } else { "" };
        format!("{}/export{params}{glue}format={format}{hashes}", base())
    };
    // Ticked rows or the whole selection; another view, filter, sort or page starts over.
    let selected = RwSignal::new(None::<Selected>);
    Effect::new(move |_| {
        query.track();
        selected.set(None);
    });
    // The bulk job started here, in the address: a reload shows it again, running or done.
    let started_job = Signal::derive(move || params.with(|p| p.get("bulk")));
    let navigate = use_navigate();
    let show_job = Callback::new(move |job: String| {
        let here = href(query.get_untracked());
        let glue = if here.contains('?') { '&' } else { '?' };
        navigate(&format!("{here}{glue}bulk={job}"), Default::default());
    });
    let bar = BarInputs {
        app_id,
        query,
        selected,
        matching,
        groups: Signal::derive(move || groups.get().and_then(Result::ok).unwrap_or_default()),
        on_started: show_job,
    };
    let to_delete = RwSignal::new(None::<UserRow>);
    let to_invalidate = RwSignal::new(None::<UserRow>);
    let to_disable = RwSignal::new(None::<UserRow>);
    let tools = ListTools {
        started_job,
        on_job_finished: Callback::new(move |()| bulk_done.update(|n| *n += 1)),
        bar,
        delete,
        to_delete,
        invalidate,
        to_invalidate,
        set_disabled,
        to_disable,
    };
    // Effects run in the browser only, once the list is hydrated: then the tools are fetched.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let enable = Callback::new(move |row: UserRow| {
        let (application_id, user_id) = (app_id.get_untracked(), row.id);
        set_disabled.dispatch(SetUserDisabled { application_id, user_id, disable: None, until: None });
    });
    let ask_delete = Callback::new(move |row| to_delete.set(Some(row)));
    let ask_invalidate = Callback::new(move |row| to_invalidate.set(Some(row)));
    let ask_disable = Callback::new(move |row| to_disable.set(Some(row)));
    Effect::new(move |_| {
        if set_disabled.value().get().is_some() {
            to_disable.set(None);
        }
    });
    // Close each dialog once its action is through.
    Effect::new(move |_| {
        if delete.value().get().is_some_and(|r| r.is_ok()) {
            to_delete.set(None);
        }
    });
    Effect::new(move |_| {
        if invalidate.value().get().is_some_and(|r| r.is_ok()) {
            to_invalidate.set(None);
        }
    });

    view! {
        <Title text="Users & Groups · Experience Users"/>
        <section class="page">
            <header class="page-header">
                <div>
                    <Transition fallback=|| ()>
                        <p class="muted">{move || application.get().and_then(Result::ok).map(|a| a.name)}</p>
                    </Transition>
                    <h1>"Users & Groups"</h1>
                </div>
                <div class="header-actions">
                    // Inside a Transition so the server renders it with the loaded page.
                    <Transition fallback=|| ()>
                        {move || page.get().and_then(Result::ok).map(|p| view! {
                            <InvalidateAllButton app_id=app_id user_count=p.counts.all last_done=p.tokens_invalidated_at/>
                        })}
                    </Transition>
                    <a class="button" href=move || export_href("csv") download="" rel="external"
                        title="Every page of this view, filter and sort, as CSV">"Export CSV"</a>
                    <a class="button" href=move || export_href("json") download="" rel="external"
                        title="Every page of this view, filter and sort, as JSON">"Export JSON"</a>
                    <label class="checkbox inline-label" title="argon2id hashes: keep the file as safe as the database">
                        <input type="checkbox" on:change=move |ev| with_hashes.set(event_target_checked(&ev))/>
                        "with password hashes"
                    </label>
                    <A href=move || format!("{}/import", base()) attr:class="button">"Import"</A>
                    <A href=move || format!("{}/new", base()) attr:class="button primary">"Add Experience User"</A>
                </div>
            </header>

            <Transition fallback=|| ()>
                {move || page.get().and_then(Result::ok).map(|p| {
                    let counts = p.counts;
                    view! {
                        <nav class="tabs" aria-label="Views">
                            {UserView::ALL.into_iter().map(|v| {
                                let count = match v {
                                    UserView::All => counts.all,
                                    UserView::InAnyGroup => counts.in_any_group,
                                    UserView::InNoGroup => counts.in_no_group,
                                };
                                let current = query.get_untracked().view == v;
                                view! {
                                    <a href=href(ListQuery { view: v, ..query.get_untracked().restart() })
                                       aria-current=current.then_some("page") class="tab">
                                        {v.label()} " " <span class="count">{count}</span>
                                    </a>
                                }
                            }).collect_view()}
                        </nav>
                    }
                })}
            </Transition>

            <div class="toolbar">
                <Form method="GET" action="" attr:class="search">
                    <input type="hidden" name="view" value=move || query.get().view.slug()/>
                    <input type="hidden" name="sort" value=move || query.get().sort.slug()/>
                    <input type="hidden" name="dir" value=move || query.get().dir.slug()/>
                    <input type="hidden" name="size" value=move || query.get().size.to_string()/>
                    <label class="inline-label">"Group "
                        <select name="group">
                            <option value="" selected=move || query.get().group.is_empty()>"Any"</option>
                            <Transition fallback=|| ()>
                                {move || groups.get().and_then(Result::ok).map(|nodes| tree_order(&nodes).into_iter().map(|(depth, node)| {
                                    let id = node.id.clone();
                                    view! { <option value=node.id selected=move || query.get().group == id>{format!("{}{}", "\u{a0}\u{a0}".repeat(depth), node.name)}</option> }
                                }).collect_view())}
                            </Transition>
                        </select>
                    </label>
                    <label class="checkbox inline-label">
                        <input type="checkbox" name="sub" value="1" prop:checked=move || query.get().subgroups/>
                        "and its subgroups"
                    </label>
                    <label class="inline-label">"Tag "
                        <input name="tag" placeholder="key or key=value" prop:value=move || query.get().tag size="14"/>
                    </label>
                    <label class="inline-label">"Sign-in "
                        <select name="login">
                            {move || {
                                let current = query.get().last_sign_in;
                                let mut choices = LastSignIn::CHOICES.to_vec();
                                if !choices.contains(&current) {
                                    choices.push(current);
                                }
                                choices.into_iter().map(|choice| view! {
                                    <option value=choice.slug() selected=choice == current>{choice.label()}</option>
                                }).collect_view()
                            }}
                        </select>
                    </label>
                    <label class="inline-label">"State "
                        <select name="state">
                            {move || {
                                let current = query.get().state;
                                UserState::CHOICES.into_iter().map(|choice| view! {
                                    <option value=choice.slug() selected=choice == current>{choice.label()}</option>
                                }).collect_view()
                            }}
                        </select>
                    </label>
                    <label for="user-filter" class="visually-hidden">"Filter users"</label>
                    <input id="user-filter" type="search" name="q" placeholder="Filter by email or name (* matches anything)"
                        prop:value=move || query.get().filter/>
                    <button type="submit">"Filter"</button>
                </Form>
                <SortSelect query href=link/>
                <PageSizeSelect query href=link/>
            </div>

            {move || hydrated.get().then(|| Suspend::new(list_tools(tools)))}
            <FormError error=Signal::derive(move || delete.value().get().and_then(Result::err))/>
            <FormError error=Signal::derive(move || invalidate.value().get().and_then(Result::err))/>
            <FormError error=Signal::derive(move || set_disabled.value().get().and_then(Result::err))/>
            <Show when=move || invalidate.value().get().is_some_and(|r| r.is_ok())>
                <p class="ok" role="status">"Tokens invalidated"</p>
            </Show>
            <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
                {move || page.get().map(|result| match result {
                    Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone()))/> }.into_any(),
                    Ok(p) if p.rows.is_empty() => {
                        let q = query.get_untracked();
                        let message = if !q.group.is_empty()
                            || !q.tag.is_empty()
                            || q.last_sign_in != LastSignIn::Any
                            || q.state != UserState::Any
                        {
                            "No users match these filters in this view.".to_owned()
                        } else if !q.filter.is_empty() {
                            format!("No users match \u{201c}{}\u{201d} in this view.", q.filter)
                        } else if p.counts.all == 0 {
                            "No experience users yet. Add the first one with \u{201c}Add Experience User\u{201d}.".to_owned()
                        } else {
                            format!("No users in \u{201c}{}\u{201d}.", q.view.label())
                        };
                        view! { <div class="empty-state"><p>{message}</p></div> }.into_any()
                    }
                    Ok(p) => {
                        let q = query.get_untracked();
                        let shown = p.rows.len();
                        let several_pages = p.next.is_some() || p.prev.is_some();
                        let page_ticked = move || match selected.get() {
                            Some(Selected::AllMatching) => true,
                            Some(Selected::Rows(ticked)) => page_ids.with(|ids| !ids.is_empty() && ids.iter().all(|id| ticked.contains(id))),
                            None => false,
                        };
                        let all = p.matching;
                        view! {
                            <Show when=move || several_pages && page_ticked()>
                                <p class="banner select-all" role="status">
                                    {
                                        move || if selected.get() == Some(Selected::AllMatching) {
                                            view! {
                                                {all_matching(all, "All {n} matching users are selected. ", "Every matching user ({n}) is selected. ")}
                                                <button type="button" class="link" on:click=move |_| selected.set(None)>"Clear selection"</button>
                                            }.into_any()
                                        } else {
                                            view! {
                                                {format!("All {shown} on this page are selected. ")}
                                                <button type="button" class="link" on:click=move |_| selected.set(Some(Selected::AllMatching))>
                                                    {all_matching(all, "Select all {n} matching", "Select every matching user ({n})")}
                                                </button>
                                            }.into_any()
                                        }
                                    }
                                </p>
                            </Show>
                            <table class="users">
                                <thead><tr>
                                    <th scope="col" class="select">
                                        <input type="checkbox" aria-label="Select every user on this page"
                                            prop:checked=page_ticked
                                            on:change=move |ev| selected.set(event_target_checked(&ev).then(|| Selected::Rows(page_ids.get_untracked())))/>
                                    </th>
                                    <SortHeader field=SortField::Email query=q.clone() href=link/>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Groups"</th>
                                    <SortHeader field=SortField::LastLogin query=q.clone() href=link/>
                                    <SortHeader field=SortField::Created query=q.clone() href=link/>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|row| view! {
                                        <UserRowView row base=base() selected page_ids
                                            on_delete=ask_delete on_invalidate=ask_invalidate
                                            on_disable=ask_disable on_enable=enable/>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label="Pages">
                                <span class="muted">{all_matching(all, &format!("{shown} shown of {{n}}"), &format!("{shown} shown of {{n}}"))}</span>
                                <Pager label="First" target=p.prev.as_ref().map(|_| PageAt::First) query=q.clone() href=link/>
                                <Pager label="Previous" target=p.prev.clone() query=q.clone() href=link/>
                                <Pager label="Next" target=p.next.clone() query=q.clone() href=link/>
                                <Pager label="Last" target=p.next.as_ref().map(|_| PageAt::Last) query=q href=link/>
                            </nav>
                        }.into_any()
                    }
                })}
            </Transition>

        </section>
    }
}

/// How many "all matching" is, in the sentence given: `{n}` is the count where it is exact, and
/// "more than 100" past the count's cap (where "all 100" would be untrue).
pub(crate) fn all_matching(matching: i64, exact: &str, capped: &str) -> String {
    if matching > MATCH_COUNT_CAP {
        capped.replace("{n}", &format!("more than {}", grouped(MATCH_COUNT_CAP as u64)))
    } else {
        exact.replace("{n}", &grouped(matching as u64))
    }
}

#[component]
fn UserRowView(
    row: UserRow,
    base: String,
    selected: RwSignal<Option<Selected>>,
    page_ids: Signal<Vec<String>>,
    on_delete: Callback<UserRow>,
    on_invalidate: Callback<UserRow>,
    on_disable: Callback<UserRow>,
    on_enable: Callback<UserRow>,
) -> impl IntoView {
    let disabled = row.disabled_until.is_some_and(|until| until > super::state_box::now_ms());
    let for_state = row.clone();
    let edit = format!("{base}/{}", row.id);
    let name = format!("{} {}", row.first_name, row.last_name).trim().to_owned();
    let groups = if row.groups.is_empty() { "—".to_owned() } else { row.groups.join(", ") };
    let menu_label = format!("Actions for {}", row.email);
    let for_delete = row.clone();
    let for_invalidate = row.clone();
    let menu = NodeRef::<leptos::html::Details>::new();
    // Close the menu; a confirmation dialog takes over.
    let close_menu = move || {
        if let Some(details) = menu.get_untracked() {
            let _ = details.remove_attribute("open");
        }
    };
    let id = row.id.clone();
    let ticked = {
        let id = id.clone();
        move || match selected.get() {
            Some(Selected::AllMatching) => true,
            Some(Selected::Rows(ids)) => ids.contains(&id),
            None => false,
        }
    };
    // Unticking one row of the whole selection keeps the rest of the page ticked.
    let toggle = move |on: bool| {
        let mut ids = match selected.get_untracked() {
            Some(Selected::AllMatching) => page_ids.get_untracked(),
            Some(Selected::Rows(ids)) => ids,
            None => Vec::new(),
        };
        ids.retain(|other| *other != id);
        if on {
            ids.push(id.clone());
        }
        selected.set((!ids.is_empty()).then_some(Selected::Rows(ids)));
    };
    let tick_label = format!("Select {}", row.email);
    view! {
        <tr>
            <td class="select">
                <input type="checkbox" aria-label=tick_label prop:checked=ticked
                    on:change=move |ev| toggle(event_target_checked(&ev))/>
            </td>
            <td>
                <A href=edit.clone()>{row.email.clone()}</A>
                {disabled.then(|| view! { " " <span class="badge disabled">"Disabled"</span> })}
            </td>
            <td>{name}</td>
            <td>{groups}</td>
            <td>{format_time(row.last_login_at)}</td>
            <td>{format_time(Some(row.created_at))}</td>
            <td class="row-menu">
                <details node_ref=menu>
                    <summary aria-label=menu_label>"⋯"</summary>
                    <div class="menu" role="menu">
                        <A href=edit attr:role="menuitem">"Edit"</A>
                        <button type="button" role="menuitem" on:click=move |_| {
                            close_menu();
                            on_invalidate.run(for_invalidate.clone());
                        }>"Invalidate tokens"</button>
                        <button type="button" role="menuitem" on:click=move |_| {
                            close_menu();
                            if disabled { on_enable.run(for_state.clone()) } else { on_disable.run(for_state.clone()) }
                        }>{if disabled { "Enable" } else { "Disable…" }}</button>
                        <button type="button" role="menuitem" on:click=move |_| {
                            close_menu();
                            on_delete.run(for_delete.clone());
                        }>"Delete"</button>
                    </div>
                </details>
            </td>
        </tr>
    }
}

#[component]
fn SortHeader(field: SortField, query: ListQuery, href: Callback<ListQuery, String>) -> impl IntoView {
    let active = query.sort == field;
    let dir = if active { query.dir.flip() } else { SortDir::Asc };
    let target = href.run(ListQuery { sort: field, dir, ..query.restart() });
    let aria = active.then(|| if query.dir == SortDir::Asc { "ascending" } else { "descending" });
    let arrow = match (active, query.dir) {
        (false, _) => "",
        (true, SortDir::Asc) => " ▲",
        (true, SortDir::Desc) => " ▼",
    };
    view! {
        <th scope="col" aria-sort=aria>
            <a href=target>{field.label()}{arrow}</a>
        </th>
    }
}

#[component]
fn Pager(
    label: &'static str,
    target: Option<PageAt>,
    query: ListQuery,
    href: Callback<ListQuery, String>,
) -> impl IntoView {
    match target {
        Some(at) => view! { <a class="button" href=href.run(ListQuery { at, ..query })>{label}</a> }.into_any(),
        None => view! { <span class="button disabled" aria-disabled="true">{label}</span> }.into_any(),
    }
}

/// Every sort, both directions, for the columns that have no header link of their own.
#[component]
fn SortSelect(query: Memo<ListQuery>, href: Callback<ListQuery, String>) -> impl IntoView {
    let navigate = use_navigate();
    let options = SortField::ALL
        .into_iter()
        .flat_map(|f| [(f, SortDir::Asc), (f, SortDir::Desc)])
        .map(|(f, d)| {
            let value = format!("{}:{}", f.slug(), d.slug());
            let text = format!("{} {}", f.label(), if d == SortDir::Asc { "↑" } else { "↓" });
            view! { <option value=value selected=move || { let q = query.get(); q.sort == f && q.dir == d }>{text}</option> }
        })
        .collect_view();
    view! {
        <label class="inline-label">
            "Sort by "
            <select on:change=move |ev| {
                let value = event_target_value(&ev);
                let (field, dir) = value.split_once(':').unwrap_or_default();
                let sort = SortField::from_slug(field).unwrap_or_default();
                let dir = if dir == "desc" { SortDir::Desc } else { SortDir::Asc };
                navigate(&href.run(ListQuery { sort, dir, ..query.get_untracked().restart() }), Default::default());
            }>
                {options}
            </select>
        </label>
    }
}

#[component]
fn PageSizeSelect(query: Memo<ListQuery>, href: Callback<ListQuery, String>) -> impl IntoView {
    let navigate = use_navigate();
    view! {
        <label class="inline-label">
            "Per page "
            <select on:change=move |ev| {
                let size = event_target_value(&ev).parse().unwrap_or(PAGE_SIZES[0]);
                navigate(&href.run(ListQuery { size, ..query.get_untracked().restart() }), Default::default());
            }>
                {PAGE_SIZES.into_iter().map(|n| view! {
                    <option value=n.to_string() selected=move || query.get().size == n>{n}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
