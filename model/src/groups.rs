use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One group as the tree shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNode {
    pub id: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<String>,
    pub member_count: i64,
    pub device_count: i64,
}

/// How many members and devices a group's page lists.
pub const GROUP_PAGE_MEMBERS: i64 = 200;
pub const GROUP_PAGE_DEVICES: i64 = 500;

/// A group with who and what it holds, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub node: GroupNode,
    /// (user id, email), at most the first `GROUP_PAGE_MEMBERS` by email.
    pub members: Vec<(String, String)>,
    /// (device id, name) of the devices tied to it by id or by tag.
    pub devices: Vec<(String, String)>,
    /// Its device-tag rules: key, and value if any.
    pub device_tags: Vec<(String, Option<String>)>,
}

/// The nodes depth-first (children sorted by name), each with its depth: the order the tree
/// and the parent pickers list them in. Nodes whose parent is missing count as roots.
pub fn tree_order(nodes: &[GroupNode]) -> Vec<(usize, GroupNode)> {
    let ids: HashSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let mut children: HashMap<Option<&str>, Vec<&GroupNode>> = HashMap::new();
    for node in nodes {
        let parent = node.parent_id.as_deref().filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(node);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut seen = HashSet::new();
    let mut stack: Vec<(usize, &GroupNode)> =
        children.get(&None).into_iter().flatten().rev().map(|n| (0, *n)).collect();
    while let Some((depth, node)) = stack.pop() {
        if !seen.insert(node.id.as_str()) {
            continue;
        }
        out.push((depth, node.clone()));
        if let Some(kids) = children.get(&Some(node.id.as_str())) {
            stack.extend(kids.iter().rev().map(|k| (depth + 1, *k)));
        }
    }
    out
}

/// `id` and every group below it: the parents it must not be moved under.
pub fn self_and_descendants(nodes: &[GroupNode], id: &str) -> HashSet<String> {
    let mut found: HashSet<String> = HashSet::from([id.to_owned()]);
    loop {
        let before = found.len();
        for node in nodes {
            if node.parent_id.as_ref().is_some_and(|p| found.contains(p)) {
                found.insert(node.id.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Each group's path from the top of its tree, names joined by `/`, by group id: how exports
/// name a user's groups and imports find them.
pub fn group_paths(nodes: &[GroupNode]) -> HashMap<String, String> {
    let parents: HashMap<&str, (&str, Option<&str>)> =
        nodes.iter().map(|n| (n.id.as_str(), (n.name.as_str(), n.parent_id.as_deref()))).collect();
    nodes
        .iter()
        .map(|node| {
            let mut names = vec![node.name.as_str()];
            let mut parent = node.parent_id.as_deref();
            // The tree has no cycles (the groups service refuses them); the bound is a guard.
            while let Some((name, above)) =
                parent.and_then(|id| parents.get(id)).filter(|_| names.len() <= parents.len())
            {
                names.push(name);
                parent = *above;
            }
            names.reverse();
            (node.id.clone(), names.join("/"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, name: &str, parent: Option<&str>) -> GroupNode {
        GroupNode {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            parent_id: parent.map(Into::into),
            member_count: 0,
            device_count: 0,
        }
    }

    #[test]
    fn depth_first_with_sorted_children() {
        let nodes = [
            node("c", "Stall", Some("b")),
            node("a", "Root", None),
            node("b", "Barn", Some("a")),
            node("d", "Attic", Some("a")),
            node("e", "Yard", None),
        ];
        let order: Vec<(usize, String)> = tree_order(&nodes).into_iter().map(|(d, n)| (d, n.id)).collect();
        let expected = [(0, "a"), (1, "d"), (1, "b"), (2, "c"), (0, "e")].map(|(d, id)| (d, id.to_owned()));
        assert_eq!(order, expected);
        assert_eq!(self_and_descendants(&nodes, "a"), HashSet::from(["a".into(), "b".into(), "c".into(), "d".into()]));
    }
}
