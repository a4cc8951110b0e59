//! The admin pages, loaded lazily: their code is cut out of the WASM the sign-in page needs, in
//! four groups fetched the first time one of their pages is shown (the server lists a page's
//! chunks as preloads in the HTML it renders):
//! - the users list, where an administrator lands;
//! - applications (the list, an application's settings) and a user's pages (new, edit);
//! - groups and devices;
//! - the rest: API tokens, activity, import.
//!
//! Each group is a chunk, and the code some groups share is a chunk per set of groups sharing
//! it. A split point per page cut the code into 210 chunks (185 requests for the users list:
//! 5.5 s on a slow network); four groups and the users list's tools (a fifth split point,
//! `experience::users::list_tools`, fetched once the list is interactive) make sixteen a page.
//!
//! The admin layout around every page is reachable from all four groups, so its code is in the
//! chunk they all share: the layout route shows it through the group of the page under it (the
//! address says which), and a first visit to, say, the settings fetches no users-list code.
//!
//! Pages load their data themselves (resources inside the page), so a route's `data()` holds
//! nothing but, for the layout, the group it goes through.

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::api_tokens::ApiTokensPage;
use crate::applications::{ApplicationsPage, SettingsPage};
use crate::components::layout::AdminLayout;
use crate::devices::{DevicePage, DevicesPage};
use crate::experience::{EditGroupPage, EditUserPage, GroupsPage, ImportUsersPage, NewUserPage, UsersPage};
use crate::history::ActivityPage;

// The pages, numbered: a const parameter names the page a route shows.
pub const LAYOUT: u8 = 0;
pub const USERS: u8 = 1;
pub const APPLICATIONS: u8 = 2;
pub const NEW_USER: u8 = 3;
pub const EDIT_USER: u8 = 4;
pub const GROUPS: u8 = 5;
pub const EDIT_GROUP: u8 = 6;
pub const DEVICES: u8 = 7;
pub const DEVICE: u8 = 8;
pub const SETTINGS: u8 = 9;
pub const API_TOKENS: u8 = 10;
pub const ACTIVITY: u8 = 11;
pub const IMPORT_USERS: u8 = 12;

/// The chunk a page's code is in. Its view and its preload both go by this one mapping, so they
/// cannot disagree (a page hydrated before its chunk is there fails).
#[derive(Clone, Copy)]
enum Group {
    UsersList,
    UserPages,
    GroupsAndDevices,
    Other,
}

impl Group {
    const fn of(page: u8) -> Group {
        match page {
            USERS => Group::UsersList,
            APPLICATIONS..=EDIT_USER | SETTINGS => Group::UserPages,
            GROUPS..=DEVICE => Group::GroupsAndDevices,
            _ => Group::Other,
        }
    }

    /// The group the layout goes through at `path`: that of the page the address shows. Only
    /// which chunk brings the layout's code depends on it (an address no page has takes the
    /// users list's, where `/applications/{id}` leads).
    fn at(path: &str) -> Group {
        let rest = path.trim_end_matches('/').strip_prefix("/applications").unwrap_or("");
        let parts: Vec<&str> = rest.split('/').skip(1).collect();
        let page = match parts.as_slice() {
            [] => APPLICATIONS,
            [_, "experience", "users", "new"] => NEW_USER,
            [_, "experience", "users", "import"] => IMPORT_USERS,
            [_, "experience", "users", _] => EDIT_USER,
            [_, "experience", "groups", ..] => GROUPS,
            [_, "devices", ..] => DEVICES,
            [_, "settings"] => SETTINGS,
            [_, "api-tokens"] => API_TOKENS,
            [_, "activity"] => ACTIVITY,
            _ => USERS,
        };
        Group::of(page)
    }

    /// The group of page `PAGE`; for the layout, that of the page at `path`, the address shown.
    fn current<const PAGE: u8>(path: impl FnOnce() -> String) -> Group {
        if PAGE != LAYOUT {
            return Group::of(PAGE);
        }
        Group::at(&path())
    }
}

/// The route of page `PAGE`, as `view={Lazy::<Page<USERS>>::new()}`.
pub struct Page<const PAGE: u8> {
    group: Group,
}

impl<const PAGE: u8> LazyRoute for Page<PAGE> {
    /// The router's address: on a client-side navigation, the new one, before the browser's
    /// shows it.
    fn data() -> Self {
        Self { group: Group::current::<PAGE>(|| leptos_router::hooks::use_location().pathname.get_untracked()) }
    }

    async fn view(this: Self) -> AnyView {
        match this.group {
            Group::UsersList => users_list(PAGE).await,
            Group::UserPages => user_pages(PAGE).await,
            Group::GroupsAndDevices => group_and_device_pages(PAGE).await,
            Group::Other => other_pages(PAGE).await,
        }
    }

    /// The router awaits this before it hydrates the route: the server rendered the page's
    /// HTML, which the chunk's code must be there to hydrate.
    async fn preload() {
        // Only hydration awaits it, when the browser's address is the page's; no router
        // context is at hand here.
        #[cfg(feature = "hydrate")]
        match Group::current::<PAGE>(|| window().location().pathname().unwrap_or_default()) {
            Group::UsersList => __preload_users_list().await,
            Group::UserPages => __preload_user_pages().await,
            Group::GroupsAndDevices => __preload_group_and_device_pages().await,
            Group::Other => __preload_other_pages().await,
        }
    }
}

#[lazy]
fn users_list(page: u8) -> AnyView {
    match page {
        LAYOUT => view! { <AdminLayout/> }.into_any(),
        _ => view! { <UsersPage/> }.into_any(),
    }
}

#[lazy]
fn user_pages(page: u8) -> AnyView {
    match page {
        LAYOUT => view! { <AdminLayout/> }.into_any(),
        APPLICATIONS => view! { <ApplicationsPage/> }.into_any(),
        NEW_USER => view! { <NewUserPage/> }.into_any(),
        SETTINGS => view! { <SettingsPage/> }.into_any(),
        _ => view! { <EditUserPage/> }.into_any(),
    }
}

#[lazy]
fn group_and_device_pages(page: u8) -> AnyView {
    match page {
        LAYOUT => view! { <AdminLayout/> }.into_any(),
        GROUPS => view! { <GroupsPage/> }.into_any(),
        EDIT_GROUP => view! { <EditGroupPage/> }.into_any(),
        DEVICES => view! { <DevicesPage/> }.into_any(),
        _ => view! { <DevicePage/> }.into_any(),
    }
}

#[lazy]
fn other_pages(page: u8) -> AnyView {
    match page {
        LAYOUT => view! { <AdminLayout/> }.into_any(),
        API_TOKENS => view! { <ApiTokensPage/> }.into_any(),
        ACTIVITY => view! { <ActivityPage/> }.into_any(),
        _ => view! { <ImportUsersPage/> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_group(path: &str) -> &'static str {
        match Group::at(path) {
            Group::UsersList => "users list",
            Group::UserPages => "user pages",
            Group::GroupsAndDevices => "groups and devices",
            Group::Other => "other",
        }
    }

    #[test]
    fn the_layout_goes_through_the_group_of_the_page_at_the_address() {
        let app = "/applications/0123456789abcdef01234567";
        assert_eq!(page_group("/applications"), "user pages");
        assert_eq!(page_group("/applications/"), "user pages");
        assert_eq!(page_group(app), "users list");
        assert_eq!(page_group(&format!("{app}/experience/users")), "users list");
        assert_eq!(page_group(&format!("{app}/experience/users/new")), "user pages");
        assert_eq!(page_group(&format!("{app}/experience/users/0123")), "user pages");
        assert_eq!(page_group(&format!("{app}/experience/users/import")), "other");
        assert_eq!(page_group(&format!("{app}/experience/groups")), "groups and devices");
        assert_eq!(page_group(&format!("{app}/experience/groups/0123")), "groups and devices");
        assert_eq!(page_group(&format!("{app}/devices")), "groups and devices");
        assert_eq!(page_group(&format!("{app}/devices/0123")), "groups and devices");
        assert_eq!(page_group(&format!("{app}/settings")), "user pages");
        assert_eq!(page_group(&format!("{app}/api-tokens")), "other");
        assert_eq!(page_group(&format!("{app}/activity")), "other");
        assert_eq!(page_group(&format!("{app}/no-such-page")), "users list");
    }
}
