use leptos::prelude::*;

use super::{tree_order, GroupNode};

/// "Parent": every group indented by depth, minus `excluded` (a group and its subgroups
/// cannot be its own parent), plus "None (top level)".
#[component]
pub fn ParentSelect(
    nodes: Vec<GroupNode>,
    #[prop(optional)] selected: Option<String>,
    #[prop(optional)] excluded: std::collections::HashSet<String>,
) -> impl IntoView {
    let options = tree_order(&nodes)
        .into_iter()
        .filter(|(_, node)| !excluded.contains(&node.id))
        .map(|(depth, node)| {
            let label = format!("{}{}", "\u{a0}\u{a0}".repeat(depth), node.name);
            let is_selected = selected.as_deref() == Some(node.id.as_str());
            view! { <option value=node.id selected=is_selected>{label}</option> }
        })
        .collect_view();
    view! {
        <label for="group-parent">"Parent"</label>
        <select id="group-parent" name="parent_id">
            <option value="" selected=selected.is_none()>"None (top level)"</option>
            {options}
        </select>
    }
}
