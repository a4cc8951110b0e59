//! The front end's post-link steps, as library calls (no CLI of either tool to install):
//!
//! `eu-bindgen INPUT.wasm OUT_DIR NAME` writes `NAME.js` and `NAME_bg.wasm` for the browser
//! (`--target web`, no TypeScript), as `wasm-bindgen --target web --no-typescript` would, after
//! cutting the module at its `#[lazy]` split points (`app/src/routes.rs`), as cargo-leptos
//! `--split` does: each chunk goes to `OUT_DIR/*.wasm`, the loader that fetches chunks on first use to
//! `OUT_DIR/__wasm_split.______________________.js` (the name Leptos's `HydrationScripts` links),
//! and which chunks each split point needs to `OUT_DIR/__wasm_split_manifest.json` (read by the
//! server to preload a lazy page's chunks). wasm-bindgen then processes the main module, keeping
//! the linker's exports that the chunks import; the main module as split, with its function
//! names, stays in `OUT_DIR/NAME_split.wasm` (for `make size`). The input must be linked with
//! `--emit-relocs`.

use std::{path::Path, process::ExitCode};

/// Leptos's `HydrationScripts` looks for the loader under this name when files are not hashed.
const LOADER: &str = "__wasm_split.______________________.js";
const MANIFEST: &str = "__wasm_split_manifest.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: eu-bindgen INPUT.wasm OUT_DIR NAME");
        return ExitCode::from(2);
    };
    match split_then_bindgen(input, out_dir, name) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("eu-bindgen: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn split_then_bindgen(input: &str, out_dir: &str, name: &str) -> anyhow::Result<()> {
    let input_wasm = std::fs::read(input)?;
    let out = Path::new(out_dir);
    let main_out = out.join(format!("{name}_split.wasm"));
    let main_module = format!("./{name}.js");
    let link_name = format!("./{LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input_wasm);
    options.output_dir = out;
    options.main_out_path = &main_out;
    options.main_module = &main_module;
    options.link_name = &link_name;
    let split = wasm_split_cli_support::transform(options).map_err(|e| anyhow::anyhow!("wasm-split: {e:#}"))?;
    std::fs::write(out.join(MANIFEST), serde_json::to_string_pretty(&split.prefetch_map)?)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main_out)
        .out_name(name)
        .typescript(false)
        // The chunks import the main module's functions by their mangled linker names.
        .keep_lld_exports(true)
        .demangle(false)
        .web(true)?
        .generate(out_dir)
}
