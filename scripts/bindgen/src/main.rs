//! `eu-bindgen INPUT.wasm OUT_DIR NAME`: writes `NAME.js` and `NAME_bg.wasm` for the browser
//! (`--target web`, no TypeScript), as `wasm-bindgen --target web --no-typescript` would.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: eu-bindgen INPUT.wasm OUT_DIR NAME");
        return ExitCode::from(2);
    };
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    let result = bindgen.input_path(input).out_name(name).typescript(false).web(true).and_then(|b| b.generate(out_dir));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("eu-bindgen: {error:#}");
            ExitCode::FAILURE
        }
    }
}
