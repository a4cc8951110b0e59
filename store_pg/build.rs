// sqlx's `migrate!` embeds the migrations when this crate compiles; without this, a changed or
// added migration file alone would not recompile it and the server would keep the old ones.
fn main() {
    println!("cargo:rerun-if-changed=../migrations/postgres");
}
