//! Picking groups from the application's tree, with a search box: a user's memberships.

use leptos::prelude::*;
use std::collections::BTreeSet;

use crate::components::resource::resource;
use crate::experience::groups::{list_groups, tree_order};

/// Checkboxes over the group tree (indented), filtered by the search text; the chosen ids
/// travel in the hidden field `name` (comma-separated).
#[component]
pub fn GroupPicker(
    #[prop(into)] app_id: Signal<String>,
    selected: RwSignal<BTreeSet<String>>,
    name: &'static str,
) -> impl IntoView {
    let groups = resource(move || app_id.get(), list_groups);
    let search = RwSignal::new(String::new());
    view! {
        <fieldset class="group-picker">
            <legend>"Groups"</legend>
            <input type="hidden" name=name prop:value=move || selected.with(|s| s.iter().cloned().collect::<Vec<_>>().join(","))/>
            <label for="group-search" class="visually-hidden">"Search groups"</label>
            <input id="group-search" type="search" placeholder="Search groups" autocomplete="off"
                on:input=move |ev| search.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); }/>
            <Transition fallback=|| view! { <p class="muted small">"Loading groups…"</p> }>
                {move || groups.get().and_then(Result::ok).map(|nodes| {
                    if nodes.is_empty() {
                        return view! { <p class="muted small">"This application has no groups yet."</p> }.into_any();
                    }
                    let ordered = tree_order(&nodes);
                    view! {
                        <ul class="group-tree picker">
                            {ordered.into_iter().map(|(depth, node)| {
                                let id = node.id.clone();
                                let (for_check, for_change) = (id.clone(), id.clone());
                                let lower = node.name.to_lowercase();
                                let visible = move || {
                                    let q = search.get().trim().to_lowercase();
                                    q.is_empty() || lower.contains(&q) || selected.with(|s| s.contains(&for_check))
                                };
                                let checked_id = id.clone();
                                view! {
                                    <li style=format!("--depth: {depth}") data-depth=depth.to_string() class:hidden=move || !visible()>
                                        <label class="checkbox">
                                            <input type="checkbox"
                                                prop:checked=move || selected.with(|s| s.contains(&checked_id))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    selected.update(|s| { if on { s.insert(for_change.clone()); } else { s.remove(&for_change); } });
                                                }/>
                                            {node.name.clone()}
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </fieldset>
    }
}
