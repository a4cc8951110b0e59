//! The admin pages, loaded lazily: their code is cut out of the WASM the sign-in page needs, in
//! four groups fetched the first time one of their pages is shown (the server lists a page's
//! chunks as preloads in the HTML it renders):
//! - the admin layout and the users list, where an administrator lands;
//! - applications and a user's pages (new, edit);
//! - groups and devices;
//! - the rest: settings, API tokens, activity, import.
//!
//! Each group is a chunk, and the code some groups share is a chunk per set of groups sharing
//! it. A split point per page cut the code into 210 chunks (185 requests for the users list:
//! 5.5 s on a slow network); four groups make at most fifteen.
//!
//! Pages load their data themselves (resources inside the page), so a route's `data()` holds
//! nothing.

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
enum Group {
    UsersList,
    UserPages,
    GroupsAndDevices,
    Other,
}

impl Group {
    const fn of(page: u8) -> Group {
        match page {
            LAYOUT..=USERS => Group::UsersList,
            APPLICATIONS..=EDIT_USER => Group::UserPages,
            GROUPS..=DEVICE => Group::GroupsAndDevices,
            _ => Group::Other,
        }
    }
}

/// The route of page `PAGE`, as `view={Lazy::<Page<USERS>>::new()}`.
pub struct Page<const PAGE: u8>;

impl<const PAGE: u8> LazyRoute for Page<PAGE> {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        match Group::of(PAGE) {
            Group::UsersList => users_list(PAGE).await,
            Group::UserPages => user_pages(PAGE).await,
            Group::GroupsAndDevices => group_and_device_pages(PAGE).await,
            Group::Other => other_pages(PAGE).await,
        }
    }

    /// The router awaits this before it hydrates the route: the server rendered the page's
    /// HTML, which the chunk's code must be there to hydrate.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        match Group::of(PAGE) {
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
        APPLICATIONS => view! { <ApplicationsPage/> }.into_any(),
        NEW_USER => view! { <NewUserPage/> }.into_any(),
        _ => view! { <EditUserPage/> }.into_any(),
    }
}

#[lazy]
fn group_and_device_pages(page: u8) -> AnyView {
    match page {
        GROUPS => view! { <GroupsPage/> }.into_any(),
        EDIT_GROUP => view! { <EditGroupPage/> }.into_any(),
        DEVICES => view! { <DevicesPage/> }.into_any(),
        _ => view! { <DevicePage/> }.into_any(),
    }
}

#[lazy]
fn other_pages(page: u8) -> AnyView {
    match page {
        SETTINGS => view! { <SettingsPage/> }.into_any(),
        API_TOKENS => view! { <ApiTokensPage/> }.into_any(),
        ACTIVITY => view! { <ActivityPage/> }.into_any(),
        _ => view! { <ImportUsersPage/> }.into_any(),
    }
}
