//! The repositories the doors read through, on whichever engine the connection is from.

pub mod admins {
    conn_fns! {
        pub async fn count() -> Result<i64, sqlx::Error> => repo::admins::count;
    }
}

pub mod api_tokens {
    use crate::records::LiveToken;
    use model::api_tokens::ApiTokenInfo;

    conn_fns! {
        pub async fn find_live(token_hash: &str, now: i64) -> Result<Option<LiveToken>, sqlx::Error>
            => repo::api_tokens::find_live;
        pub async fn list(application_id: &str) -> Result<Vec<ApiTokenInfo>, sqlx::Error> => repo::api_tokens::list;
        pub async fn record_use(id: &str, now: i64) -> Result<(), sqlx::Error> => repo::api_tokens::record_use;
    }
}

pub mod applications {
    use crate::records::ApplicationSummary;
    use model::applications::Application;

    conn_fns! {
        pub async fn get(id: &str) -> Result<Option<Application>, sqlx::Error> => repo::applications::get;
        pub async fn list() -> Result<Vec<Application>, sqlx::Error> => repo::applications::list;
        pub async fn summary(id: &str) -> Result<Option<ApplicationSummary>, sqlx::Error> => repo::applications::summary;
    }
}

pub mod devices {
    use crate::records::Grant;
    use model::devices::{DeviceDetail, DeviceRow};

    conn_fns! {
        pub async fn effective_for_user(user_id: &str) -> Result<Vec<Grant>, sqlx::Error>
            => repo::devices::effective_for_user;
        pub async fn get(application_id: &str, id: &str) -> Result<Option<DeviceDetail>, sqlx::Error>
            => repo::devices::get;
        pub async fn list(application_id: &str) -> Result<Vec<DeviceRow>, sqlx::Error> => repo::devices::list;
        pub async fn tags(device_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> => repo::devices::tags;
    }
}

pub mod experience_tokens {
    use crate::records::UserRecord;

    conn_fns! {
        pub async fn find_user(token_hash: &str, application_id: &str, now: i64) -> Result<Option<UserRecord>, sqlx::Error>
            => repo::experience_tokens::find_user;
        pub async fn disabled_until_of_holder(token_hash: &str, application_id: &str, now: i64) -> Result<Option<i64>, sqlx::Error>
            => repo::experience_tokens::disabled_until_of_holder;
    }
}

pub mod jobs {
    use crate::records::JobRecord;

    conn_fns! {
        pub async fn insert(job: &JobRecord) -> Result<(), sqlx::Error> => repo::jobs::insert;
        pub async fn set_progress(id: &str, progress: &str, now: i64) -> Result<(), sqlx::Error>
            => repo::jobs::set_progress;
        pub async fn finish(id: &str, state: &str, progress: &str, outcome: &str, now: i64) -> Result<(), sqlx::Error>
            => repo::jobs::finish;
        pub async fn get(application_id: &str, id: &str) -> Result<Option<JobRecord>, sqlx::Error> => repo::jobs::get;
        pub async fn recent(application_id: &str, kind: &str, limit: i64) -> Result<Vec<JobRecord>, sqlx::Error>
            => repo::jobs::recent;
    }
}

pub mod groups {
    use crate::records::{DeviceTagTie, Group, GroupList};
    use model::groups::{GroupDetail, GroupNode};

    conn_fns! {
        pub async fn detail(application_id: &str, id: &str, members: i64, devices: i64)
            -> Result<Option<GroupDetail>, sqlx::Error> => repo::groups::detail;
        pub async fn device_counts(group_id: &str) -> Result<(i64, i64), sqlx::Error> => repo::groups::device_counts;
        pub async fn device_ids(group_id: &str) -> Result<Vec<String>, sqlx::Error> => repo::groups::device_ids;
        pub async fn device_tags(group_id: &str) -> Result<Vec<DeviceTagTie>, sqlx::Error> => repo::groups::device_tags;
        pub async fn existing_ids(table: &'static str, application_id: &str, ids: &[String])
            -> Result<Vec<String>, sqlx::Error> => repo::groups::existing_ids;
        pub async fn get(application_id: &str, id: &str) -> Result<Option<Group>, sqlx::Error> => repo::groups::get;
        pub async fn group_tags(group_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> => repo::groups::group_tags;
        pub async fn list(application_id: &str, query: &GroupList<'_>) -> Result<(Vec<Group>, i64), sqlx::Error>
            => repo::groups::list;
        pub async fn member_ids(group_id: &str) -> Result<Vec<String>, sqlx::Error> => repo::groups::member_ids;
        pub async fn nodes(application_id: &str) -> Result<Vec<GroupNode>, sqlx::Error> => repo::groups::nodes;
    }
}

pub mod memberships {
    use crate::records::Membership;
    use std::collections::HashMap;

    /// Tags and groups of many users, keyed by user id.
    pub type TagsAndGroups = (HashMap<String, Vec<(String, String)>>, HashMap<String, Vec<Membership>>);

    conn_fns! {
        pub async fn groups_of(user_id: &str) -> Result<Vec<Membership>, sqlx::Error> => repo::memberships::groups_of;
        pub async fn inherited_groups(user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error>
            => repo::memberships::inherited_groups;
        pub async fn tags_and_groups_of(user_ids: &[String]) -> Result<TagsAndGroups, sqlx::Error>
            => repo::memberships::tags_and_groups_of;
    }
}

pub mod sessions {
    use crate::sessions::CurrentAdmin;

    conn_fns! {
        pub async fn insert(token_hash: &str, admin_id: &str, now: i64, expires_at: i64) -> Result<(), sqlx::Error>
            => repo::sessions::insert;
        pub async fn find_admin(token_hash: &str, now: i64) -> Result<Option<CurrentAdmin>, sqlx::Error>
            => repo::sessions::find_admin;
        pub async fn delete(token_hash: &str) -> Result<(), sqlx::Error> => repo::sessions::delete;
        pub async fn delete_expired(now: i64) -> Result<u64, sqlx::Error> => repo::sessions::delete_expired;
    }
}

pub mod user_list {
    use crate::domain::user_filter::UserFilter;

    conn_fns! {
        pub async fn count(application_id: &str, filter: &UserFilter, cap: Option<i64>) -> Result<i64, sqlx::Error>
            => repo::user_list::count;
    }
}

pub mod user_tags {
    conn_fns! {
        pub async fn suggest_tag_keys(application_id: &str, prefix: &str) -> Result<Vec<String>, sqlx::Error>
            => repo::user_tags::suggest_tag_keys;
        pub async fn tags_of(user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> => repo::user_tags::tags_of;
    }
}

pub mod users {
    use model::users::{UserDetail, ViewCounts};

    conn_fns! {
        pub async fn counts(application_id: &str) -> Result<Option<ViewCounts>, sqlx::Error> => repo::users::counts;
        pub async fn email_taken(application_id: &str, email_normalized: &str, except_id: Option<&str>)
            -> Result<bool, sqlx::Error> => repo::users::email_taken;
        pub async fn get(application_id: &str, id: &str) -> Result<Option<UserDetail>, sqlx::Error> => repo::users::get;
    }
}
